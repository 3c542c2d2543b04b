#pragma once

// A small HTTP/1.1 client over a POSIX socket, for tests that care about timing: it hands over body bytes the
// moment they arrive (chunked transfer decoded), and every wait has a deadline.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sse_audio::itest {

using Clock = std::chrono::steady_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpHead {
	int status = 0;
	std::string reason;
	Headers headers; // names as sent
	// The value of the first header named `name` (case-insensitive); empty when absent.
	[[nodiscard]] std::string header(std::string_view name) const;
};

enum class BodyRead {
	Data,    // bytes were appended
	Timeout, // the deadline passed with nothing new
	End,     // the body is complete (last chunk, Content-Length reached, or the server closed the connection)
	Error,   // malformed framing or a socket error
};

class HttpStream {
public:
	~HttpStream();
	HttpStream(const HttpStream &) = delete;
	HttpStream &operator=(const HttpStream &) = delete;

	// Connects to 127.0.0.1:`port`, sends `GET target` with `headers` and reads the status line and headers.
	// nullptr with `error` set when the connection is refused, times out or the response is not HTTP.
	static std::unique_ptr<HttpStream> open(int port, std::string_view target, const Headers &headers,
						std::chrono::milliseconds timeout, std::string *error = nullptr);

	[[nodiscard]] const HttpHead &head() const { return head_; }
	// When the connection was established (before the request was sent).
	[[nodiscard]] Clock::time_point connected_at() const { return connected_at_; }

	// Appends decoded body bytes to `out` as soon as any arrive; waits no later than `deadline`.
	BodyRead read_body(std::string &out, Clock::time_point deadline);

	// Reads and discards until the body ends; true when it ended before `deadline`.
	bool wait_end(Clock::time_point deadline);

	void close();

private:
	HttpStream() = default;
	// Reads more raw bytes from the socket into raw_; Data, Timeout, End (peer closed) or Error.
	BodyRead fill(Clock::time_point deadline);
	// Moves decodable body bytes from raw_ to `out`; false on malformed chunk framing.
	bool decode(std::string &out, bool &complete);

	int fd_ = -1;
	Clock::time_point connected_at_;
	HttpHead head_;
	std::string raw_;
	bool peer_closed_ = false;
	bool complete_ = false;
	bool chunked_ = false;
	std::optional<size_t> content_left_;
	enum class ChunkState { Size, Data, DataEnd, Trailer } chunk_state_ = ChunkState::Size;
	size_t chunk_left_ = 0;
};

struct HttpResult {
	HttpHead head;
	std::string body;
};

// A whole GET: headers and the complete body, or nullopt with `error` set.
std::optional<HttpResult> http_get(int port, std::string_view target, std::chrono::milliseconds timeout,
				   std::string *error = nullptr, const Headers &headers = {});

// True when a TCP connection to 127.0.0.1:`port` is accepted within `timeout` (it is closed again at once).
bool can_connect(int port, std::chrono::milliseconds timeout);

} // namespace sse_audio::itest
