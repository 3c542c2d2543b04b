#pragma once

// A TCP connection that sends exactly the bytes a test gives it (no HTTP client in between to fix them up) and
// reads with deadlines, for tests of hostile and malformed requests and of which addresses a server answers on.

#include "net/socket_io.hpp"

#include <chrono>
#include <string>

namespace sse_audio::test {

class RawConnection {
public:
	using Clock = std::chrono::steady_clock;

	// Connects to `address`:`port` (IPv4); connected() tells whether it worked within `timeout`. A `source`
	// address (e.g. 127.0.0.3) makes the server see the connection come from another client.
	RawConnection(const std::string &address, int port, std::chrono::milliseconds timeout,
		      const std::string &source = {});
	~RawConnection();
	RawConnection(const RawConnection &) = delete;
	RawConnection &operator=(const RawConnection &) = delete;

	[[nodiscard]] bool connected() const { return fd_ != net::kInvalidSocket; }
	// Sends all of `bytes`; false when the peer closed or reset the connection (or nothing is connected).
	bool send(const std::string &bytes);
	// Reads what arrives until the peer closes or `deadline` passes; appended to received().
	void read_until(Clock::time_point deadline);
	// Reads until a whole response head (up to the blank line) arrived, the peer closed, or `deadline` passed.
	void read_head(Clock::time_point deadline);
	// True once the peer closed (or reset) the connection.
	[[nodiscard]] bool closed_by_peer() const { return peer_closed_; }
	[[nodiscard]] const std::string &received() const { return received_; }
	// The status code of the response received so far; -1 when no HTTP status line arrived.
	[[nodiscard]] int status() const;

private:
	// One read of what is available, waiting until `deadline`; false once nothing more can come.
	bool read_some(Clock::time_point deadline);

	socket_t fd_ = net::kInvalidSocket;
	bool peer_closed_ = false;
	std::string received_;
};

// Sends `request` on a new connection to 127.0.0.1:`port` and reads until the server closes or `wait` passes.
// Returns as soon as the response is complete (Content-Length reached) or the server closed.
struct RawExchange {
	bool connected = false;
	int status = -1;     // -1: no HTTP status line came back
	bool closed = false; // the server closed the connection
	std::string received;
};
RawExchange exchange(int port, const std::string &request, std::chrono::milliseconds wait);

} // namespace sse_audio::test
