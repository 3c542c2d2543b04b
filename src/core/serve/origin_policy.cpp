#include "serve/origin_policy.hpp"

#include "settings/stream_settings.hpp"

#ifdef _WIN32
#include <winsock2.h>
#else
#include <unistd.h>
#endif

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace sse_audio {

namespace {

constexpr size_t kMaxEntries = 32;

std::string lower(std::string_view text)
{
	std::string out(text);
	std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
	return out;
}

bool is_name_character(char c)
{
	return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// Splits `host[:port]` or `[v6][:port]`; false when it is neither.
bool split_host_port(std::string_view authority, std::string_view &host, std::string_view &port)
{
	port = {};
	if (!authority.empty() && authority.front() == '[') {
		const size_t close = authority.find(']');
		if (close == std::string_view::npos)
			return false;
		host = authority.substr(1, close - 1);
		const std::string_view after = authority.substr(close + 1);
		if (!after.empty()) {
			if (after.front() != ':')
				return false;
			port = after.substr(1);
		}
		return is_ip_address(std::string(host));
	}
	const size_t colon = authority.find(':');
	host = authority.substr(0, colon);
	if (colon != std::string_view::npos)
		port = authority.substr(colon + 1);
	return !host.empty() && std::all_of(host.begin(), host.end(), is_name_character);
}

bool valid_port(std::string_view port, int &value)
{
	const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
	return !port.empty() && ec == std::errc() && end == port.data() + port.size() && value >= 1 && value <= 65535;
}

} // namespace

Result<OriginPolicy> OriginPolicy::parse(std::string_view text)
{
	OriginPolicy policy;
	size_t entries = 0;
	size_t at = 0;
	while (at < text.size()) {
		const size_t end = text.find_first_of(", \t", at);
		const std::string_view entry = text.substr(at, end == std::string_view::npos ? text.npos : end - at);
		at = end == std::string_view::npos ? text.size() : end + 1;
		if (entry.empty())
			continue;
		if (++entries > kMaxEntries)
			return Error{"Allowed origins may list at most 32 origins"};
		if (entry == "*") {
			policy.any_ = true;
			continue;
		}
		const std::string shown(entry.substr(0, 100));
		std::string_view rest = entry;
		std::string scheme;
		for (const char *candidate : {"http://", "https://"}) {
			const std::string_view prefix(candidate);
			if (rest.size() > prefix.size() && lower(rest.substr(0, prefix.size())) == prefix) {
				scheme = std::string(prefix);
				rest.remove_prefix(prefix.size());
			}
		}
		if (scheme.empty())
			return Error{"Allowed origins: \"" + shown + "\" is not an origin such as https://example.org"};
		if (!rest.empty() && rest.back() == '/')
			rest.remove_suffix(1); // "https://example.org/" is how an address bar shows the origin
		std::string_view host;
		std::string_view port;
		int port_value = 0;
		if (rest.find_first_of("/?#@") != std::string_view::npos || !split_host_port(rest, host, port) ||
		    (!port.empty() && !valid_port(port, port_value)))
			return Error{"Allowed origins: \"" + shown +
				     "\" must be a scheme and a host with an optional port, without a path"};
		// Browsers leave the scheme's own port out of the Origin header.
		const bool default_port = (scheme == "http://" && port_value == 80) ||
					  (scheme == "https://" && port_value == 443);
		const std::string host_text = lower(host);
		const bool v6 = host_text.find(':') != std::string::npos;
		std::string origin = scheme;
		origin += v6 ? "[" : "";
		origin += host_text;
		origin += v6 ? "]" : "";
		if (!port.empty() && !default_port) {
			origin += ':';
			origin += std::to_string(port_value);
		}
		policy.origins_.push_back(std::move(origin));
		policy.hosts_.push_back(host_text);
	}
	if (policy.any_ && entries > 1)
		return Error{"Allowed origins: * allows every page and stands alone"};
	return policy;
}

OriginPolicy OriginPolicy::any()
{
	OriginPolicy policy;
	policy.any_ = true;
	return policy;
}

std::string OriginPolicy::allow_origin_header(std::string_view origin) const
{
	if (origin.empty())
		return {};
	if (any_)
		return "*";
	const std::string wanted = lower(origin);
	for (const auto &allowed : origins_)
		if (allowed == wanted)
			return std::string(origin);
	return {};
}

bool OriginPolicy::serves_host(std::string_view header, const std::vector<std::string> &own_names) const
{
	if (any_ || header.empty())
		return true; // a client without Host (HTTP/1.0) is no browser page
	std::string_view host;
	std::string_view port;
	if (!split_host_port(header, host, port))
		return false;
	std::string name = lower(host);
	if (!name.empty() && name.back() == '.')
		name.pop_back(); // "example.org." is the same name
	if (is_ip_address(name) || name == "localhost")
		return true;
	return std::find(own_names.begin(), own_names.end(), name) != own_names.end() ||
	       std::find(hosts_.begin(), hosts_.end(), name) != hosts_.end();
}

std::vector<std::string> own_host_names()
{
	std::array<char, 256> buffer{};
	if (::gethostname(buffer.data(), buffer.size() - 1) != 0 || buffer[0] == '\0')
		return {};
	const std::string name = lower(buffer.data());
	std::vector<std::string> names{name};
	if (name.find('.') == std::string::npos)
		names.push_back(name + ".local");
	return names;
}

} // namespace sse_audio
