#include "http_stream.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace sse_audio::itest {

namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;

int remaining_ms(Clock::time_point deadline)
{
	const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
	return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1000));
}

bool iequals(std::string_view a, std::string_view b)
{
	return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
		       return std::tolower(static_cast<unsigned char>(x)) ==
			      std::tolower(static_cast<unsigned char>(y));
	       });
}

std::string trim(std::string_view s)
{
	while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
		s.remove_prefix(1);
	while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
		s.remove_suffix(1);
	return std::string(s);
}

// A non-blocking socket connected to 127.0.0.1:port, or -1 with errno set.
int connect_loopback(int port, Clock::time_point deadline)
{
	const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	sockaddr_in addr = {};
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons(static_cast<uint16_t>(port));
	if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0) {
		if (errno != EINPROGRESS) {
			const int err = errno;
			::close(fd);
			errno = err;
			return -1;
		}
		pollfd p = {fd, POLLOUT, 0};
		int ready = 0;
		while (Clock::now() < deadline && (ready = poll(&p, 1, remaining_ms(deadline))) == 0) {
		}
		int err = ETIMEDOUT;
		socklen_t len = sizeof(err);
		if (ready > 0)
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
		if (err != 0) {
			::close(fd);
			errno = err;
			return -1;
		}
	}
	int yes = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
	return fd;
}

bool send_all(int fd, std::string_view data, Clock::time_point deadline)
{
	while (!data.empty()) {
		const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
		if (n > 0) {
			data.remove_prefix(static_cast<size_t>(n));
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (Clock::now() >= deadline)
			return false;
		pollfd p = {fd, POLLOUT, 0};
		poll(&p, 1, remaining_ms(deadline));
	}
	return true;
}

} // namespace

std::string HttpHead::header(std::string_view name) const
{
	for (const auto &[key, value] : headers) {
		if (iequals(key, name))
			return value;
	}
	return {};
}

HttpStream::~HttpStream()
{
	close();
}

void HttpStream::close()
{
	if (fd_ >= 0)
		::close(fd_);
	fd_ = -1;
}

