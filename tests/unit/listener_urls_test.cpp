// The listener URLs the dock and obs-websocket's status offer.

#include "settings/listener_urls.hpp"

#include <gtest/gtest.h>

namespace sse_audio {
namespace {

TEST(ListenerUrls, WildcardBindOffersEveryNonLoopbackAddress)
{
	EXPECT_EQ(listener_hosts("0.0.0.0", {"192.168.1.2", "127.0.0.1", "10.0.0.7"}),
		  (std::vector<std::string>{"192.168.1.2", "10.0.0.7"}));
	EXPECT_EQ(listener_hosts("::", {"172.16.0.1"}), (std::vector<std::string>{"172.16.0.1"}));
}

TEST(ListenerUrls, WithoutANetworkTheLocalUrlStillShows)
{
	EXPECT_EQ(listener_hosts("0.0.0.0", {}), (std::vector<std::string>{"127.0.0.1"}));
}

TEST(ListenerUrls, ASpecificBindOffersOnlyThatAddress)
{
	EXPECT_EQ(listener_hosts("127.0.0.1", {"192.168.1.2"}), (std::vector<std::string>{"127.0.0.1"}));
	EXPECT_EQ(listener_hosts("192.168.1.2", {"192.168.1.2", "10.0.0.7"}),
		  (std::vector<std::string>{"192.168.1.2"}));
}

TEST(ListenerUrls, UrlCarriesPortKeyAndBracketsIpv6)
{
	EXPECT_EQ(listener_url("192.168.1.2", 8330, ""), "http://192.168.1.2:8330/");
	EXPECT_EQ(listener_url("192.168.1.2", 9000, "a-b_c.d~"), "http://192.168.1.2:9000/?key=a-b_c.d~");
	EXPECT_EQ(listener_url("fe80::1", 8330, ""), "http://[fe80::1]:8330/");
}

TEST(ListenerUrls, APublicAddressComesFirstWithTheKey)
{
	StreamSettings s;
	s.port = 9000;
	EXPECT_EQ(listener_urls(s, {"192.168.1.2"}), (std::vector<std::string>{"http://192.168.1.2:9000/"}));
	s.public_url = "https://radio.example.org";
	s.access_key = "k3y";
	EXPECT_EQ(listener_urls(s, {"192.168.1.2", "10.0.0.7"}),
		  (std::vector<std::string>{"https://radio.example.org/?key=k3y", "http://192.168.1.2:9000/?key=k3y",
					    "http://10.0.0.7:9000/?key=k3y"}));
	s.public_url = "https://example.org/church/";
	s.access_key.clear();
	EXPECT_EQ(listener_urls(s, {}), (std::vector<std::string>{"https://example.org/church/"}));
}

TEST(ListenerUrls, LocalAddressesAreIpv4AndNeverLoopback)
{
	for (const auto &address : local_ipv4_addresses()) {
		EXPECT_EQ(address.find(':'), std::string::npos) << address;
		EXPECT_NE(address.rfind("127.", 0), 0U) << address;
	}
}

} // namespace
} // namespace sse_audio
