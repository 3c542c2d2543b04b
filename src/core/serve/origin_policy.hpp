#pragma once

#include "base/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sse_audio {

// Which web pages may read the stream and the status from another origin (CORS), and which names the server
// answers to (the Host header), from the `allowed_origins` setting:
// - empty (the default): pages of the server's own origin only, the player among them; no CORS header is sent;
// - a list of origins, separated by commas or spaces (`https://church.example.org, http://192.168.1.20:8080`):
//   those pages too, for embedding the player elsewhere; a reverse proxy's public origin belongs here as well;
// - `*`: any page (what the plugin did before this setting), and any Host.
// Unless `*`, a request whose Host is a name the server does not serve is refused: a page on another name that
// makes its name point at this computer (DNS rebinding) would otherwise be the server's own origin to the
// browser. Served names: any IP address, `localhost`, this computer's own names, and the hosts of the allowed
// origins.
class OriginPolicy {
public:
	// The setting's text; an error naming the first entry that is not `*` or an http(s) origin without a path.
	static Result<OriginPolicy> parse(std::string_view text);
	// Anything from any page: what an empty OriginPolicy{} is not.
	static OriginPolicy any();

	// The value for Access-Control-Allow-Origin, or empty when `origin` (the request's Origin header) may not
	// read the response. Same-origin requests need no header.
	[[nodiscard]] std::string allow_origin_header(std::string_view origin) const;
	// Whether a request with this Host header (`name`, `name:port`, `[v6]:port`) is for this server.
	// `own_names`: this computer's names (lower case), besides localhost and IP addresses.
	[[nodiscard]] bool serves_host(std::string_view host, const std::vector<std::string> &own_names) const;
	[[nodiscard]] bool allows_any() const { return any_; }

private:
	bool any_ = false;
	std::vector<std::string> origins_; // scheme://host[:port], lower case
	std::vector<std::string> hosts_;   // their hosts, lower case, without brackets
};

// This computer's host name and its `.local` twin (mDNS), lower case, as Host headers name it on a LAN.
std::vector<std::string> own_host_names();

} // namespace sse_audio
