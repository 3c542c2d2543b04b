#include "base/base64.hpp"
#include "audio/sse_format.hpp"
#include "serve/stream_server.hpp"
#include "http_test_support.hpp"
#include "test_sockets.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
using namespace test;

struct Reply {
	bool complete = false; // a whole response arrived within the time limit
	std::string error;
	httplib::Response response;
	explicit operator bool() const { return complete; }
	const httplib::Response *operator->() const { return &response; }
};

std::vector<uint8_t> fake_mp3(uint64_t n)
{
	std::vector<uint8_t> bytes(100 + n * 37 % 500);
	for (size_t i = 0; i < bytes.size(); i++)
		bytes[i] = static_cast<uint8_t>(n * 131 + i * 7);
	return bytes;
}

// ---------------------------------------------------------------------------------------------------------------
// Fixture: a real server on 127.0.0.1 serving a hub the test publishes into.

class StreamServerTest : public ::testing::Test {
protected:
	void SetUp() override { hub_ = make_test_hub(); }

	ServerConfig base_config() const
	{
		ServerConfig config;
		config.bind_address = "127.0.0.1";
		config.timeout_seconds = 5;
		config.max_listeners = 4;
		config.web_root = web_.web();
		config.heartbeat = 200ms;
		config.retry_ms = 1500;
		config.version = "unit-test";
		return config;
	}

	// Starts `server` on a free port, retrying with another port when one was taken in between.
	::testing::AssertionResult start(std::unique_ptr<StreamServer> &server, ServerConfig config)
	{
		auto started = start_on_free_port(config, hub_, [this] { return channel_stats(); });
		if (!started)
			return ::testing::AssertionFailure() << "server did not start: " << started.error();
		server = std::move(*started);
		port_ = config.port;
		return ::testing::AssertionSuccess();
	}

	ChannelStats channel_stats() const
	{
		ChannelStats stats;
		stats.sample_rate = 48000;
		stats.bitrate_kbps = 128;
		stats.frames_dropped = 7;
		stats.events_published = hub_->published();
		return stats;
	}

	std::vector<HubEventPtr> publish(size_t count)
	{
		std::vector<HubEventPtr> events;
		for (size_t i = 0; i < count; i++) {
			const uint64_t n = hub_->published();
			events.push_back(hub_->publish(fake_mp3(n), wall_clock_ms(), 1152));
		}
		return events;
	}

	// A plain GET that cannot hang: a response still streaming after 3 s is cut off and reported incomplete.
	Reply get(const std::string &path, const httplib::Headers &headers = {}) const
	{
		httplib::Client cli("127.0.0.1", port_);
		cli.set_connection_timeout(2, 0);
		cli.set_read_timeout(3, 0);
		Reply reply;
		const auto deadline = Clock::now() + 3s;
		bool cut = false;
		const auto res = cli.Get(
			path, headers,
			[&](const httplib::Response &r) {
				reply.response.status = r.status;
				reply.response.headers = r.headers;
				return true;
			},
			[&](const char *data, size_t length) {
				reply.response.body.append(data, length);
				cut = Clock::now() > deadline;
				return !cut;
			});
		reply.error = cut ? "still streaming after 3 s" : httplib::to_string(res.error());
		reply.complete = res && !cut;
		return reply;
	}

	TempWebRoot web_;
	std::shared_ptr<StreamHub> hub_;
	int port_ = 0;
};

bool greeted(const std::string &body)
{
	return body.find("\n\n") != std::string::npos;
}

// ---------------------------------------------------------------------------------------------------------------
// Player files and paths

TEST_F(StreamServerTest, ServesThePlayerPageAndScript)
{
	std::unique_ptr<StreamServer> server;
	ASSERT_TRUE(start(server, base_config()));
	EXPECT_TRUE(server->running());
	EXPECT_EQ(server->port(), port_);

	const auto page = get("/");
	ASSERT_TRUE(page) << page.error;
	EXPECT_EQ(page->status, 200);
	EXPECT_EQ(page->body, TempWebRoot::kIndex);
	EXPECT_EQ(page->get_header_value("Content-Type").rfind("text/html", 0), 0u)
		<< page->get_header_value("Content-Type");

	const auto index = get("/index.html");
	ASSERT_TRUE(index);
	EXPECT_EQ(index->status, 200);
	EXPECT_EQ(index->body, TempWebRoot::kIndex);

	const auto script = get("/player.js");
	ASSERT_TRUE(script);
	EXPECT_EQ(script->status, 200);
	EXPECT_EQ(script->body, TempWebRoot::kPlayer);
	EXPECT_NE(script->get_header_value("Content-Type").find("javascript"), std::string::npos);
}

