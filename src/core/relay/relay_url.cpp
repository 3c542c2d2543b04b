#include "relay/relay_url.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

namespace sse_audio {

namespace {

constexpr size_t kMaxUrlLength = 2048;
constexpr std::string_view kScheme = "http://";

bool is_host_character(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// Printable ASCII without spaces: the path goes into an HTTP request line as it is.
bool is_path_character(char c)
{
	return c > 0x20 && c < 0x7F;
}

} // namespace

std::string RelayUrl::origin() const
{
	const bool v6 = host.find(':') != std::string::npos;
	return std::string(kScheme) + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<RelayUrl> parse_relay_url(const std::string &text)
{
	if (text.size() > kMaxUrlLength)
		return Error{"Relay URL is longer than 2048 characters"};
	if (text.compare(0, kScheme.size(), kScheme) != 0)
		return Error{"Relay URL must begin with http:// (got \"" + relay_url_for_display(text) + "\")"};
	const std::string_view rest = std::string_view(text).substr(kScheme.size());
	const size_t slash = rest.find('/');
	const std::string_view authority = rest.substr(0, slash);
	RelayUrl url;
	url.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));

	if (authority.find('@') != std::string_view::npos)
		return Error{"Relay URL may not hold a user name or password; use the relay key instead"};
	std::string_view host = authority;
	std::string_view port;
	bool has_port = false;
	if (!authority.empty() && authority.front() == '[') {
		const size_t close = authority.find(']');
		if (close == std::string_view::npos)
			return Error{"Relay URL has an unclosed '[' in its address"};
		host = authority.substr(1, close - 1);
		const std::string_view after = authority.substr(close + 1);
		if (!after.empty()) {
			if (after.front() != ':')
				return Error{"Relay URL has something other than a port after its address"};
			port = after.substr(1);
			has_port = true;
		}
		if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) {
			    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
				   c == ':' || c == '.';
		    }))
			return Error{"Relay URL has a malformed IPv6 address"};
	} else {
		const size_t colon = authority.find(':');
		if (colon != std::string_view::npos) {
			host = authority.substr(0, colon);
			port = authority.substr(colon + 1);
			has_port = true;
		}
		if (host.empty() || !std::all_of(host.begin(), host.end(), is_host_character))
			return Error{"Relay URL needs a host name or address after http:// (got \"" +
				     relay_url_for_display(text) + "\")"};
	}
	url.host = std::string(host);
	if (has_port) {
		int value = 0;
		const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
		if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535)
			return Error{"Relay URL's port must be between 1 and 65535"};
		url.port = value;
	}
	if (!std::all_of(url.path.begin(), url.path.end(), is_path_character) ||
	    url.path.find('#') != std::string::npos)
		return Error{"Relay URL's path may hold no spaces, control characters or '#'"};
	return url;
}

std::string relay_url_for_display(std::string_view text)
{
	const size_t query = text.find('?');
	if (query == std::string_view::npos)
		return std::string(text);
	return std::string(text.substr(0, query)) + "?\u2026";
}

} // namespace sse_audio
