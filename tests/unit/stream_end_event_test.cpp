// `event: stopped`: the last block of every SSE response whose channel stopped, so that a player can tell
// "the broadcaster stopped" from "the network failed" (docs/protocol.md).

#include "serve/stream_server.hpp"
#include "http_test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;
using namespace test;

// Starts `server` on 127.0.0.1 serving `hub` from a free port.
::testing::AssertionResult start_serving(std::unique_ptr<StreamServer> &server, const std::shared_ptr<StreamHub> &hub,
					 const TempWebRoot &web, ServerConfig &config)
{
	config.bind_address = "127.0.0.1";
	config.web_root = web.web();
	config.heartbeat = 1000ms;
	auto started = start_on_free_port(config, hub, [] { return ChannelStats{}; });
	if (!started.ok())
		return ::testing::AssertionFailure() << started.error();
	server = std::move(*started);
	return ::testing::AssertionSuccess();
}

TEST(StreamEndEvent, ListenerGetsStoppedEventAfterTheLastAudioWhenTheChannelStops)
{
	HubConfig hub_config;
	hub_config.first_id = 300;
	hub_config.burst_events = 2;
	auto hub = std::make_shared<StreamHub>(hub_config);
	TempWebRoot web;
	std::unique_ptr<StreamServer> server;
	ServerConfig config;
	ASSERT_TRUE(start_serving(server, hub, web, config));

	hub->publish({0xFF, 0xFB, 0x90, 0x64}, 1000, 1152);
	StreamClient listener(config.port, "/stream");
	ASSERT_TRUE(listener.wait_for_body([](const std::string &b) { return count_audio_events(b) >= 1; }));
	EXPECT_EQ(listener.body().find("event: stopped"), std::string::npos) << "no stopped event while running";
	hub->publish({0xFF, 0xFB, 0x90, 0x64}, 1024, 1152); // the flushed tail, published just before close
	hub->close();
	ASSERT_TRUE(listener.wait_finished(3s)) << "the response ends when the channel stops";

	const auto blocks = parse_sse(listener.body());
	ASSERT_GE(blocks.size(), 3u);
	const SseBlock &stopped = blocks[blocks.size() - 2];
	EXPECT_EQ(stopped.event, "stopped");
	EXPECT_EQ(stopped.data, "{}");
	EXPECT_TRUE(stopped.id.empty()) << "the stopped event must not move Last-Event-ID";
	EXPECT_EQ(blocks[blocks.size() - 3].event, "audio") << "every audio event comes before it";
	EXPECT_EQ(blocks[blocks.size() - 3].id, "301");
	ASSERT_EQ(blocks.back().comments.size(), 1u);
	EXPECT_EQ(blocks.back().comments[0], " stream stopped");
	EXPECT_EQ(count_audio_events(listener.body()), 2u);
	server->stop();
}

TEST(StreamEndEvent, ListenerGetsStoppedEventWhenTheServerStops)
{
	// The output stops the server right after the channel: a listener between two reads must still be told.
	HubConfig hub_config;
	hub_config.first_id = 10;
	auto hub = std::make_shared<StreamHub>(hub_config);
	TempWebRoot web;
	std::unique_ptr<StreamServer> server;
	ServerConfig config;
	ASSERT_TRUE(start_serving(server, hub, web, config));
	hub->publish({0xFF, 0xFB, 0x90, 0x64}, 1000, 1152);
	StreamClient listener(config.port, "/stream");
	ASSERT_TRUE(listener.wait_for_body([](const std::string &b) { return count_audio_events(b) >= 1; }));
	server->stop(); // the hub stays open: only the server's stop ends the stream
	ASSERT_TRUE(listener.wait_finished(3s));
	const auto blocks = parse_sse(listener.body());
	ASSERT_GE(blocks.size(), 2u);
	EXPECT_EQ(blocks[blocks.size() - 2].event, "stopped") << listener.body();
}

} // namespace
} // namespace sse_audio