std::unique_ptr<HttpStream> HttpStream::open(int port, std::string_view target, const Headers &headers,
					     std::chrono::milliseconds timeout, std::string *error)
{
	const auto deadline = Clock::now() + timeout;
	const auto fail = [error](const std::string &message) -> std::unique_ptr<HttpStream> {
		if (error)
			*error = message;
		return nullptr;
	};
	std::unique_ptr<HttpStream> stream(new HttpStream());
	stream->fd_ = connect_loopback(port, deadline);
	if (stream->fd_ < 0)
		return fail("connect to 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno));
	stream->connected_at_ = Clock::now();

	std::string request = "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
			      "\r\nConnection: close\r\n";
	for (const auto &[key, value] : headers)
		request += key + ": " + value + "\r\n";
	request += "\r\n";
	if (!send_all(stream->fd_, request, deadline))
		return fail(std::string("sending the request failed: ") + std::strerror(errno));

	size_t end;
	while ((end = stream->raw_.find("\r\n\r\n")) == std::string::npos) {
		if (stream->raw_.size() > kMaxHeaderBytes)
			return fail("response headers too long");
		const BodyRead got = stream->fill(deadline);
		if (got == BodyRead::Timeout)
			return fail("no response headers in time");
		if (got != BodyRead::Data)
			return fail("connection closed before the response headers (" +
				    std::to_string(stream->raw_.size()) + " bytes received)");
	}
	const std::string head = stream->raw_.substr(0, end);
	stream->raw_.erase(0, end + 4);

	size_t line_end = head.find("\r\n");
	const std::string status_line = head.substr(0, line_end);
	if (status_line.compare(0, 7, "HTTP/1.") != 0 || status_line.size() < 12)
		return fail("not an HTTP response: " + status_line);
	stream->head_.status = std::atoi(status_line.c_str() + 9);
	stream->head_.reason = status_line.size() > 13 ? status_line.substr(13) : "";
	while (line_end != std::string::npos) {
		const size_t start = line_end + 2;
		line_end = head.find("\r\n", start);
		const std::string line =
			head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
		const size_t colon = line.find(':');
		if (colon == std::string::npos)
			continue;
		stream->head_.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
	}
	const std::string encoding = stream->head_.header("Transfer-Encoding");
	stream->chunked_ = iequals(encoding, "chunked");
	const std::string length = stream->head_.header("Content-Length");
	if (!stream->chunked_ && !length.empty())
		stream->content_left_ = static_cast<size_t>(std::stoull(length));
	return stream;
}

BodyRead HttpStream::fill(Clock::time_point deadline)
{
	if (fd_ < 0)
		return BodyRead::Error;
	if (peer_closed_)
		return BodyRead::End;
	for (;;) {
		char buffer[16384];
		const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
		if (n > 0) {
			raw_.append(buffer, static_cast<size_t>(n));
			return BodyRead::Data;
		}
		if (n == 0) {
			peer_closed_ = true;
			return BodyRead::End;
		}
		if (errno == ECONNRESET) {
			peer_closed_ = true;
			return BodyRead::End;
		}
		if (errno != EAGAIN && errno != EINTR)
			return BodyRead::Error;
		if (Clock::now() >= deadline)
			return BodyRead::Timeout;
		pollfd p = {fd_, POLLIN, 0};
		poll(&p, 1, remaining_ms(deadline));
		if (Clock::now() >= deadline && !(p.revents & (POLLIN | POLLHUP | POLLERR)))
			return BodyRead::Timeout;
	}
}

bool HttpStream::decode(std::string &out, bool &complete)
{
	if (!chunked_) {
		size_t take = raw_.size();
		if (content_left_) {
			take = std::min(take, *content_left_);
			*content_left_ -= take;
			complete = *content_left_ == 0;
		}
		out.append(raw_, 0, take);
		raw_.erase(0, take);
		return true;
	}
	size_t pos = 0;
	for (;;) {
		if (chunk_state_ == ChunkState::Size) {
			const size_t eol = raw_.find("\r\n", pos);
			if (eol == std::string::npos)
				break;
			const std::string line = raw_.substr(pos, eol - pos);
			char *end = nullptr;
			const unsigned long long size = std::strtoull(line.c_str(), &end, 16);
			if (end == line.c_str() || (*end != '\0' && *end != ';' && *end != ' '))
				return false;
			pos = eol + 2;
			chunk_left_ = static_cast<size_t>(size);
			chunk_state_ = size == 0 ? ChunkState::Trailer : ChunkState::Data;
		} else if (chunk_state_ == ChunkState::Data) {
			const size_t take = std::min(chunk_left_, raw_.size() - pos);
			out.append(raw_, pos, take);
			pos += take;
			chunk_left_ -= take;
			if (chunk_left_ > 0)
				break;
			chunk_state_ = ChunkState::DataEnd;
		} else if (chunk_state_ == ChunkState::DataEnd) {
			if (raw_.size() - pos < 2)
				break;
			if (raw_.compare(pos, 2, "\r\n") != 0)
				return false;
			pos += 2;
			chunk_state_ = ChunkState::Size;
		} else {
			// Trailer fields end with an empty line.
			const size_t eol = raw_.find("\r\n", pos);
			if (eol == std::string::npos)
				break;
			const bool empty = eol == pos;
			pos = eol + 2;
			if (empty) {
				complete = true;
				break;
			}
		}
	}
	raw_.erase(0, pos);
	return true;
}

BodyRead HttpStream::read_body(std::string &out, Clock::time_point deadline)
{
	if (complete_)
		return BodyRead::End;
	for (;;) {
		const size_t before = out.size();
		bool complete = false;
		if (!decode(out, complete))
			return BodyRead::Error;
		if (complete)
			complete_ = true;
		if (out.size() > before)
			return BodyRead::Data;
		if (complete_)
			return BodyRead::End;
		const BodyRead got = fill(deadline);
		if (got == BodyRead::End) {
			// Without chunking or a length, the body ends when the server closes the connection.
			if (!chunked_ && !content_left_) {
				complete_ = true;
				return BodyRead::End;
			}
			// Closed mid-body: whatever is left in raw_ is decoded on the next round, then it is an error.
			if (raw_.empty())
				return BodyRead::Error;
			bool done = false;
			decode(out, done);
			complete_ = done;
			if (out.size() > before)
				return BodyRead::Data;
			return done ? BodyRead::End : BodyRead::Error;
		}
		if (got != BodyRead::Data)
			return got;
	}
}

bool HttpStream::wait_end(Clock::time_point deadline)
{
	std::string sink;
	for (int i = 0; i < 1'000'000; i++) {
		sink.clear();
		const BodyRead got = read_body(sink, deadline);
		if (got == BodyRead::End)
			return true;
		if (got != BodyRead::Data)
			return got == BodyRead::Error && peer_closed_;
	}
	return false;
}

std::optional<HttpResult> http_get(int port, std::string_view target, std::chrono::milliseconds timeout,
				   std::string *error, const Headers &headers)
{
	const auto deadline = Clock::now() + timeout;
	auto stream = HttpStream::open(port, target, headers, timeout, error);
	if (!stream)
		return std::nullopt;
	HttpResult result;
	result.head = stream->head();
	for (int i = 0; i < 1'000'000; i++) {
		const BodyRead got = stream->read_body(result.body, deadline);
		if (got == BodyRead::End)
			return result;
		if (got != BodyRead::Data) {
			if (error)
				*error = got == BodyRead::Timeout ? "body not complete in time" : "body framing error";
			return std::nullopt;
		}
	}
	if (error)
		*error = "body too long";
	return std::nullopt;
}

bool can_connect(int port, std::chrono::milliseconds timeout)
{
	const int fd = connect_loopback(port, Clock::now() + timeout);
	if (fd < 0)
		return false;
	::close(fd);
	return true;
}

} // namespace sse_audio::itest
