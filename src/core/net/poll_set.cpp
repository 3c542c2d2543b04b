#include "net/poll_set.hpp"

namespace sse_audio::net {

void PollSet::clear()
{
	fds_.clear();
	first_ = 0;
	if (bell_.valid()) {
		fds_.push_back(PollFd{bell_.fd(), POLLIN, 0});
		first_ = 1;
	}
}

void PollSet::add(socket_t sock, short events)
{
	fds_.push_back(PollFd{sock, events, 0});
}

int PollSet::wait(int timeout_ms)
{
	const int ready = poll_sockets(fds_, timeout_ms);
	if (ready > 0 && first_ == 1 && (fds_[0].revents & POLLIN) != 0) {
		bell_.drain();
		return ready - 1;
	}
	return ready;
}

} // namespace sse_audio::net
