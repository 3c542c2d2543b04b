#include "raw_connection.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

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
	sockaddr_in addr{};
	addr.sin_family = AF_INET;
	addr.sin_port = htons(static_cast<uint16_t>(port));
	if (inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1)
		return;
	const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (!source.empty()) {
		sockaddr_in from{};
		from.sin_family = AF_INET;
		if (inet_pton(AF_INET, source.c_str(), &from.sin_addr) != 1 ||
		    bind(fd, reinterpret_cast<sockaddr *>(&from), sizeof(from)) != 0) {
			close(fd);
			return;
		}
	}
	int rc = connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr));
	if (rc != 0 && errno == EINPROGRESS) {
		pollfd p{fd, POLLOUT, 0};
		int error = 0;
		socklen_t len = sizeof(error);
		rc = poll(&p, 1, static_cast<int>(timeout.count())) == 1 &&
				     getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0
			     ? 0
			     : -1;
	}
	if (rc != 0) {
		close(fd);
		return;
	}
	fd_ = fd;
}

RawConnection::~RawConnection()
{
	if (fd_ >= 0)
		close(fd_);
}

bool RawConnection::send(const std::string &bytes)
{
	if (fd_ < 0)
		return false;
	size_t sent = 0;
	const auto deadline = Clock::now() + std::chrono::seconds(5);
	while (sent < bytes.size()) {
		const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
		if (n > 0) {
			sent += static_cast<size_t>(n);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			pollfd p{fd_, POLLOUT, 0};
			if (poll(&p, 1, remaining_ms(deadline)) != 1)
				return false; // the server stopped reading: as good as refusing the rest
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		peer_closed_ = true;
		return false;
	}
	return true;
}

bool RawConnection::read_some(Clock::time_point deadline)
{
	if (fd_ < 0 || peer_closed_)
		return false;
	pollfd p{fd_, POLLIN, 0};
	const int ready = poll(&p, 1, remaining_ms(deadline));
	if (ready <= 0)
		return false;
	char buffer[16384];
	const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
	if (n > 0) {
		received_.append(buffer, static_cast<size_t>(n));
		return true;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
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
