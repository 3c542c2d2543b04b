// Which pages of other origins may read the streams and the status (CORS), and which Host names the server answers
// to: the `allowed_origins` setting, parsed, and applied by the real server on 127.0.0.1.

#include "serve/origin_policy.hpp"
#include "serve/stream_server.hpp"
#include "settings/stream_settings.hpp"

#include "http_test_support.hpp"
#include "raw_connection.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;
using test::exchange;

OriginPolicy parsed(const std::string &text)
{
	auto policy = OriginPolicy::parse(text);
	EXPECT_TRUE(policy) << text << ": " << (policy ? "" : policy.error());
	return policy ? *policy : OriginPolicy{};
}

TEST(OriginPolicy, ParsesListsOfOriginsAndRefusesAnythingElse)
{
	EXPECT_TRUE(OriginPolicy::parse(""));
	EXPECT_TRUE(OriginPolicy::parse("*"));
	EXPECT_TRUE(OriginPolicy::parse("https://church.example.org"));
	EXPECT_TRUE(OriginPolicy::parse("https://a.example, http://192.168.1.20:8080  https://[2001:db8::1]:8443"));
	EXPECT_TRUE(OriginPolicy::parse("https://example.org/")); // as an address bar shows it
	for (const char *bad : {"example.org", "ftp://example.org", "https://example.org/player", "https://",
				"https://user@example.org", "https://example.org:0", "https://example.org:99999",
				"* https://example.org", "https://exa mple.org", "https://[fe80::1"}) {
		const auto policy = OriginPolicy::parse(bad);
		EXPECT_FALSE(policy) << bad;
	}
	StreamSettings s;
	s.allowed_origins = "example.org";
	const auto problems = validate_settings(s);
	ASSERT_EQ(problems.size(), 1u);
	EXPECT_EQ(problems[0].field, "allowed_origins");
}

TEST(OriginPolicy, AllowsListedOriginsOnlyAndEchoesThem)
{
	const OriginPolicy own = parsed("");
	EXPECT_EQ(own.allow_origin_header("https://evil.example"), "");
	EXPECT_EQ(own.allow_origin_header(""), "");

	const OriginPolicy listed = parsed("https://Church.Example.org:443, http://192.168.1.20:8080");
	EXPECT_EQ(listed.allow_origin_header("https://church.example.org"), "https://church.example.org");
	EXPECT_EQ(listed.allow_origin_header("http://192.168.1.20:8080"), "http://192.168.1.20:8080");
	EXPECT_EQ(listed.allow_origin_header("http://church.example.org"), "") << "another scheme is another origin";
	EXPECT_EQ(listed.allow_origin_header("https://church.example.org.evil.example"), "");
	EXPECT_EQ(listed.allow_origin_header("null"), "");

	EXPECT_EQ(parsed("*").allow_origin_header("https://anyone.example"), "*");
}

TEST(OriginPolicy, ServesIpAddressesLocalhostOwnNamesAndAllowedHostsOnly)
{
	const std::vector<std::string> own = {"studio-pc", "studio-pc.local"};
	const OriginPolicy policy = parsed("https://church.example.org");
	for (const char *host :
	     {"127.0.0.1:8330", "192.168.1.20", "[::1]:8330", "localhost:8330", "LOCALHOST", "studio-pc:8330",
	      "studio-pc.local", "church.example.org", "church.example.org.:443", ""})
		EXPECT_TRUE(policy.serves_host(host, own)) << host;
	for (const char *host : {"evil.example:8330", "church.example.org.evil.example", "studio-pc.evil.example",
				 "[not-an-address]", "evil.example:8330:1"})
		EXPECT_FALSE(policy.serves_host(host, own)) << host;
	EXPECT_TRUE(parsed("*").serves_host("evil.example:8330", own));
}

class OriginPolicyServer : public ::testing::Test {
protected:
	void start(const std::string &allowed_origins)
	{
		ServerConfig config;
		config.bind_address = "127.0.0.1";
		config.web_root = web_.web();
		config.origins = parsed(allowed_origins);
		auto started = test::start_on_free_port(config, std::make_shared<StreamHub>(HubConfig{}));
		ASSERT_TRUE(started) << started.error();
		server_ = std::move(*started);
		port_ = server_->port();
	}
	test::RawExchange request(const std::string &path, const std::string &host, const std::string &origin = {})
	{
		return exchange(port_,
				"GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" +
					(origin.empty() ? "" : "Origin: " + origin + "\r\n") +
					"Connection: close\r\n\r\n",
				2s);
	}
	static bool has_header(const test::RawExchange &reply, const std::string &line)
	{
		const size_t head_end = reply.received.find("\r\n\r\n");
		return reply.received.substr(0, head_end + 2).find("\r\n" + line + "\r\n") != std::string::npos;
	}

