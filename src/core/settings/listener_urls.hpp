#pragma once

#include "settings/stream_settings.hpp"

#include <string>
#include <vector>

namespace sse_audio {

// The machine's IPv4 addresses of interfaces that are up, without loopback, in the order the system lists them.
std::vector<std::string> local_ipv4_addresses();

// The addresses a listener can use to reach a server bound to `bind_address`, given this machine's non-loopback
// IPv4 addresses. A wildcard bind (0.0.0.0 or ::) is reachable on each of them; a server bound to one address only
// there. Loopback binds yield 127.0.0.1 (or ::1): the stream is then for this machine only.
std::vector<std::string> listener_hosts(const std::string &bind_address, const std::vector<std::string> &local_ipv4);

// http://host:port/ with `?key=` when an access key is set (the key holds only URL-safe characters, see
// validate_settings). IPv6 hosts are bracketed.
std::string listener_url(const std::string &host, int port, const std::string &access_key);

// Every address to hand listeners: the public one first when set (`public_url`, a reverse proxy or a port forward;
// a `/` is added when it has no path), then this machine's `hosts` (listener_hosts); each with `?key=` when an
// access key is set.
std::vector<std::string> listener_urls(const StreamSettings &settings, const std::vector<std::string> &hosts);

} // namespace sse_audio