TEST_F(StreamServerTest, ServesNothingOutsideThePlayerFiles)
{
	std::unique_ptr<StreamServer> server;
	ASSERT_TRUE(start(server, base_config()));
	for (const std::string path : {"/../etc/passwd", "/%2e%2e/", "/%2e%2e/etc/passwd", "/..%2fsecret.txt",
				       "/%2e%2e%2fsecret.txt", "/nope", "/nope.html", "/secret.txt", "/passwd",
				       "/up/secret.txt", "/up", "/web/index.html", "//etc/passwd", "/./index.html/"}) {
		EXPECT_EQ(raw_get_status(port_, path), 404) << path;
		const std::string body = raw_get_body(port_, path);
		EXPECT_EQ(body.find("TOP SECRET"), std::string::npos) << path;
		EXPECT_EQ(body.find("root:"), std::string::npos) << path;
	}
	EXPECT_EQ(raw_get_status(port_, "/"), 200) << "the raw client itself works";
}

TEST_F(StreamServerTest, RefusesToStartWithoutThePlayerPage)
{
	ServerConfig config = base_config();
	config.web_root = web_.base() + "/missing";
	config.port = free_port();
	const auto missing = StreamServer::start(config, hub_, nullptr);
	ASSERT_FALSE(missing.ok());
	EXPECT_NE(missing.error().find("missing"), std::string::npos) << missing.error();

	fs::remove(fs::path(web_.web()) / "index.html");
	config.web_root = web_.web();
	const auto no_index = StreamServer::start(config, hub_, nullptr);
	ASSERT_FALSE(no_index.ok());
	EXPECT_NE(no_index.error().find("index.html"), std::string::npos) << no_index.error();
	EXPECT_EQ(raw_get_status(config.port, "/"), -1) << "nothing listens after a failed start";
}

// ---------------------------------------------------------------------------------------------------------------
// /status.json

TEST_F(StreamServerTest, StatusJsonReportsListenersEventsAndDrops)
{
	std::unique_ptr<StreamServer> server;
	ASSERT_TRUE(start(server, base_config()));
	publish(3);
	StreamClient listener(port_, "/stream");
	ASSERT_TRUE(listener.wait_for_body(greeted));

	const auto res = get("/status.json");
	ASSERT_TRUE(res) << res.error;
	EXPECT_EQ(res->status, 200);
	EXPECT_EQ(res->get_header_value("Content-Type").rfind("application/json", 0), 0u);
	const auto doc = nlohmann::json::parse(res->body, nullptr, false);
	ASSERT_FALSE(doc.is_discarded()) << res->body;
	ASSERT_TRUE(doc.contains("listeners") && doc["listeners"].is_object()) << res->body;
	ASSERT_TRUE(doc.contains("events") && doc["events"].is_object()) << res->body;
	ASSERT_TRUE(doc.contains("drops") && doc["drops"].is_object()) << res->body;
	EXPECT_EQ(doc["listeners"]["now"], 1);
	EXPECT_EQ(doc["listeners"]["sse"], 1);
	EXPECT_EQ(doc["listeners"]["max"], 4);
	EXPECT_EQ(doc["events"]["published"], 3);
	EXPECT_EQ(doc["events"]["last_id"], 1002);
	EXPECT_EQ(doc["drops"]["pcm_frames"], 7) << "the channel's figures come through";
	EXPECT_EQ(doc["sample_rate"], 48000);
	EXPECT_EQ(doc["version"], "unit-test");
	EXPECT_EQ(doc["access_key_required"], false);
	EXPECT_EQ(doc["running"], true);
}

