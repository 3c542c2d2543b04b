#include "net/request_head.hpp"

#include <algorithm>
#include <cctype>

namespace sse_audio {

namespace {

using State = RequestHeadVerdict::State;

constexpr size_t kMaxLeadingEmptyLines = 4;

RequestHeadVerdict refuse(int status, const char *reason)
{
	return RequestHeadVerdict{State::Refused, 0, status, reason};
}

// RFC 9110 tchar: the characters of a method or a field name.
bool is_tchar(char c)
{
	if (std::isalnum(static_cast<unsigned char>(c)))
		return true;
	return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text)
{
	return !text.empty() && std::all_of(text.begin(), text.end(), is_tchar);
}

// Field values: visible characters, spaces, tabs and bytes >= 0x80; never controls.
bool is_field_value(std::string_view text)
{
	return std::all_of(text.begin(), text.end(), [](char c) {
		const auto u = static_cast<unsigned char>(c);
		return u == '\t' || u >= 0x20 ? u != 0x7f : false;
	});
}

bool equals_ignoring_case(std::string_view a, std::string_view b)
{
	return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
		       return std::tolower(static_cast<unsigned char>(x)) ==
			      std::tolower(static_cast<unsigned char>(y));
	       });
}

std::string_view trim(std::string_view text)
{
	while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
		text.remove_prefix(1);
	while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
		text.remove_suffix(1);
	return text;
}

} // namespace

RequestHeadVerdict RequestHeadScanner::check_request_line(std::string_view line) const
{
	const size_t first_space = line.find(' ');
	const size_t last_space = line.rfind(' ');
	if (first_space == std::string_view::npos || first_space == last_space)
		return refuse(400, "malformed request line");
	const std::string_view method = line.substr(0, first_space);
	const std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
	const std::string_view version = line.substr(last_space + 1);
	if (!is_token(method))
		return refuse(400, "malformed method");
	if (target == "*")
		return refuse(400, "asterisk-form is not served"); // also what the HTTP/2 preface begins with
	if (target.empty() || !std::all_of(target.begin(), target.end(), [](char c) {
		    const auto u = static_cast<unsigned char>(c);
		    return u > 0x20 && u < 0x7f;
	    }))
		return refuse(400, "malformed request target");
	if (version.size() != 8 || version.substr(0, 5) != "HTTP/" ||
	    !std::isdigit(static_cast<unsigned char>(version[5])) || version[6] != '.' ||
	    !std::isdigit(static_cast<unsigned char>(version[7])))
		return refuse(400, "malformed HTTP version");
	if (version != "HTTP/1.1" && version != "HTTP/1.0")
		return refuse(505, "only HTTP/1.0 and HTTP/1.1 are served");
	if (method != "GET" && method != "HEAD")
		return refuse(405, "only GET and HEAD are served");
	return {};
}

RequestHeadVerdict RequestHeadScanner::check_field(std::string_view line)
{
	if (line.front() == ' ' || line.front() == '\t')
		return refuse(400, "folded header line");
	const size_t colon = line.find(':');
	if (colon == std::string_view::npos)
		return refuse(400, "header line without a colon");
	const std::string_view name = line.substr(0, colon);
	const std::string_view value = line.substr(colon + 1);
	if (!is_token(name))
		return refuse(400, "malformed header name");
	if (!is_field_value(value))
		return refuse(400, "control character in a header value");
	if (++fields_ > limits_.max_fields)
		return refuse(431, "too many header fields");
	if (equals_ignoring_case(name, "Transfer-Encoding"))
		return refuse(413, "this server takes no request body");
	if (equals_ignoring_case(name, "Content-Length") && trim(value) != "0")
		return refuse(413, "this server takes no request body");
	// cpp-httplib answers several ranges with a multipart body built in memory, one copy of the file per range:
	// a 6 KB header of `0-,0-,...` made a 16 KB file a 32 MB answer. Nothing here needs more than one range (a
	// media element asks for one, `bytes=0-`), so several are refused before anything is built.
	if (equals_ignoring_case(name, "Range") && value.find(',') != std::string_view::npos)
		return refuse(416, "only one range per request is served");
	return {};
}

RequestHeadVerdict RequestHeadScanner::feed(std::string_view bytes)
{
	while (true) {
		const std::string_view rest = bytes.substr(std::min(scanned_, bytes.size()));
		const size_t lf = rest.find('\n');
		const size_t line_end = lf == std::string_view::npos ? rest.size() : lf;
		// Limits first, so that an endless line is refused while it is still arriving.
		const size_t line_limit = have_request_line_ ? limits_.max_line_bytes : limits_.max_line_bytes + 2;
		if (line_end > line_limit)
			return refuse(have_request_line_ ? 431 : 414,
				      have_request_line_ ? "header line too long" : "request line too long");
		if (scanned_ + line_end > limits_.max_head_bytes)
			return refuse(431, "request head too large");
		// Checked as bytes arrive: a NUL or a lone CR is wrong wherever it is.
		size_t i = std::max(checked_, scanned_) - scanned_;
		for (; i < line_end; i++) {
			if (rest[i] == '\0')
				return refuse(400, "control character in the request head");
			if (rest[i] == '\r') {
				if (i + 1 == rest.size())
					break; // what follows the CR has not arrived yet
				if (rest[i + 1] != '\n')
					return refuse(400, "control character in the request head");
			}
		}
		checked_ = scanned_ + i;
		if (lf == std::string_view::npos) {
			// A request starts with its method: anything else (a TLS handshake, binary junk) is refused at
			// once rather than after the deadline.
			if (!have_request_line_) {
				const std::string_view partial = rest.substr(0, std::min(rest.find(' '), rest.size()));
				if (!std::all_of(partial.begin(), partial.end(),
						 [](char c) { return is_tchar(c) || c == '\r'; }))
					return refuse(400, "not an HTTP request");
			}
			return {};
		}
		if (lf == 0 || rest[lf - 1] != '\r')
			return refuse(400, "line not ended by CRLF");
		const std::string_view line = rest.substr(0, lf - 1);
		scanned_ += lf + 1;
		if (!have_request_line_) {
			if (line.empty()) {
				if (++leading_crlf_ > kMaxLeadingEmptyLines)
					return refuse(400, "empty lines instead of a request");
				continue;
			}
			if (const auto verdict = check_request_line(line); verdict.state == State::Refused)
				return verdict;
			have_request_line_ = true;
			continue;
		}
		if (line.empty())
			return RequestHeadVerdict{State::Complete, scanned_, 0, ""};
		if (const auto verdict = check_field(line); verdict.state == State::Refused)
			return verdict;
	}
}

std::optional<std::string_view> bearer_token(std::string_view authorization)
{
	const size_t space = authorization.find(' ');
	if (space == std::string_view::npos || !equals_ignoring_case(authorization.substr(0, space), "Bearer"))
		return std::nullopt;
	const size_t token = authorization.find_first_not_of(' ', space);
	if (token == std::string_view::npos)
		return std::nullopt;
	return authorization.substr(token);
}

} // namespace sse_audio
