// `event: timing`: the capture time of the next audio event, framed once a second in the hub and once per listener
// before its first audio event (docs/protocol.md, "Timing").

#include "audio/audio_channel.hpp"
#include "audio/sse_format.hpp"
#include "audio/stream_hub.hpp"
#include "serve/stream_server.hpp"
#include "http_test_support.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;
using namespace test;

std::vector<uint8_t> mp3_bytes(uint64_t n)
{
	return {0xFF, 0xFB, 0x90, 0x64, static_cast<uint8_t>(n), static_cast<uint8_t>(n >> 8)};
}

struct Timing {
	int64_t capture_ms = 0;
	int64_t server_ms = 0;
};

// The fields of a timing block's data, which must be a JSON object with exactly these two integers.
std::optional<Timing> parse_timing(const std::string &data)
{
	const auto doc = nlohmann::json::parse(data, nullptr, false);
	if (doc.is_discarded() || !doc.is_object() || doc.size() != 2 || !doc.contains("capture_ms") ||
	    !doc.contains("server_ms") || !doc["capture_ms"].is_number_integer() ||
	    !doc["server_ms"].is_number_integer())
		return std::nullopt;
	return Timing{doc["capture_ms"].get<int64_t>(), doc["server_ms"].get<int64_t>()};
}

TEST(TimingEvent, FramesBothClocksAsOneJsonLine)
{
	EXPECT_EQ(format_sse_timing_event(1717171717171, 1717171717200),
		  "event: timing\ndata: {\"capture_ms\":1717171717171,\"server_ms\":1717171717200}\n\n");
	EXPECT_EQ(format_sse_timing_event(0, -5), "event: timing\ndata: {\"capture_ms\":0,\"server_ms\":-5}\n\n");
	const auto blocks = parse_sse(format_sse_timing_event(42, 43));
	ASSERT_EQ(blocks.size(), 1u);
	EXPECT_EQ(blocks[0].event, "timing");
	EXPECT_TRUE(blocks[0].id.empty()) << "a timing block carries no id, so it never moves Last-Event-ID";
	const auto timing = parse_timing(blocks[0].data);
	ASSERT_TRUE(timing);
	EXPECT_EQ(timing->capture_ms, 42);
	EXPECT_EQ(timing->server_ms, 43);
}

TEST(TimingEvent, HubPrependsTimingToEveryNthEventStartingWithTheFirst)
{
	HubConfig config;
	config.capacity_events = 64;
	config.burst_events = 4;
	config.first_id = 500;
	config.timing_every_events = 5;
	StreamHub hub(config);
	for (uint64_t i = 0; i < 12; i++) {
		const int64_t capture = 1'000'000 + static_cast<int64_t>(i) * 24;
		const int64_t before = wall_clock_ms();
		const HubEventPtr event = hub.publish(mp3_bytes(i), capture, 1152);
		const int64_t after = wall_clock_ms();
		const std::string audio_block = format_sse_audio_event(event->id, event->mp3);
		const bool expect_timed = i % 5 == 0;
		EXPECT_EQ(event->timed, expect_timed) << "event " << i;
		if (!expect_timed) {
			EXPECT_EQ(event->sse, audio_block) << "event " << i;
			continue;
		}
		// The timing block comes first and describes this very event: its data is its capture time.
		const auto blocks = parse_sse(event->sse);
		ASSERT_EQ(blocks.size(), 2u) << event->sse;
		EXPECT_EQ(blocks[0].event, "timing");
		EXPECT_EQ(blocks[1].event, "audio");
		EXPECT_EQ(blocks[1].id, std::to_string(500 + i));
		ASSERT_TRUE(event->sse.ends_with(audio_block));
		const auto timing = parse_timing(blocks[0].data);
		ASSERT_TRUE(timing) << blocks[0].data;
		EXPECT_EQ(timing->capture_ms, capture);
		EXPECT_GE(timing->server_ms, before);
		EXPECT_LE(timing->server_ms, after);
	}
}

