#include "raw_connection.hpp"

#include "test_sockets.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace sse_audio::test {

namespace {

int remaining_ms(RawConnection::Clock::time_point deadline)
{
	const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - RawConnection::Clock::now());
	return static_cast<int>(std::max<int64_t>(left.count(), 0));
}

} // namespace

RawConnection::RawConnection(const std::string &address, int port, std::chrono::milliseconds timeout,
			     const std::string &source)
{
	bool parsed = false;
	const sockaddr_in addr = ipv4_address(address, port, &parsed);
	if (!parsed)
		return;
	const socket_t fd = tcp_socket();
	if (!valid(fd))
		return;
	net::set_non_blocking(fd);
	if (!source.empty()) {
		const sockaddr_in from = ipv4_address(source, 0, &parsed);
		if (!parsed || bind(fd, reinterpret_cast<const sockaddr *>(&from), sizeof(from)) != 0) {
			close_socket(fd);
			return;
		}
	}
	int rc = connect(fd, reinterpret_cast<const sockaddr *>(&addr), sizeof(addr));
	if (rc != 0 && in_progress()) {
		int error = 0;
		socklen_t len = sizeof(error);
		rc = net::wait_ready(fd, true, static_cast<int>(timeout.count())) == net::Readiness::Ready &&
				     getsockopt(fd, SOL_SOCKET, SO_ERROR, reinterpret_cast<char *>(&error), &len) ==
					     0 &&
				     error == 0
			     ? 0
			     : -1;
	}
	if (rc != 0) {
		close_socket(fd);
		return;
	}
	fd_ = fd;
}

RawConnection::~RawConnection()
{
	if (valid(fd_))
		close_socket(fd_);
}

bool RawConnection::send(const std::string &bytes)
{
	if (!valid(fd_))
		return false;
	size_t sent = 0;
	const auto deadline = Clock::now() + std::chrono::seconds(5);
	while (sent < bytes.size()) {
		const long n = send_bytes(fd_, bytes.data() + sent, bytes.size() - sent);
		if (n > 0) {
			sent += static_cast<size_t>(n);
			continue;
		}
		if (n < 0 && in_progress()) {
			if (net::wait_ready(fd_, true, remaining_ms(deadline)) != net::Readiness::Ready)
				return false; // the server stopped reading: as good as refusing the rest
			continue;
		}
		if (n < 0 && interrupted())
			continue;
		peer_closed_ = true;
		return false;
	}
	return true;
}

bool RawConnection::read_some(Clock::time_point deadline)
{
	if (!valid(fd_) || peer_closed_)
		return false;
	if (net::wait_ready(fd_, false, remaining_ms(deadline)) != net::Readiness::Ready)
		return false;
	char buffer[16384];
	const long n = receive_bytes(fd_, buffer, sizeof(buffer));
	if (n > 0) {
		received_.append(buffer, static_cast<size_t>(n));
		return true;
	}
	if (n < 0 && (in_progress() || interrupted()))
		return true;
	peer_closed_ = true; // orderly close (0) or reset
	return false;
}

void RawConnection::read_until(Clock::time_point deadline)
{
	while (Clock::now() < deadline && read_some(deadline)) {
	}
}

void RawConnection::read_head(Clock::time_point deadline)
{
	while (received_.find("\r\n\r\n") == std::string::npos && Clock::now() < deadline && read_some(deadline)) {
	}
}

int RawConnection::status() const
{
	// "HTTP/1.1 404 Not Found"
	if (received_.size() < 12 || received_.compare(0, 5, "HTTP/") != 0 || received_[8] != ' ')
		return -1;
	const std::string code = received_.substr(9, 3);
	if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
		return -1;
	return std::stoi(code);
}

RawExchange exchange(int port, const std::string &request, std::chrono::milliseconds wait)
{
	RawExchange out;
	RawConnection connection("127.0.0.1", port, std::chrono::seconds(2));
	out.connected = connection.connected();
	if (!out.connected)
		return out;
	connection.send(request);
	const auto deadline = RawConnection::Clock::now() + wait;
	connection.read_head(deadline);
	// A complete response with a length need not wait for the close (keep-alive).
	std::string head = connection.received().substr(0, connection.received().find("\r\n\r\n"));
	std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
	const size_t head_end = connection.received().find("\r\n\r\n");
	const size_t length_at = head.find("\r\ncontent-length:");
	if (head_end != std::string::npos && length_at != std::string::npos) {
		const size_t length = std::strtoul(head.c_str() + length_at + 17, nullptr, 10);
		while (connection.received().size() < head_end + 4 + length && RawConnection::Clock::now() < deadline &&
		       !connection.closed_by_peer())
			connection.read_until(
				std::min(deadline, RawConnection::Clock::now() + std::chrono::milliseconds(50)));
	} else {
		connection.read_until(deadline);
	}
	out.status = connection.status();
	out.closed = connection.closed_by_peer();
	out.received = connection.received();
	return out;
}

} // namespace sse_audio::test
