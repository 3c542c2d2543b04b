#include "settings/listener_urls.hpp"

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>

#include <iphlpapi.h>
#else
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#endif

namespace sse_audio {

namespace {

bool is_loopback(const std::string &address)
{
	return address.rfind("127.", 0) == 0 || address == "::1";
}

// Adds the IPv4 address in `in` as text, once: an interface can carry the same address twice (aliases), and a
// listener needs to see it once.
void add_once(std::vector<std::string> &addresses, const void *in)
{
	char text[INET_ADDRSTRLEN] = {};
	if (!inet_ntop(AF_INET, &static_cast<const sockaddr_in *>(in)->sin_addr, text, sizeof(text)) ||
	    is_loopback(text))
		return;
	for (const auto &known : addresses)
		if (known == text)
			return;
	addresses.emplace_back(text);
}

} // namespace

std::vector<std::string> local_ipv4_addresses()
{
	std::vector<std::string> addresses;
#ifndef _WIN32
	ifaddrs *list = nullptr;
	if (getifaddrs(&list) != 0)
		return addresses;
	for (const ifaddrs *entry = list; entry; entry = entry->ifa_next) {
		if (!entry->ifa_addr || entry->ifa_addr->sa_family != AF_INET || !(entry->ifa_flags & IFF_UP) ||
		    (entry->ifa_flags & IFF_LOOPBACK))
			continue;
		add_once(addresses, entry->ifa_addr);
	}
	freeifaddrs(list);
#else
	// The adapter list's size is known only by asking; it can grow between the two calls, hence the retries.
	std::vector<unsigned char> buffer(size_t{16} * 1024);
	const ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
	ULONG rc = ERROR_BUFFER_OVERFLOW;
	for (int attempt = 0; attempt < 3 && rc == ERROR_BUFFER_OVERFLOW; attempt++) {
		auto size = static_cast<ULONG>(buffer.size());
		rc = GetAdaptersAddresses(AF_INET, flags, nullptr,
					  reinterpret_cast<IP_ADAPTER_ADDRESSES *>(buffer.data()), &size);
		if (rc == ERROR_BUFFER_OVERFLOW)
			buffer.resize(size);
	}
	if (rc != NO_ERROR)
		return addresses;
	for (auto *adapter = reinterpret_cast<const IP_ADAPTER_ADDRESSES *>(buffer.data()); adapter;
	     adapter = adapter->Next) {
		if (adapter->OperStatus != IfOperStatusUp || adapter->IfType == IF_TYPE_SOFTWARE_LOOPBACK)
			continue;
		for (auto *unicast = adapter->FirstUnicastAddress; unicast; unicast = unicast->Next) {
			const sockaddr *address = unicast->Address.lpSockaddr;
			if (!address || address->sa_family != AF_INET)
				continue;
			add_once(addresses, address);
		}
	}
#endif
	return addresses;
}

std::vector<std::string> listener_hosts(const std::string &bind_address, const std::vector<std::string> &local_ipv4)
{
	if (bind_address == "0.0.0.0" || bind_address == "::") {
		std::vector<std::string> hosts;
		for (const auto &address : local_ipv4) {
			if (!is_loopback(address))
				hosts.push_back(address);
		}
		// Without a network the stream is still reachable here; showing nothing would look like a fault.
		if (hosts.empty())
			hosts.emplace_back("127.0.0.1");
		return hosts;
	}
	return {bind_address};
}

std::vector<std::string> listener_urls(const StreamSettings &settings, const std::vector<std::string> &hosts)
{
	std::vector<std::string> urls;
	const std::string key = settings.access_key.empty() ? "" : "?key=" + settings.access_key;
	if (!settings.public_url.empty()) {
		const std::string &url = settings.public_url;
		const size_t path = url.find('/', url.find("//") + 2);
		urls.push_back(url + (path == std::string::npos ? "/" : "") + key);
	}
	for (const auto &host : hosts)
		urls.push_back(listener_url(host, settings.port, settings.access_key));
	return urls;
}

std::string listener_url(const std::string &host, int port, const std::string &access_key)
{
	const bool ipv6 = host.find(':') != std::string::npos;
	std::string url = "http://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/";
	if (!access_key.empty())
		url += "?key=" + access_key;
	return url;
}

} // namespace sse_audio