TEST(TimingEvent, HubWithoutIntervalFramesAudioOnly)
{
	HubConfig config;
	config.first_id = 1;
	StreamHub hub(config);
	for (uint64_t i = 0; i < 3; i++) {
		const HubEventPtr event = hub.publish(mp3_bytes(i), 10, 1152);
		EXPECT_FALSE(event->timed);
		EXPECT_EQ(event->sse, format_sse_audio_event(event->id, event->mp3));
	}
}

TEST(TimingEvent, ChannelAsksForAboutOneTimingEventPerSecondOfAudio)
{
	// One 1152-sample frame per event: 24 ms at 48 kHz (42 events a second), 26.1 ms at 44.1 kHz (39).
	for (const auto &[rate, expected] : {std::pair{48000, size_t{42}}, std::pair{44100, size_t{39}}}) {
		ChannelConfig config;
		config.sample_rate = rate;
		auto channel = AudioChannel::start(config);
		ASSERT_TRUE(channel) << channel.error();
		EXPECT_EQ((*channel)->hub()->config().timing_every_events, expected) << rate << " Hz";
		(*channel)->stop();
	}
	ChannelConfig four;
	four.frames_per_event = 4; // 96 ms a event: 11 events a second
	auto channel = AudioChannel::start(four);
	ASSERT_TRUE(channel) << channel.error();
	EXPECT_EQ((*channel)->hub()->config().timing_every_events, 11u);
	(*channel)->stop();
}

// A real server on 127.0.0.1 serving a hub with timing every `kEvery` events.
class TimingServerTest : public ::testing::Test {
protected:
	static constexpr size_t kEvery = 6;

	void SetUp() override
	{
		HubConfig config;
		config.capacity_events = 64;
		config.burst_events = 4;
		config.first_id = 2000;
		config.timing_every_events = kEvery;
		hub_ = std::make_shared<StreamHub>(config);
		ServerConfig server_config;
		server_config.bind_address = "127.0.0.1";
		server_config.timeout_seconds = 5;
		server_config.max_listeners = 4;
		server_config.web_root = web_.web();
		server_config.heartbeat = 1000ms;
		auto started = start_on_free_port(server_config, hub_, [] { return ChannelStats{}; });
		ASSERT_TRUE(started.ok()) << "server did not start: " << started.error();
		server_ = std::move(*started);
		port_ = server_config.port;
	}

	void TearDown() override
	{
		if (server_)
			server_->stop();
	}

	// Publishes `count` events whose capture time is derived from their index.
	void publish(size_t count)
	{
		for (size_t i = 0; i < count; i++) {
			const int64_t n = static_cast<int64_t>(hub_->published());
			hub_->publish(mp3_bytes(static_cast<uint64_t>(n)), capture_of(n), 1152);
		}
	}
	static int64_t capture_of(int64_t index) { return 1'700'000'000'000 + index * 24; }

	TempWebRoot web_;
	std::shared_ptr<StreamHub> hub_;
	std::unique_ptr<StreamServer> server_;
	int port_ = 0;
};

// Checks the positional rule on a whole body: every timing block is followed directly by an audio event, and
// describes that event. Returns the indexes (among audio events) of the events that had one.
std::vector<size_t> timed_audio_indexes(const std::vector<SseBlock> &blocks, uint64_t first_id)
{
	std::vector<size_t> timed;
	size_t audio_seen = 0;
	for (size_t i = 0; i < blocks.size(); i++) {
		if (blocks[i].event == "audio") {
			audio_seen++;
			continue;
		}
		if (blocks[i].event != "timing")
			continue;
		EXPECT_LT(i + 1, blocks.size()) << "a timing block ends the stream";
		if (i + 1 >= blocks.size())
			break;
		EXPECT_EQ(blocks[i + 1].event, "audio") << "block " << i + 1 << " follows a timing block";
		const auto timing = parse_timing(blocks[i].data);
		EXPECT_TRUE(timing) << blocks[i].data;
		if (timing && blocks[i + 1].event == "audio") {
			const int64_t index = static_cast<int64_t>(std::stoull(blocks[i + 1].id) - first_id);
			EXPECT_EQ(timing->capture_ms, 1'700'000'000'000 + index * 24)
				<< "timing before id " << blocks[i + 1].id;
		}
		timed.push_back(audio_seen);
	}
	return timed;
}

