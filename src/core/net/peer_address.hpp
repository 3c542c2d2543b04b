#pragma once

#include "net/socket_io.hpp"

#include <string>

namespace sse_audio::net {

// The numeric address of a connected socket's peer ("203.0.113.5", "2001:db8::1"; an IPv4 peer of an IPv6 socket
// as IPv4), as per-address limits count it; empty when the socket has none.
std::string peer_address(socket_t sock);

} // namespace sse_audio::net
