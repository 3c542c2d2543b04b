#pragma once

// The few socket calls the server makes itself, behind one portable face: waiting for readiness, sending and
// receiving without blocking, and naming the peer. cpp-httplib owns accepting and parsing; these serve the
// connections the server takes over from it (listeners) and the request stream it hands to cpp-httplib.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#ifdef _WIN32
#include <winsock2.h>
using socket_t = SOCKET;
#else
#include <poll.h>
using socket_t = int;
#endif

namespace sse_audio::net {

#ifdef _WIN32
inline constexpr socket_t kInvalidSocket = INVALID_SOCKET;
#else
inline constexpr socket_t kInvalidSocket = -1;
#endif

enum class Readiness { Ready, Timeout, Error };

// One entry of a readiness wait on many sockets. POLLIN, POLLOUT, POLLHUP, POLLERR and POLLNVAL mean the same on
// both systems.
#ifdef _WIN32
using PollFd = WSAPOLLFD;
#else
using PollFd = pollfd;
#endif

// poll(2) on POSIX, WSAPoll on Windows: waits up to `timeout_ms` until one of `fds` is ready. Returns how many
// are, 0 on timeout, -1 on error.
int poll_sockets(std::span<PollFd> fds, int timeout_ms);

// Waits up to `timeout_ms` for the socket to be readable (or, with `for_write`, writable).
Readiness wait_ready(socket_t sock, bool for_write, int timeout_ms);

// What one non-blocking send or receive did.
struct IoResult {
	size_t bytes = 0;
	bool would_block = false; // nothing could move now; try again when the socket is ready
	bool closed = false;      // the peer closed (receive) or the connection is gone (send): give it up
};

// Sends as much of `parts` (in order, as one stream of bytes) as the socket takes now, never raising SIGPIPE.
IoResult send_now(socket_t sock, std::span<const std::string_view> parts);
// Receives what is there now, up to `buffer.size()` bytes.
IoResult receive_now(socket_t sock, std::span<char> buffer);

void set_non_blocking(socket_t sock);
// Caps the kernel's send buffer for the socket (Linux doubles the figure for its bookkeeping).
void set_send_buffer(socket_t sock, int bytes);
void close_socket(socket_t sock);

// Moves the socket to a descriptor number at or above `floor` when the process may hold that many, so that the
// low numbers stay free for new connections (see StreamServer: cpp-httplib refuses descriptors >= FD_SETSIZE).
// Returns the socket to use from now on (the same one when it could not be moved).
socket_t move_above(socket_t sock, int floor);

// Raises the soft limit of open descriptors to the hard limit: every listener holds one. Returns the new limit.
uint64_t raise_descriptor_limit();

// Wakes a thread that sleeps in poll_sockets(): the thread polls fd() for reading along with its sockets, others
// call signal(). POSIX: a non-blocking pipe. Windows: WSAPoll takes only sockets, so a connected pair of loopback
// TCP sockets stands in for the pipe. fd() is kInvalidSocket when neither could be made; the thread then only
// wakes on its own timeout.
class PollWakeup {
public:
	PollWakeup();
	~PollWakeup();
	PollWakeup(const PollWakeup &) = delete;
	PollWakeup &operator=(const PollWakeup &) = delete;

	void signal() const;
	// The polling thread, once fd() was readable: empties the pipe so the next poll sleeps again.
	void drain() const;
	[[nodiscard]] socket_t fd() const { return read_; }
	[[nodiscard]] bool valid() const { return read_ != kInvalidSocket; }

private:
	socket_t read_ = kInvalidSocket;
	socket_t write_ = kInvalidSocket;
#ifdef _WIN32
	bool winsock_ = false; // WSAStartup succeeded: WSACleanup is owed
#endif
};

} // namespace sse_audio::net
