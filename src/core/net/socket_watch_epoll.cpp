#include "net/socket_watch.hpp"

#include <array>

#include <sys/epoll.h>
#include <unistd.h>

namespace sse_audio::net {

namespace {

// Reports taken per epoll_wait: more wait for the next call, which returns at once.
constexpr int kMaxEvents = 256;

} // namespace

SocketWatch::SocketWatch() : epoll_(epoll_create1(EPOLL_CLOEXEC))
{
	if (epoll_ >= 0 && bell_.valid()) {
		epoll_event ev{};
		ev.events = EPOLLIN;
		ev.data.ptr = this; // the bell's key: no caller's key is the watch itself
		epoll_ctl(epoll_, EPOLL_CTL_ADD, bell_.fd(), &ev);
	}
}

SocketWatch::~SocketWatch()
{
	if (epoll_ >= 0)
		::close(epoll_);
}

// Not const: the poll version changes its set.
bool SocketWatch::watch(socket_t sock, void *key) // NOLINT(readability-make-member-function-const)
{
	// Edge-triggered, writability included: the kernel reports a socket once per change (data arrived, a full
	// buffer drained), so a thousand quiet listeners cost nothing per wait.
	epoll_event ev{};
	ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
	ev.data.ptr = key;
	return epoll_ >= 0 && epoll_ctl(epoll_, EPOLL_CTL_ADD, sock, &ev) == 0;
}

void SocketWatch::forget(socket_t sock) // NOLINT(readability-make-member-function-const)
{
	epoll_event ev{};
	epoll_ctl(epoll_, EPOLL_CTL_DEL, sock, &ev);
}

void SocketWatch::want_writable(socket_t /*sock*/, bool /*want*/)
{
	// The edge of a full buffer draining is reported whether asked or not.
}

const std::vector<SocketEvent> &SocketWatch::wait(int timeout_ms)
{
	events_.clear();
	std::array<epoll_event, kMaxEvents> ready{};
	const int count = epoll_wait(epoll_, ready.data(), kMaxEvents, timeout_ms);
	for (int i = 0; i < count; i++) {
		const epoll_event &ev = ready[static_cast<size_t>(i)];
		if (ev.data.ptr == this) {
			bell_.drain();
			continue;
		}
		events_.push_back(SocketEvent{ev.data.ptr, (ev.events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) != 0,
					      (ev.events & EPOLLOUT) != 0, (ev.events & EPOLLERR) != 0});
	}
	return events_;
}

} // namespace sse_audio::net
