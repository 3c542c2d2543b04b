// Relay-mode settings and max_listeners_per_address: validation of each, and the relay URL parser.

#include "relay/relay_url.hpp"
#include "settings/stream_settings.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sse_audio {
namespace {

std::vector<std::string> fields_of(const StreamSettings &s)
{
	std::vector<std::string> fields;
	for (const auto &p : validate_settings(s))
		fields.push_back(p.field);
	return fields;
}

TEST(RelaySettings, DefaultsServeListenersWithoutRelayAndSixteenPerAddress)
{
	const StreamSettings s;
	EXPECT_TRUE(s.relay_url.empty());
	EXPECT_TRUE(s.relay_key.empty());
	EXPECT_TRUE(s.serve_listeners);
	EXPECT_EQ(s.max_listeners_per_address, 16);
	EXPECT_TRUE(validate_settings(s).empty());
}

TEST(RelaySettings, MaxListenersPerAddressRange)
{
	StreamSettings s;
	for (const int ok : {0, 1, 1000}) {
		s.max_listeners_per_address = ok;
		EXPECT_TRUE(validate_settings(s).empty()) << ok;
	}
	for (const int bad : {-1, 1001}) {
		s.max_listeners_per_address = bad;
		EXPECT_EQ(fields_of(s), std::vector<std::string>{"max_listeners_per_address"}) << bad;
	}
}

TEST(RelaySettings, RelayUrlMustBePlainHttp)
{
	StreamSettings s;
	for (const char *ok : {"http://127.0.0.1:8080/pub/obs", "http://relay.example.org/pub/obs",
			       "http://[::1]:8080/pub/obs?x=1", "http://10.0.0.2"}) {
		s.relay_url = ok;
		EXPECT_TRUE(validate_settings(s).empty()) << ok;
	}
	for (const char *bad : {"https://relay.example.org/pub/obs", "127.0.0.1:8080/pub/obs", "http://",
				"http://:8080/pub", "http://host:0/pub", "http://host:70000/pub", "http://host:x/pub",
				"http://user:pw@host/pub", "http://host/pub obs", "http://[::1/pub", "ftp://host/"}) {
		s.relay_url = bad;
		EXPECT_EQ(fields_of(s), std::vector<std::string>{"relay_url"}) << bad;
	}
}

TEST(RelaySettings, RelayKeyUsesTheAccessKeyAlphabet)
{
	StreamSettings s;
	s.relay_url = "http://127.0.0.1:8080/pub/obs";
	s.relay_key = "abc-DEF_1.~";
	EXPECT_TRUE(validate_settings(s).empty());
	for (const char *bad : {"has space", "quote\"", "new\nline"}) {
		s.relay_key = bad;
		EXPECT_EQ(fields_of(s), std::vector<std::string>{"relay_key"}) << bad;
	}
	s.relay_key = std::string(129, 'k');
	EXPECT_EQ(fields_of(s), std::vector<std::string>{"relay_key"});
}

TEST(RelaySettings, SomethingMustServeListeners)
{
	StreamSettings s;
	s.serve_listeners = false;
	EXPECT_EQ(fields_of(s), std::vector<std::string>{"serve_listeners"});
	s.relay_url = "http://127.0.0.1:8080/pub/obs";
	EXPECT_TRUE(validate_settings(s).empty());
}

TEST(RelayUrl, SplitsHostPortAndPath)
{
	auto url = parse_relay_url("http://127.0.0.1:8080/pub/obs");
	ASSERT_TRUE(url);
	EXPECT_EQ(url->host, "127.0.0.1");
	EXPECT_EQ(url->port, 8080);
	EXPECT_EQ(url->path, "/pub/obs");
	EXPECT_EQ(url->origin(), "http://127.0.0.1:8080");

	url = parse_relay_url("http://relay.example.org");
	ASSERT_TRUE(url);
	EXPECT_EQ(url->port, 80);
	EXPECT_EQ(url->path, "/");

	url = parse_relay_url("http://[fd00::5]:81/pub/obs?id=1");
	ASSERT_TRUE(url);
	EXPECT_EQ(url->host, "fd00::5");
	EXPECT_EQ(url->port, 81);
	EXPECT_EQ(url->path, "/pub/obs?id=1");
	EXPECT_EQ(url->origin(), "http://[fd00::5]:81");
}

} // namespace
} // namespace sse_audio
