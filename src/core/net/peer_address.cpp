#include "net/peer_address.hpp"

#ifdef _WIN32
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif

#include <array>
#include <cstring>

namespace sse_audio::net {

std::string peer_address(socket_t sock)
{
	sockaddr_storage peer{};
	socklen_t length = sizeof(peer);
	if (::getpeername(sock, reinterpret_cast<sockaddr *>(&peer), &length) != 0)
		return {};
	std::array<char, INET6_ADDRSTRLEN> text{};
	if (peer.ss_family == AF_INET) {
		const auto *v4 = reinterpret_cast<const sockaddr_in *>(&peer);
		if (!::inet_ntop(AF_INET, &v4->sin_addr, text.data(), text.size()))
			return {};
		return text.data();
	}
	if (peer.ss_family == AF_INET6) {
		const auto *v6 = reinterpret_cast<const sockaddr_in6 *>(&peer);
		// An IPv4 client of a dual-stack socket arrives as ::ffff:a.b.c.d: the same client as over IPv4.
		if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
			in_addr v4{};
			std::memcpy(&v4, &v6->sin6_addr.s6_addr[12], sizeof(v4));
			if (!::inet_ntop(AF_INET, &v4, text.data(), text.size()))
				return {};
			return text.data();
		}
		if (!::inet_ntop(AF_INET6, &v6->sin6_addr, text.data(), text.size()))
			return {};
		return text.data();
	}
	return {};
}

} // namespace sse_audio::net