TEST_F(TimingServerTest, NewListenerGetsTimingRightBeforeItsFirstAudioEvent)
{
	publish(8); // ids 2000..2007; 2000 and 2006 carry the shared timing block; the burst starts at 2004
	StreamClient listener(port_, "/stream");
	ASSERT_TRUE(listener.wait_for_body([](const std::string &b) { return count_audio_events(b) >= 4; }));
	const int64_t before = wall_clock_ms() - 5000;
	publish(kEvery * 2); // 2008..2019: 2012 and 2018 are timed
	ASSERT_TRUE(listener.wait_for_body([](const std::string &b) { return count_audio_events(b) >= 16; }));
	const int64_t after = wall_clock_ms();

	const auto blocks = parse_sse(listener.body());
	const auto audio = audio_events(listener.body());
	ASSERT_EQ(audio.size(), 16u);
	EXPECT_EQ(audio.front().id, "2004");
	// Before 2004 (own block for this listener), then the shared ones before 2006, 2012 and 2018.
	EXPECT_EQ(timed_audio_indexes(blocks, 2000), (std::vector<size_t>{0, 2, 8, 14}));
	for (const auto &block : blocks) {
		if (block.event != "timing")
			continue;
		const auto timing = parse_timing(block.data);
		ASSERT_TRUE(timing);
		EXPECT_GE(timing->server_ms, before);
		EXPECT_LE(timing->server_ms, after);
	}
}

TEST_F(TimingServerTest, ListenerWhoseFirstEventIsTimedGetsOnlyTheSharedBlock)
{
	publish(kEvery + 4); // 2000..2009; the burst is 2006..2009 and 2006 carries the shared block
	StreamClient listener(port_, "/stream");
	ASSERT_TRUE(listener.wait_for_body([](const std::string &b) { return count_audio_events(b) >= 4; }));
	const auto blocks = parse_sse(listener.body());
	EXPECT_EQ(audio_events(listener.body()).front().id, "2006");
	EXPECT_EQ(timed_audio_indexes(blocks, 2000), (std::vector<size_t>{0})) << listener.body();
}

TEST_F(TimingServerTest, ResumingListenerGetsTimingBeforeTheFirstResumedEvent)
{
	publish(10); // 2000..2009
	StreamClient listener(port_, "/stream", {{"Last-Event-ID", "2001"}});
	ASSERT_TRUE(listener.wait_for_body([](const std::string &b) { return count_audio_events(b) >= 8; }));
	const auto blocks = parse_sse(listener.body());
	EXPECT_EQ(audio_events(listener.body()).front().id, "2002");
	EXPECT_EQ(timed_audio_indexes(blocks, 2000), (std::vector<size_t>{0, 4}));
}

TEST_F(TimingServerTest, PlainMp3StreamCarriesNoTiming)
{
	publish(kEvery + 4);
	StreamClient listener(port_, "/stream.mp3");
	const size_t expected = 4 * mp3_bytes(0).size();
	ASSERT_TRUE(listener.wait_for_body([&](const std::string &b) { return b.size() >= expected; }));
	const std::string body = listener.body();
	EXPECT_EQ(body.size(), expected);
	EXPECT_EQ(body.find("timing"), std::string::npos);
	EXPECT_EQ(body.find("capture_ms"), std::string::npos);
}

} // namespace
} // namespace sse_audio
