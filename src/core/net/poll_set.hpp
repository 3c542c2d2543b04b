#pragma once

#include "net/socket_io.hpp"

#include <cstddef>
#include <vector>

namespace sse_audio::net {

// One thread's wait on its sockets, and the bell other threads ring to wake it early (a new socket to serve, a
// stop). Each round the thread clears the set, adds its sockets, waits, and reads each socket's events by the
// order it was added; the bell's own descriptor and the platform's poll (poll(2), WSAPoll) stay in here.
class PollSet {
public:
	// Any thread: the next (or current) wait() returns at once.
	void wake() const { bell_.signal(); }

	// Starts a round with no socket of the caller's.
	void clear();
	// Adds a socket to this round, polled for `events` (POLLIN, POLLOUT; 0 for errors and hang-ups only). Its
	// events are revents(i), i counting the adds of the round from 0.
	void add(socket_t sock, short events);
	// Sleeps until a socket has events, wake() was called or timeout_ms passed; returns the number of the caller's
	// sockets with events (0 on a timeout or a wake, -1 on an error).
	int wait(int timeout_ms);
	[[nodiscard]] short revents(size_t i) const { return i + first_ < fds_.size() ? fds_[i + first_].revents : 0; }

private:
	PollWakeup bell_;
	std::vector<PollFd> fds_;
	size_t first_ = 0; // 1 when the bell's descriptor leads the set
};

} // namespace sse_audio::net
