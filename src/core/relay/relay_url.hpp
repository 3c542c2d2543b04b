#pragma once

#include "base/result.hpp"

#include <string>
#include <string_view>

namespace sse_audio {

// Where the relay publishes: an nchan publisher location such as http://127.0.0.1:8080/pub/obs.
struct RelayUrl {
	std::string host; // a name, an IPv4 address, or an IPv6 address without its brackets
	int port = 80;
	std::string path; // begins with '/'; may carry a query

	// "http://host:port", for httplib::Client (brackets around an IPv6 address).
	[[nodiscard]] std::string origin() const;
};

// Reads `text` as a plain http:// URL. https is refused on purpose: the plugin's HTTP client is built without TLS,
// and the publisher normally sits on the same machine or LAN as nginx's publisher location (see deploy/nginx).
Result<RelayUrl> parse_relay_url(const std::string &text);

// `text` as logs, /status.json and error messages may show it: a query (where a relay's access token often
// travels, `?token=…`) is replaced by "?…". The full URL stays in the settings only.
std::string relay_url_for_display(std::string_view text);

} // namespace sse_audio
