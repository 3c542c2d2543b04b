#include "settings/stream_settings.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace sse_audio {
namespace {

std::vector<std::string> fields_of(const std::vector<SettingsProblem> &problems)
{
	std::vector<std::string> fields;
	for (const auto &p : problems)
		fields.push_back(p.field);
	return fields;
}

TEST(StreamSettings, DefaultsAreTheContractsAndValid)
{
	const StreamSettings s;
	EXPECT_EQ(s.port, 8330);
	EXPECT_EQ(s.bitrate_kbps, 128);
	EXPECT_EQ(s.bind_address, "0.0.0.0");
	EXPECT_EQ(s.mixer, 0);
	EXPECT_TRUE(s.access_key.empty());
	EXPECT_TRUE(validate_settings(s).empty());
	const Status status = check_settings(s);
	EXPECT_TRUE(status.ok());
	EXPECT_TRUE(status.error().empty());
}

struct InvalidCase {
	std::string name;
	std::string field;
	std::function<void(StreamSettings &)> apply;
	std::string mentions; // text the message must hold, e.g. the refused value
};

void PrintTo(const InvalidCase &c, std::ostream *os)
{
	*os << c.name;
}

class StreamSettingsInvalid : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(StreamSettingsInvalid, NamesExactlyThatField)
{
	const auto &param = GetParam();
	StreamSettings s;
	param.apply(s);
	const auto problems = validate_settings(s);
	ASSERT_EQ(fields_of(problems), std::vector<std::string>{param.field});
	EXPECT_FALSE(problems[0].message.empty());
	EXPECT_NE(problems[0].message.find(param.mentions), std::string::npos) << problems[0].message;
	const Status status = check_settings(s);
	EXPECT_FALSE(status.ok());
	EXPECT_EQ(status.error(), problems[0].message);
}

const std::string k129(129, 'a');

INSTANTIATE_TEST_SUITE_P(
	EachField, StreamSettingsInvalid,
	::testing::Values(
		InvalidCase{"port_0", "port", [](StreamSettings &s) { s.port = 0; }, "0"},
		InvalidCase{"port_65536", "port", [](StreamSettings &s) { s.port = 65536; }, "65536"},
		InvalidCase{"port_negative", "port", [](StreamSettings &s) { s.port = -1; }, "-1"},
		InvalidCase{"bitrate_100", "bitrate", [](StreamSettings &s) { s.bitrate_kbps = 100; }, "100"},
		InvalidCase{"bitrate_0", "bitrate", [](StreamSettings &s) { s.bitrate_kbps = 0; }, "(got 0)"},
		InvalidCase{"bitrate_384", "bitrate", [](StreamSettings &s) { s.bitrate_kbps = 384; }, "384"},
		InvalidCase{"timeout_low", "timeout", [](StreamSettings &s) { s.timeout_seconds = 1; }, "(got 1)"},
		InvalidCase{"timeout_high", "timeout", [](StreamSettings &s) { s.timeout_seconds = 301; }, "301"},
		InvalidCase{"timeout_zero", "timeout", [](StreamSettings &s) { s.timeout_seconds = 0; }, "(got 0)"},
		InvalidCase{"bind_localhost", "bind_address", [](StreamSettings &s) { s.bind_address = "localhost"; },
			    "localhost"},
		InvalidCase{"bind_short_ipv4", "bind_address", [](StreamSettings &s) { s.bind_address = "1.2.3"; },
			    "1.2.3"},
		InvalidCase{"bind_empty", "bind_address", [](StreamSettings &s) { s.bind_address = ""; }, "address"},
		InvalidCase{"bind_out_of_range", "bind_address",
			    [](StreamSettings &s) { s.bind_address = "256.0.0.1"; }, "256.0.0.1"},
		InvalidCase{"bind_trailing_space", "bind_address",
			    [](StreamSettings &s) { s.bind_address = "127.0.0.1 "; }, "127.0.0.1"},
		InvalidCase{"bind_with_port", "bind_address",
			    [](StreamSettings &s) { s.bind_address = "127.0.0.1:8330"; }, "8330"},
		InvalidCase{"mixer_negative", "mixer", [](StreamSettings &s) { s.mixer = -1; }, "6"},
		InvalidCase{"mixer_6", "mixer", [](StreamSettings &s) { s.mixer = 6; }, "(got 7)"},
		InvalidCase{"max_listeners_0", "max_listeners", [](StreamSettings &s) { s.max_listeners = 0; },
			    "(got 0)"},
		InvalidCase{"max_listeners_1001", "max_listeners", [](StreamSettings &s) { s.max_listeners = 1001; },
			    "1001"},
		InvalidCase{"key_with_space", "access_key", [](StreamSettings &s) { s.access_key = "my key"; }, "128"},
		InvalidCase{"key_129_chars", "access_key", [](StreamSettings &s) { s.access_key = k129; }, "128"},
		InvalidCase{"key_with_ampersand", "access_key", [](StreamSettings &s) { s.access_key = "a&key=b"; },
			    "128"},
		InvalidCase{"key_with_slash", "access_key", [](StreamSettings &s) { s.access_key = "a/b"; }, "128"},
		InvalidCase{"key_non_ascii", "access_key", [](StreamSettings &s) { s.access_key = "cl\xc3\xa9"; },
			    "128"},
		InvalidCase{"public_url_no_scheme", "public_url",
			    [](StreamSettings &s) { s.public_url = "radio.example.org"; }, "radio.example.org"},
		InvalidCase{"public_url_ftp", "public_url",
			    [](StreamSettings &s) { s.public_url = "ftp://radio.example.org/"; }, "https://"},
		InvalidCase{"public_url_query", "public_url",
			    [](StreamSettings &s) { s.public_url = "https://radio.example.org/?key=x"; }, "query"},
		InvalidCase{"public_url_space", "public_url",
			    [](StreamSettings &s) { s.public_url = "https://radio example.org/"; }, "spaces"},
		InvalidCase{"public_url_no_host", "public_url", [](StreamSettings &s) { s.public_url = "https:///x"; },
			    "https:///x"},
		InvalidCase{"public_url_quote", "public_url",
			    [](StreamSettings &s) { s.public_url = "https://a.example/\"><script>"; }, "a.example"},
		InvalidCase{"public_url_too_long", "public_url",
			    [](StreamSettings &s) { s.public_url = "https://a.example/" + std::string(500, 'p'); },
			    "512"}),
	[](const ::testing::TestParamInfo<InvalidCase> &p) { return p.param.name; });

TEST(StreamSettings, AcceptsAPublicAddressOfAReverseProxyOrAPortForward)
{
	for (const char *url : {"https://radio.example.org/", "https://radio.example.org", "http://203.0.113.5:8330/",
				"https://example.org/church/live/", "http://[2001:db8::1]:8080/"}) {
		StreamSettings s;
		s.public_url = url;
		EXPECT_TRUE(validate_settings(s).empty()) << url;
	}
}

TEST(StreamSettings, AcceptsBoundaryValues)
{
	const std::vector<std::function<void(StreamSettings &)>> changes = {
		[](StreamSettings &s) { s.port = 1; },
		[](StreamSettings &s) { s.port = 65535; },
		[](StreamSettings &s) { s.bitrate_kbps = 32; },
		[](StreamSettings &s) { s.bitrate_kbps = 320; },
		[](StreamSettings &s) { s.timeout_seconds = 2; },
		[](StreamSettings &s) { s.timeout_seconds = 300; },
		[](StreamSettings &s) { s.mixer = 5; },
		[](StreamSettings &s) { s.max_listeners = 1; },
		[](StreamSettings &s) { s.max_listeners = 1000; },
		[](StreamSettings &s) { s.access_key = std::string(128, 'k'); },
		[](StreamSettings &s) { s.access_key = "Az09-_.~"; },
	};
	for (size_t i = 0; i < changes.size(); i++) {
		StreamSettings s;
		changes[i](s);
		EXPECT_TRUE(validate_settings(s).empty()) << "change " << i << ": " << check_settings(s).error();
	}
}

TEST(StreamSettings, AcceptsNumericIpv4AndIpv6Addresses)
{
	for (const std::string address : {"0.0.0.0", "127.0.0.1", "192.168.1.20", "::1", "::", "fe80::1",
					  "2001:db8::8a2e:370:7334", "::ffff:127.0.0.1"}) {
		EXPECT_TRUE(is_ip_address(address)) << address;
		StreamSettings s;
		s.bind_address = address;
		EXPECT_TRUE(validate_settings(s).empty()) << address;
	}
	for (const std::string address : {"localhost", "1.2.3", "", "example.com", "::g", "1.2.3.4.5", "[::1]"})
		EXPECT_FALSE(is_ip_address(address)) << address;
}

TEST(StreamSettings, ReportsEveryProblemInFieldOrder)
{
	StreamSettings s;
	s.access_key = "bad key";
	s.port = 0;
	s.mixer = 6;
	s.bitrate_kbps = 100;
	s.bind_address = "localhost";
	s.timeout_seconds = 1000;
	s.max_listeners = 0;
	const auto problems = validate_settings(s);
	EXPECT_EQ(fields_of(problems), (std::vector<std::string>{"port", "bitrate", "timeout", "bind_address", "mixer",
								 "max_listeners", "access_key"}));
}

TEST(StreamSettings, CheckSettingsJoinsTheMessages)
{
	StreamSettings s;
	s.port = 70000;
	s.bitrate_kbps = 100;
	const auto problems = validate_settings(s);
	ASSERT_EQ(problems.size(), 2u);
	const Status status = check_settings(s);
	ASSERT_FALSE(status.ok());
	EXPECT_EQ(status.error(), problems[0].message + "; " + problems[1].message);
	EXPECT_NE(status.error().find("70000"), std::string::npos);
	EXPECT_NE(status.error().find("100"), std::string::npos);
}

} // namespace
} // namespace sse_audio
