#pragma once

#include "net/socket_io.hpp"

#include <unordered_map>
#include <vector>

namespace sse_audio::net {

// What a watched socket has to report after a wait.
struct SocketEvent {
	void *key = nullptr;   // given to watch()
	bool readable = false; // data, end of stream or a hang-up: read it to learn which
	bool writable = false; // room again in a send buffer that was full
	bool error = false;    // the connection failed
};

// The fan-out's wait on many long-lived sockets, and the bell other threads ring to wake it early.
//
// Unlike PollSet, sockets are registered once and a wait costs nothing per quiet socket: on Linux an edge-triggered
// epoll (a socket reports only when something changes: data arrived, or a full send buffer emptied), elsewhere
// poll(2)/WSAPoll over the registered set, asking for writability only where want_writable() said so. The caller
// treats both alike: after a send that did not take everything, it calls want_writable(sock, true) and waits for
// `writable`; readable sockets are read until they would block.
class SocketWatch {
public:
	SocketWatch();
	~SocketWatch();
	SocketWatch(const SocketWatch &) = delete;
	SocketWatch &operator=(const SocketWatch &) = delete;

	// Any thread: the next (or current) wait() returns at once.
	void wake() const { bell_.signal(); }

	// Watches the socket until forget(); its events carry `key`. False when the system refused it.
	bool watch(socket_t sock, void *key);
	// Stops watching; call before closing the socket.
	void forget(socket_t sock);
	// Whether to report the socket writable (only after a send left bytes behind). Epoll reports that edge anyway.
	void want_writable(socket_t sock, bool want);

	// Sleeps until a watched socket has something to report, wake() was called or timeout_ms passed, and returns
	// the reports (empty on a timeout or a wake). The vector is reused by the next wait.
	const std::vector<SocketEvent> &wait(int timeout_ms);

private:
	PollWakeup bell_;
	std::vector<SocketEvent> events_;
#ifdef __linux__
	int epoll_ = -1;
#else
	std::vector<PollFd> fds_; // fds_[0] is the bell's when it is valid
	std::vector<void *> keys_;
	std::unordered_map<socket_t, size_t> index_;
#endif
};

} // namespace sse_audio::net
