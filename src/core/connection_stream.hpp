#pragma once

#include "socket_io.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>

namespace sse_audio {

// Bounds on what one client may cost a request worker.
// Reading is bounded by RequestGate, which hands over whole request heads only; these bound the rest.
struct ConnectionLimits {
	int read_timeout_ms = 5000;                   // longest wait for more bytes, should cpp-httplib ask for any
	int request_deadline_ms = 10000;              // the request must have been read by then
	size_t max_request_bytes = size_t{64} * 1024; // what cpp-httplib may read for one request
	int write_timeout_ms = 15000;                 // a response the client takes nothing of this long is abandoned
};

// The byte stream cpp-httplib reads requests from and writes responses to, on a connection the server accepted.
// It waits with poll (cpp-httplib 0.11.4 as built by Debian uses select, which breaks past descriptor 1023), in
// short slices so that a server stop is never held up by a slow client, and enforces ConnectionLimits.
// Once the connection is taken over for streaming, writes are swallowed: the stream owns the socket from then on.
class ConnectionStream final : public httplib::Stream {
public:
	// `received`: bytes already read from the socket (the request head, checked by RequestGate).
	ConnectionStream(socket_t sock, const ConnectionLimits &limits, const std::atomic<bool> &stopping,
			 std::string received);

	bool is_readable() const override;
	bool is_writable() const override;
	ssize_t read(char *ptr, size_t size) override;
	ssize_t write(const char *ptr, size_t size) override;
	void get_remote_ip_and_port(std::string &ip, int &port) const override;
	void get_local_ip_and_port(std::string &ip, int &port) const override;
	socket_t socket() const override { return sock_; }

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
	std::chrono::steady_clock::time_point deadline_;
	bool swallow_writes_ = false;
};

} // namespace sse_audio
