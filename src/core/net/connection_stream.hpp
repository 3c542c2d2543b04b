#pragma once

#include "net/socket_io.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace sse_audio {

// Bounds on what one client may cost a request worker.
// Reading is bounded by RequestGate, which hands over whole request heads only; these bound the rest.
struct ConnectionLimits {
	int read_timeout_ms = 5000;                   // longest wait for more bytes, should cpp-httplib ask for any
	int request_deadline_ms = 10000;              // the request must have been read by then
	size_t max_request_bytes = size_t{64} * 1024; // what cpp-httplib may read for one request
	int write_timeout_ms = 15000;                 // a response the client takes nothing of this long is abandoned
	// The whole request, read and answered, within this, however the client trickles: progress does not extend
	// it, so one client holds a worker for this long at most (the player's largest file is ~20 KB).
	int response_deadline_ms = 10000;
};

// The byte stream cpp-httplib reads requests from and writes responses to, on a connection the server accepted.
// It waits with poll (cpp-httplib 0.11.4 as built by Debian uses select, which breaks past descriptor 1023), in
// short slices so that a server stop is never held up by a slow client, and enforces ConnectionLimits.
// Once the connection is taken over for streaming, writes are swallowed: the stream owns the socket from then on.
// It does not derive from httplib::Stream, whose virtual functions differ between cpp-httplib versions: the
// adapter in takeover_server.cpp, the one file that knows them, forwards to it.
class ConnectionStream final {
public:
	// `received`: bytes already read from the socket (the request head, checked by RequestGate).
	ConnectionStream(socket_t sock, const ConnectionLimits &limits, const std::atomic<bool> &stopping,
			 std::string received);

	// Whether bytes are buffered, without waiting.
	[[nodiscard]] bool has_buffered() const { return buffered_from_ < buffer_.size(); }
	// Whether bytes can be read (buffered, or arriving within the read timeout).
	[[nodiscard]] bool wait_readable() const;
	// Whether bytes can be written within the write timeout (always once writes are swallowed).
	[[nodiscard]] bool wait_writable() const;
	// Milliseconds since the request started.
	[[nodiscard]] int64_t elapsed_ms() const;
	// -1 on error, timeout, stop or an oversized request; 0 once the client has closed.
	std::ptrdiff_t read(char *ptr, size_t size);
	std::ptrdiff_t write(const char *ptr, size_t size);
	void get_remote_ip_and_port(std::string &ip, int &port) const;
	void get_local_ip_and_port(std::string &ip, int &port) const;
	[[nodiscard]] socket_t socket() const { return sock_; }

	// Bytes received and not read by cpp-httplib: the start of the next request on a kept-alive connection.
	std::string take_unread();
	void swallow_writes() { swallow_writes_ = true; }

private:
	// Waits for the socket in slices; false on timeout, error or stop.
	bool wait(bool for_write, int timeout_ms) const;

	socket_t sock_;
	ConnectionLimits limits_;
	const std::atomic<bool> &stopping_;
	std::string buffer_;
	size_t buffered_from_ = 0;
	size_t request_bytes_ = 0;
	std::chrono::steady_clock::time_point started_;
	std::chrono::steady_clock::time_point deadline_;          // for reading the request
	std::chrono::steady_clock::time_point response_deadline_; // for reading and answering it
	bool swallow_writes_ = false;
};

} // namespace sse_audio