TEST_F(StreamServerTest, StatusJsonNeverContainsTheAccessKey)
{
	std::unique_ptr<StreamServer> server;
	ServerConfig config = base_config();
	config.access_key = "Very-Secret_Key.42";
	ASSERT_TRUE(start(server, config));
	const auto res = get("/status.json?key=Very-Secret_Key.42");
	ASSERT_TRUE(res);
	EXPECT_EQ(res->status, 200);
	EXPECT_EQ(res->body.find("Very-Secret"), std::string::npos) << res->body;
	EXPECT_EQ(res->body.find("Secret_Key"), std::string::npos) << res->body;
	const auto doc = nlohmann::json::parse(res->body, nullptr, false);
	ASSERT_FALSE(doc.is_discarded());
	EXPECT_EQ(doc["access_key_required"], true);
	EXPECT_EQ(server->status_json().find("Very-Secret"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------------------------
// /stream

TEST_F(StreamServerTest, SseStreamDeliversPublishedEvents)
{
	std::unique_ptr<StreamServer> server;
	ASSERT_TRUE(start(server, base_config()));
	// Browsers ask for compression; an event stream must not be compressed (the compressor would hold events).
	StreamClient listener(port_, "/stream", {{"Accept-Encoding", "gzip, deflate"}});
	ASSERT_TRUE(listener.wait_for_headers());
	EXPECT_EQ(listener.status(), 200);
	EXPECT_EQ(listener.header("Content-Type").rfind("text/event-stream", 0), 0u) << listener.header("Content-Type");
	EXPECT_NE(listener.header("Cache-Control").find("no-cache"), std::string::npos)
		<< listener.header("Cache-Control");
	EXPECT_EQ(listener.header("X-Accel-Buffering"), "no");
	EXPECT_FALSE(listener.has_header("Content-Encoding")) << listener.header("Content-Encoding");
	ASSERT_TRUE(listener.wait_for_body(greeted));
	EXPECT_EQ(listener.body().rfind("retry: 1500\n", 0), 0u)
		<< "the stream begins with the retry hint: " << listener.body().substr(0, 40);

	const auto events = publish(20);
	const auto published_at = Clock::now();
	ASSERT_TRUE(listener.wait_for_body([](const std::string &b) { return count_audio_events(b) >= 20; }))
		<< listener.body().substr(0, 400);
	EXPECT_LT(Clock::now() - published_at, 1s) << "events are not held back";

	const auto audio = audio_events(listener.body());
	ASSERT_EQ(audio.size(), 20u);
	for (size_t i = 0; i < audio.size(); i++) {
		EXPECT_EQ(audio[i].id, std::to_string(events[i]->id)) << "event " << i;
		EXPECT_EQ(audio[i].id, std::to_string(1000 + i));
		const auto decoded = base64_decode(audio[i].data);
		ASSERT_TRUE(decoded.has_value()) << "event " << i;
		EXPECT_EQ(*decoded, events[i]->mp3) << "event " << i;
	}
	listener.stop();
	// The fan-out counts what it sent once its write returned, which can be after the bytes reached the listener.
	const auto counted_by = Clock::now() + 2s;
	while (server->stats().events_sent < 20 && Clock::now() < counted_by)
		std::this_thread::sleep_for(5ms);
	const ServerStats stats = server->stats();
	EXPECT_GE(stats.events_sent, 20u);
	EXPECT_GE(stats.connections_total, 1u);
}

TEST_F(StreamServerTest, NewListenerGetsABurstOfRecentEvents)
{
	std::unique_ptr<StreamServer> server;
	ASSERT_TRUE(start(server, base_config()));
	publish(10); // 1000..1009; burst is 4
	StreamClient listener(port_, "/stream");
	ASSERT_TRUE(listener.wait_for_body([](const std::string &b) { return count_audio_events(b) >= 4; }));
	const auto audio = audio_events(listener.body());
	ASSERT_EQ(audio.size(), 4u);
	EXPECT_EQ(audio.front().id, "1006");
	EXPECT_EQ(audio.back().id, "1009");
}

TEST_F(StreamServerTest, LastEventIdResumesRightAfterThatId)
{
	std::unique_ptr<StreamServer> server;
	ASSERT_TRUE(start(server, base_config()));
	const auto events = publish(10); // 1000..1009
	StreamClient listener(port_, "/stream", {{"Last-Event-ID", "1002"}});
	ASSERT_TRUE(listener.wait_for_body([](const std::string &b) { return count_audio_events(b) >= 7; }));
	publish(2); // 1010, 1011
	ASSERT_TRUE(listener.wait_for_body([](const std::string &b) { return count_audio_events(b) >= 9; }));
	const auto audio = audio_events(listener.body());
	ASSERT_EQ(audio.size(), 9u);
	for (size_t i = 0; i < audio.size(); i++)
		EXPECT_EQ(audio[i].id, std::to_string(1003 + i));
	EXPECT_EQ(base64_decode(audio[0].data).value_or(std::vector<uint8_t>{}), events[3]->mp3);

	// The query form, for clients that cannot set the header.
	StreamClient by_query(port_, "/stream?lastEventId=1008");
	ASSERT_TRUE(by_query.wait_for_body([](const std::string &b) { return count_audio_events(b) >= 3; }));
	const auto resumed = audio_events(by_query.body());
	ASSERT_EQ(resumed.size(), 3u);
	EXPECT_EQ(resumed[0].id, "1009");
	EXPECT_EQ(resumed[2].id, "1011");

	// An id that is not ours counts as a new listener: the burst.
	StreamClient bogus(port_, "/stream", {{"Last-Event-ID", "relay-17"}});
	ASSERT_TRUE(bogus.wait_for_body([](const std::string &b) { return count_audio_events(b) >= 4; }));
	EXPECT_EQ(audio_events(bogus.body()).front().id, "1008");
}

TEST_F(StreamServerTest, HeartbeatsKeepAnIdleStreamAlive)
{
	std::unique_ptr<StreamServer> server;
	ASSERT_TRUE(start(server, base_config())); // heartbeat every 200 ms
	StreamClient listener(port_, "/stream");
	ASSERT_TRUE(listener.wait_for_body(greeted));
	const auto comments_after_greeting = [](const std::string &body) {
		size_t heartbeats = 0;
		for (const auto &block : parse_sse(body))
			heartbeats += static_cast<size_t>(
				std::count(block.comments.begin(), block.comments.end(), " heartbeat"));
		return heartbeats;
	};
	const auto begin = Clock::now();
	ASSERT_TRUE(listener.wait_for_body([&](const std::string &b) { return comments_after_greeting(b) >= 3; }, 3s))
		<< listener.body();
	EXPECT_GE(Clock::now() - begin, 400ms) << "heartbeats come at the configured pace, not in a flood";
	const std::string body = listener.body();
	EXPECT_EQ(count_audio_events(body), 0u);
	EXPECT_EQ(body.find("event:"), std::string::npos) << "heartbeats are comments, not events";
	for (const auto &block : parse_sse(body))
		EXPECT_TRUE(block.event.empty() && block.id.empty() && block.data.empty());
}

TEST_F(StreamServerTest, Mp3StreamCarriesTheRawBytes)
{
	std::unique_ptr<StreamServer> server;
	ASSERT_TRUE(start(server, base_config()));
	StreamClient listener(port_, "/stream.mp3");
	ASSERT_TRUE(listener.wait_for_headers());
	EXPECT_EQ(listener.status(), 200);
	EXPECT_EQ(listener.header("Content-Type"), "audio/mpeg");
	EXPECT_NE(listener.header("Cache-Control").find("no-cache"), std::string::npos);
	const auto events = publish(5);
	std::string expected;
	for (const auto &e : events)
		expected.append(reinterpret_cast<const char *>(e->mp3.data()), e->mp3.size());
	ASSERT_TRUE(listener.wait_for_body([&](const std::string &b) { return b.size() >= expected.size(); }));
	EXPECT_EQ(listener.body(), expected);
	EXPECT_EQ(server->stats().mp3_listeners, 1u);
}

TEST_F(StreamServerTest, FullServerAnswers503WithRetryAfter)
{
	std::unique_ptr<StreamServer> server;
	ServerConfig config = base_config();
	config.max_listeners = 1;
	ASSERT_TRUE(start(server, config));
	auto first = std::make_unique<StreamClient>(port_, "/stream");
	ASSERT_TRUE(first->wait_for_body(greeted));

	for (const std::string path : {"/stream", "/stream.mp3"}) {
		const auto second = get(path);
		ASSERT_TRUE(second) << path << ": " << second.error;
		EXPECT_EQ(second->status, 503) << path;
		const std::string retry_after = second->get_header_value("Retry-After");
		ASSERT_FALSE(retry_after.empty()) << path;
		EXPECT_GT(std::stoi(retry_after), 0);
	}
	EXPECT_EQ(server->stats().rejected_full, 2u);
	const auto page = get("/");
	ASSERT_TRUE(page);
	EXPECT_EQ(page->status, 200) << "the page is still served while the listener slots are taken";

	// When the listener leaves, its slot is freed.
	first->stop();
	first.reset();
	bool admitted = false;
	for (int attempt = 0; attempt < 30 && !admitted; attempt++) {
		StreamClient next(port_, "/stream");
		admitted = next.wait_for_headers() && next.status() == 200;
		if (!admitted)
			std::this_thread::sleep_for(100ms);
	}
	EXPECT_TRUE(admitted) << "a departed listener frees its slot";
}

TEST_F(StreamServerTest, AccessKeyGuardsStreamAndStatus)
{
	std::unique_ptr<StreamServer> server;
	ServerConfig config = base_config();
	config.access_key = "k3y-ABC_x";
	ASSERT_TRUE(start(server, config));
	for (const std::string path :
	     {"/stream", "/stream.mp3", "/status.json", "/stream?key=wrong", "/status.json?key=k3y-ABC",
	      "/status.json?key=k3y-ABC_xx", "/status.json?key="}) {
		const auto res = get(path);
		ASSERT_TRUE(res) << path;
		EXPECT_EQ(res->status, 401) << path;
	}
	const auto wrong_bearer = get("/status.json", {{"Authorization", "Bearer k3y-ABC_y"}});
	ASSERT_TRUE(wrong_bearer);
	EXPECT_EQ(wrong_bearer->status, 401);
	const auto basic = get("/status.json", {{"Authorization", "Basic k3y-ABC_x"}});
	ASSERT_TRUE(basic);
	EXPECT_EQ(basic->status, 401);
	EXPECT_EQ(server->stats().rejected_auth, 9u);

	const auto by_query = get("/status.json?key=k3y-ABC_x");
	ASSERT_TRUE(by_query);
	EXPECT_EQ(by_query->status, 200);
	const auto by_bearer = get("/status.json", {{"Authorization", "Bearer k3y-ABC_x"}});
	ASSERT_TRUE(by_bearer);
	EXPECT_EQ(by_bearer->status, 200);
	// RFC 7235: the scheme is case-insensitive, and more than one space may follow it.
	for (const std::string value : {"bearer k3y-ABC_x", "BEARER k3y-ABC_x", "Bearer   k3y-ABC_x"}) {
		const auto res = get("/status.json", {{"Authorization", value}});
		ASSERT_TRUE(res) << value;
		EXPECT_EQ(res->status, 200) << value;
	}

	StreamClient stream_query(port_, "/stream?key=k3y-ABC_x");
	ASSERT_TRUE(stream_query.wait_for_headers());
	EXPECT_EQ(stream_query.status(), 200);
	EXPECT_TRUE(stream_query.wait_for_body(greeted));
	StreamClient stream_bearer(port_, "/stream", {{"Authorization", "Bearer k3y-ABC_x"}});
	ASSERT_TRUE(stream_bearer.wait_for_headers());
	EXPECT_EQ(stream_bearer.status(), 200);
	StreamClient mp3_query(port_, "/stream.mp3?key=k3y-ABC_x");
	ASSERT_TRUE(mp3_query.wait_for_headers());
	EXPECT_EQ(mp3_query.status(), 200);
}

TEST(KeysEqual, ComparesWholeKeys)
{
	EXPECT_TRUE(keys_equal("abc", "abc"));
	EXPECT_TRUE(keys_equal("", ""));
	EXPECT_FALSE(keys_equal("abc", "abd"));
	EXPECT_FALSE(keys_equal("abc", "ab"));
	EXPECT_FALSE(keys_equal("abc", "abcd"));
	EXPECT_FALSE(keys_equal("abc", ""));
	EXPECT_FALSE(keys_equal("", "a"));
	EXPECT_FALSE(keys_equal("abc", std::string("abc\0", 4)));
}

// ---------------------------------------------------------------------------------------------------------------
// Lifecycle

TEST_F(StreamServerTest, SecondServerOnTheSamePortFailsWithAMessage)
{
	std::unique_ptr<StreamServer> first;
	ASSERT_TRUE(start(first, base_config()));
	ServerConfig config = base_config();
	config.port = port_;
	const auto second = StreamServer::start(config, hub_, nullptr);
	ASSERT_FALSE(second.ok()) << "two servers must not share a port";
	EXPECT_NE(second.error().find("in use"), std::string::npos) << second.error();
	EXPECT_NE(second.error().find(std::to_string(port_)), std::string::npos) << second.error();
	// The first one is unharmed.
	EXPECT_EQ(raw_get_status(port_, "/"), 200);
}

TEST_F(StreamServerTest, RefusesAnAddressThisMachineDoesNotHave)
{
	ServerConfig config = base_config();
	config.bind_address = "192.0.2.1"; // TEST-NET-1: never assigned to a local interface
	config.port = free_port();
	const auto status = StreamServer::start(config, hub_, nullptr);
	ASSERT_FALSE(status.ok());
	EXPECT_NE(status.error().find("192.0.2.1"), std::string::npos) << status.error();
}

TEST_F(StreamServerTest, StopEndsConnectedListenersPromptlyAndThePortCanBeReused)
{
	std::unique_ptr<StreamServer> server;
	ASSERT_TRUE(start(server, base_config()));
	StreamClient sse(port_, "/stream");
	StreamClient mp3(port_, "/stream.mp3");
	ASSERT_TRUE(sse.wait_for_body(greeted));
	ASSERT_TRUE(mp3.wait_for_headers());
	publish(2);
	ASSERT_TRUE(sse.wait_for_body([](const std::string &b) { return count_audio_events(b) >= 2; }));

	const auto begin = Clock::now();
	server->stop();
	EXPECT_LT(Clock::now() - begin, 2s) << "stop returns promptly with listeners connected";
	EXPECT_FALSE(server->running());
	EXPECT_TRUE(sse.wait_finished(2s)) << "the listener's stream ended";
	EXPECT_TRUE(mp3.wait_finished(2s)) << "the mp3 listener's stream ended";
	server->stop(); // twice is fine
	EXPECT_EQ(raw_get_status(port_, "/"), -1) << "nothing listens after stop";

	// Same port, a new server (there is no restart): starts and serves.
	ServerConfig config = base_config();
	config.port = port_;
	auto again = StreamServer::start(config, hub_, nullptr);
	ASSERT_TRUE(again.ok()) << again.error();
	EXPECT_TRUE((*again)->running());
	EXPECT_EQ(raw_get_status(port_, "/"), 200);
	StreamClient after(port_, "/stream");
	ASSERT_TRUE(after.wait_for_body(greeted));
	publish(1);
	EXPECT_TRUE(after.wait_for_body([](const std::string &b) { return count_audio_events(b) >= 1; }));
	(*again)->stop();
}

TEST_F(StreamServerTest, ClosingTheHubEndsTheStream)
{
	std::unique_ptr<StreamServer> server;
	ASSERT_TRUE(start(server, base_config()));
	StreamClient listener(port_, "/stream");
	ASSERT_TRUE(listener.wait_for_body(greeted));
	publish(1);
	hub_->close(); // the channel stopped
	EXPECT_TRUE(listener.wait_finished(3s)) << "the response ends when the channel does";
	EXPECT_EQ(count_audio_events(listener.body()), 1u) << "what was published before the end is delivered";
	EXPECT_TRUE(server->running()) << "the server itself keeps running";
}

// A listener that closes its connection has left: counted, but not as a drop. One whose connection stops
// accepting data is dropped after the timeout, and that is counted as a drop.
TEST_F(StreamServerTest, CountsListenersWhoLeaveApartFromListenersWhoTimeOut)
{
	std::unique_ptr<StreamServer> server;
	ServerConfig config = base_config();
	config.timeout_seconds = 2;
	ASSERT_TRUE(start(server, config));
	const auto status = [&] {
		return nlohmann::json::parse(get("/status.json")->body);
	};

	{
		StreamClient leaving(port_, "/stream");
		ASSERT_TRUE(leaving.wait_for_body(greeted));
	}
	const auto left_by = Clock::now() + 3s;
	while (status()["listeners"]["left"] != 1 && Clock::now() < left_by)
		std::this_thread::sleep_for(50ms);
	EXPECT_EQ(status()["listeners"]["left"], 1) << "a closed connection is noticed through the heartbeat";
	EXPECT_EQ(status()["drops"]["listeners_timed_out"], 0) << "leaving is not a drop";

	// A listener that never reads, with a small receive buffer, behind a stream of large events.
	const socket_t sock = test::connect_loopback(port_, 4096);
	ASSERT_TRUE(test::valid(sock));
	ASSERT_TRUE(test::send_all(sock, "GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));

	const std::vector<uint8_t> big(64 * 1024, 0x55);
	const auto dropped_by = Clock::now() + 20s;
	while (status()["drops"]["listeners_timed_out"] != 1 && Clock::now() < dropped_by) {
		for (int i = 0; i < 8; i++)
			hub_->publish(big, wall_clock_ms(), 1152);
		std::this_thread::sleep_for(100ms);
	}
	const auto final_status = status();
	EXPECT_EQ(final_status["drops"]["listeners_timed_out"], 1) << "the stalled listener was dropped";
	EXPECT_EQ(final_status["listeners"]["left"], 1) << "and not counted as having left";
	EXPECT_EQ(final_status["listeners"]["now"], 0);
	test::close_socket(sock);
	server->stop();
}

} // namespace
} // namespace sse_audio
