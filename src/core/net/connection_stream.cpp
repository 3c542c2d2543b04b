#include "net/connection_stream.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

#ifdef _WIN32
#include <ws2tcpip.h> // getnameinfo, socklen_t (cpp-httplib's header used to bring it in)
#else
#include <netdb.h>
#include <sys/socket.h>
#endif

namespace sse_audio {

namespace {

using Clock = std::chrono::steady_clock;

// How often a waiting worker looks at the stop flag.
constexpr int kSliceMs = 100;

void numeric_address(const sockaddr_storage &addr, socklen_t len, std::string &ip, int &port)
{
	std::array<char, NI_MAXHOST> host{};
	std::array<char, NI_MAXSERV> service{};
	if (getnameinfo(reinterpret_cast<const sockaddr *>(&addr), len, host.data(), host.size(), service.data(),
			service.size(), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return;
	ip = host.data();
	port = std::atoi(service.data());
}

} // namespace

ConnectionStream::ConnectionStream(socket_t sock, const ConnectionLimits &limits, const std::atomic<bool> &stopping,
				   std::string received)
	: sock_(sock),
	  limits_(limits),
	  stopping_(stopping),
	  buffer_(std::move(received)),
	  started_(Clock::now()),
	  deadline_(started_ + std::chrono::milliseconds(limits.request_deadline_ms)),
	  response_deadline_(started_ + std::chrono::milliseconds(limits.response_deadline_ms))
{
}

std::string ConnectionStream::take_unread()
{
	std::string unread = buffer_.substr(buffered_from_);
	buffer_.clear();
	buffered_from_ = 0;
	return unread;
}

bool ConnectionStream::wait(bool for_write, int timeout_ms) const
{
	const auto until = Clock::now() + std::chrono::milliseconds(timeout_ms);
	while (!stopping_) {
		const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
		if (left < 0)
			return false;
		switch (net::wait_ready(sock_, for_write, static_cast<int>(std::min<int64_t>(left, kSliceMs)))) {
		case net::Readiness::Ready:
			return true;
		case net::Readiness::Error:
			return false;
		case net::Readiness::Timeout:
			break;
		}
	}
	return false;
}

bool ConnectionStream::wait_readable() const
{
	return has_buffered() || wait(false, limits_.read_timeout_ms);
}

bool ConnectionStream::wait_writable() const
{
	return swallow_writes_ || wait(true, limits_.write_timeout_ms);
}

int64_t ConnectionStream::elapsed_ms() const
{
	return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_).count();
}

std::ptrdiff_t ConnectionStream::read(char *ptr, size_t size)
{
	if (size == 0)
		return 0;
	if (buffered_from_ == buffer_.size()) {
		const auto left =
			std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
		if (left <= 0 || !wait(false, static_cast<int>(std::min<int64_t>(left, limits_.read_timeout_ms))))
			return -1;
		std::array<char, 4096> chunk{};
		const net::IoResult got = net::receive_now(sock_, chunk);
		if (got.bytes == 0)
			return got.closed ? 0 : -1;
		buffer_.assign(chunk.data(), got.bytes);
		buffered_from_ = 0;
	}
	const size_t n = std::min(size, buffer_.size() - buffered_from_);
	request_bytes_ += n;
	if (request_bytes_ > limits_.max_request_bytes)
		return -1; // cpp-httplib then drops the connection without an answer
	std::memcpy(ptr, buffer_.data() + buffered_from_, n);
	buffered_from_ += n;
	return static_cast<std::ptrdiff_t>(n);
}

std::ptrdiff_t ConnectionStream::write(const char *ptr, size_t size)
{
	if (swallow_writes_)
		return static_cast<std::ptrdiff_t>(size);
	size_t done = 0;
	while (done < size) {
		const std::string_view part(ptr + done, size - done);
		const net::IoResult sent = net::send_now(sock_, std::span(&part, 1));
		if (sent.closed)
			return -1;
		done += sent.bytes;
		if (done == size)
			break;
		const auto left =
			std::chrono::duration_cast<std::chrono::milliseconds>(response_deadline_ - Clock::now());
		if (left.count() <= 0 ||
		    !wait(true, static_cast<int>(std::min<int64_t>(left.count(), limits_.write_timeout_ms))))
			return -1;
	}
	return static_cast<std::ptrdiff_t>(size);
}

void ConnectionStream::get_remote_ip_and_port(std::string &ip, int &port) const
{
	sockaddr_storage addr{};
	socklen_t len = sizeof(addr);
	if (getpeername(sock_, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
		numeric_address(addr, len, ip, port);
}

void ConnectionStream::get_local_ip_and_port(std::string &ip, int &port) const
{
	sockaddr_storage addr{};
	socklen_t len = sizeof(addr);
	if (getsockname(sock_, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
		numeric_address(addr, len, ip, port);
}

} // namespace sse_audio