	test::TempWebRoot web_;
	std::unique_ptr<StreamServer> server_;
	int port_ = 0;
};

// The plugin's default: the server's own pages only. Another page gets no CORS header, and a request naming this
// computer by a foreign name (DNS rebinding) is refused before any route, and counted.
TEST_F(OriginPolicyServer, ByDefaultOnlyTheServersOwnPagesReadAndForeignNamesAreRefused)
{
	start("");
	const std::string own = "127.0.0.1:" + std::to_string(port_);
	auto reply = request("/status.json", own);
	EXPECT_EQ(reply.status, 200);
	EXPECT_EQ(reply.received.find("Access-Control-Allow-Origin"), std::string::npos);
	reply = request("/status.json", own, "https://evil.example");
	EXPECT_EQ(reply.status, 200) << "the browser, not the server, withholds the answer from the page";
	EXPECT_EQ(reply.received.find("Access-Control-Allow-Origin"), std::string::npos);
	reply = request("/stream", own, "https://evil.example");
	EXPECT_EQ(reply.status, 200);
	EXPECT_EQ(reply.received.find("Access-Control-Allow-Origin"), std::string::npos);

	for (const std::string path : {"/", "/status.json", "/stream", "/stream.mp3"}) {
		reply = request(path, "evil.example:" + std::to_string(port_),
				"http://evil.example:" + std::to_string(port_));
		EXPECT_EQ(reply.status, 421) << path;
	}
	EXPECT_EQ(request("/", "localhost:" + std::to_string(port_)).status, 200);
	EXPECT_EQ(server_->stats().rejected_host, 4u);
	EXPECT_NE(server_->status_json().find("\"rejected_host\":4"), std::string::npos);
}

TEST_F(OriginPolicyServer, AListedOriginReadsStreamAndStatusAndItsHostIsServed)
{
	start("https://church.example.org");
	auto reply = request("/status.json", "church.example.org", "https://church.example.org");
	EXPECT_EQ(reply.status, 200);
	EXPECT_TRUE(has_header(reply, "Access-Control-Allow-Origin: https://church.example.org")) << reply.received;
	EXPECT_TRUE(has_header(reply, "Vary: Origin"));
	reply = request("/stream", "127.0.0.1", "https://church.example.org");
	EXPECT_EQ(reply.status, 200);
	EXPECT_TRUE(has_header(reply, "Access-Control-Allow-Origin: https://church.example.org")) << reply.received;
	reply = request("/stream", "127.0.0.1", "https://other.example");
	EXPECT_EQ(reply.received.find("Access-Control-Allow-Origin"), std::string::npos);
}

TEST_F(OriginPolicyServer, StarLetsAnyPageReadAndAnswersAnyName)
{
	start("*");
	auto reply = request("/status.json", "anything.example", "https://anyone.example");
	EXPECT_EQ(reply.status, 200);
	EXPECT_TRUE(has_header(reply, "Access-Control-Allow-Origin: *")) << reply.received;
	reply = request("/stream", "anything.example", "https://anyone.example");
	EXPECT_TRUE(has_header(reply, "Access-Control-Allow-Origin: *")) << reply.received;
}

// The embeddable player (docs/embedding.md): its entry, embed.js, loads on any page, so that it can say on a page
// the streamer has not allowed why nothing plays; the player's other modules load cross-origin only on the
// allowed origins' pages, as the stream does.
TEST_F(OriginPolicyServer, EmbedEntryLoadsAnywhereAndThePlayersModulesOnAllowedOriginsOnly)
{
	std::ofstream(std::filesystem::path(web_.web()) / "embed.js", std::ios::binary) << "export {};\n";
	start("https://church.example.org");
	auto reply = request("/embed.js", "127.0.0.1", "https://other.example");
	EXPECT_EQ(reply.status, 200);
	EXPECT_TRUE(has_header(reply, "Access-Control-Allow-Origin: *")) << reply.received;
	reply = request("/player.js", "127.0.0.1", "https://church.example.org");
	EXPECT_EQ(reply.status, 200);
	EXPECT_TRUE(has_header(reply, "Access-Control-Allow-Origin: https://church.example.org")) << reply.received;
	EXPECT_TRUE(has_header(reply, "Vary: Origin"));
	reply = request("/player.js", "127.0.0.1", "https://other.example");
	EXPECT_EQ(reply.status, 200);
	EXPECT_EQ(reply.received.find("Access-Control-Allow-Origin"), std::string::npos) << reply.received;
	EXPECT_TRUE(has_header(reply, "Vary: Origin")) << "a cache must not hand one origin's answer to another";
	reply = request("/", "127.0.0.1");
	EXPECT_EQ(reply.received.find("Access-Control-Allow-Origin"), std::string::npos) << reply.received;
}

} // namespace
} // namespace sse_audio
