#include "net/socket_watch.hpp"

namespace sse_audio::net {

// Where there is no epoll (Windows): poll/WSAPoll over every registered socket, level-triggered, writability
// asked only for sockets whose last send left bytes behind — what the fan-out did before epoll.

SocketWatch::SocketWatch()
{
	if (bell_.valid()) {
		fds_.push_back(PollFd{bell_.fd(), POLLIN, 0});
		keys_.push_back(nullptr);
	}
}

SocketWatch::~SocketWatch() = default;

bool SocketWatch::watch(socket_t sock, void *key)
{
	index_[sock] = fds_.size();
	fds_.push_back(PollFd{sock, POLLIN, 0});
	keys_.push_back(key);
	return true;
}

void SocketWatch::forget(socket_t sock)
{
	const auto found = index_.find(sock);
	if (found == index_.end())
		return;
	// Swap with the last entry: the order of reports does not matter.
	const size_t i = found->second;
	index_.erase(found);
	const size_t last = fds_.size() - 1;
	if (i != last) {
		fds_[i] = fds_[last];
		keys_[i] = keys_[last];
		index_[fds_[i].fd] = i;
	}
	fds_.pop_back();
	keys_.pop_back();
}

void SocketWatch::want_writable(socket_t sock, bool want)
{
	const auto found = index_.find(sock);
	if (found != index_.end())
		fds_[found->second].events = static_cast<short>(POLLIN | (want ? POLLOUT : 0));
}

const std::vector<SocketEvent> &SocketWatch::wait(int timeout_ms)
{
	events_.clear();
	for (auto &fd : fds_)
		fd.revents = 0;
	if (poll_sockets(fds_, timeout_ms) <= 0)
		return events_;
	const size_t first = bell_.valid() ? 1 : 0;
	if (first == 1 && (fds_[0].revents & POLLIN) != 0)
		bell_.drain();
	for (size_t i = first; i < fds_.size(); i++) {
		const short revents = fds_[i].revents;
		if (revents == 0)
			continue;
		events_.push_back(SocketEvent{keys_[i], (revents & (POLLIN | POLLHUP)) != 0, (revents & POLLOUT) != 0,
					      (revents & (POLLERR | POLLNVAL)) != 0});
	}
	return events_;
}

} // namespace sse_audio::net
