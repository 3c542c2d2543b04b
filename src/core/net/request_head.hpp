#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace sse_audio {

// Bounds on a request head (request line and header fields).
struct RequestHeadLimits {
	size_t max_line_bytes = 8192;
	size_t max_head_bytes = size_t{32} * 1024;
	size_t max_fields = 100;
};

// What is known about a request head so far.
struct RequestHeadVerdict {
	enum class State { Incomplete, Complete, Refused };
	State state = State::Incomplete;
	size_t head_bytes = 0;   // Complete: bytes up to and including the empty line
	int status = 0;          // Refused: the HTTP status to answer with
	const char *reason = ""; // Refused: why, for the response body and the tests
};

// Checks a request head as its bytes arrive, before any worker thread is given to it, so that a client that
// sends slowly or sends nonsense costs the server no thread (RFC 9112 syntax, stricter where it is cheap):
// - request line `METHOD SP target SP HTTP/1.x CRLF`; other versions get 505, other methods than GET and HEAD 405;
// - header fields `name: value CRLF`: no bare LF, no control bytes, no folded lines, no field without a colon;
// - no request body (this server takes none): Content-Length other than 0, or Transfer-Encoding, gets 413;
// - at most one range (`Range` with a comma gets 416: cpp-httplib would build a copy of the file per range);
// - line, head and field-count limits: 414 for a long request line, 431 for the rest.
// Work per byte is constant: each feed resumes after the last complete line.
class RequestHeadScanner {
public:
	explicit RequestHeadScanner(RequestHeadLimits limits = {}) : limits_(limits) {}

	// `bytes` holds everything received for this request so far (earlier bytes unchanged).
	RequestHeadVerdict feed(std::string_view bytes);
	void reset() { *this = RequestHeadScanner(limits_); }

private:
	RequestHeadVerdict check_request_line(std::string_view line) const;
	RequestHeadVerdict check_field(std::string_view line);

	RequestHeadLimits limits_;
	size_t scanned_ = 0;      // bytes of complete lines already checked
	size_t checked_ = 0;      // bytes of the current line already checked for stray control bytes
	size_t leading_crlf_ = 0; // empty lines before the request line (tolerated, a few)
	bool have_request_line_ = false;
	size_t fields_ = 0;
};

// The credentials of an `Authorization: Bearer <token>` field value (RFC 6750 over RFC 7235: the scheme is
// case-insensitive and one or more spaces follow it); nullopt for another scheme or no token.
std::optional<std::string_view> bearer_token(std::string_view authorization);

} // namespace sse_audio
