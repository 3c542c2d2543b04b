// What the relay publishes for hub events: the same event names and data as the plugin's own stream, a timing
// message before the audio it describes, and merged audio when several events wait.

#include "relay/relay_messages.hpp"

#include "base/base64.hpp"
#include "audio/stream_hub.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sse_audio {
namespace {

// A hub with timing every `timing_every` events, holding `count` published events of distinct bytes.
std::vector<HubEventPtr> publish(size_t count, size_t timing_every)
{
	HubConfig config;
	config.first_id = 500;
	config.timing_every_events = timing_every;
	StreamHub hub(config);
	std::vector<HubEventPtr> events;
	for (size_t i = 0; i < count; i++) {
		std::vector<uint8_t> mp3(10 + i, static_cast<uint8_t>(0x40 + i));
		events.push_back(hub.publish(std::move(mp3), 1'700'000'000'000 + static_cast<int64_t>(i) * 24, 1152));
	}
	return events;
}

TEST(RelayMessages, SseFieldReadsTheNamedLineOfTheNthBlock)
{
	const std::string sse = "event: timing\ndata: {\"a\":1}\n\nid: 7\nevent: audio\ndata: QUJD\n\n";
	EXPECT_EQ(sse_field(sse, "event"), "timing");
	EXPECT_EQ(sse_field(sse, "data"), "{\"a\":1}");
	EXPECT_EQ(sse_field(sse, "data", 1), "QUJD");
	EXPECT_EQ(sse_field(sse, "id", 1), "7");
	EXPECT_EQ(sse_field(sse, "id"), "");
	EXPECT_EQ(sse_field(sse, "data", 2), "");
}

TEST(RelayMessages, OneEventAtATimeKeepsThePluginsOwnData)
{
	const auto events = publish(3, 2); // timing on 0 and 2
	std::vector<RelayMessage> all;
	for (const auto &event : events) {
		auto messages = relay_messages(std::span(&event, 1), 16);
		all.insert(all.end(), messages.begin(), messages.end());
	}
	ASSERT_EQ(all.size(), 5u);
	EXPECT_EQ(all[0].event, "timing");
	EXPECT_EQ(all[0].data, std::string(sse_field(events[0]->sse, "data")));
	EXPECT_NE(all[0].data.find("\"capture_ms\":1700000000000"), std::string::npos);
	EXPECT_EQ(all[1].event, "audio");
	EXPECT_EQ(all[1].data, base64_encode(events[0]->mp3));
	EXPECT_EQ(all[1].last_hub_id, 500u);
	EXPECT_EQ(all[1].hub_events, 1u);
	EXPECT_EQ(all[2].event, "audio");
	EXPECT_EQ(all[2].data, base64_encode(events[1]->mp3));
	EXPECT_EQ(all[3].event, "timing");
	EXPECT_EQ(all[4].data, base64_encode(events[2]->mp3));
	EXPECT_EQ(all[4].last_hub_id, 502u);
}

TEST(RelayMessages, WaitingEventsMergeUpToTheLimitAndBreakAtTiming)
{
	const auto events = publish(10, 6); // timing on 0 and 6
	const auto messages = relay_messages(events, 4);
	// timing, audio 0-3, audio 4-5, timing, audio 6-9
	ASSERT_EQ(messages.size(), 5u);
	EXPECT_EQ(messages[0].event, "timing");
	EXPECT_EQ(messages[1].hub_events, 4u);
	EXPECT_EQ(messages[1].last_hub_id, 503u);
	EXPECT_EQ(messages[1].capture_ms, events[0]->capture_ms);
	EXPECT_EQ(messages[2].hub_events, 2u);
	EXPECT_EQ(messages[3].event, "timing");
	EXPECT_EQ(messages[3].data, std::string(sse_field(events[6]->sse, "data")));
	EXPECT_EQ(messages[4].hub_events, 4u);
	EXPECT_EQ(messages[4].last_hub_id, 509u);

	// The merged data is the frames in order, decodable as one payload.
	const auto decoded = base64_decode(messages[1].data);
	ASSERT_TRUE(decoded);
	std::vector<uint8_t> expected;
	for (size_t i = 0; i < 4; i++)
		expected.insert(expected.end(), events[i]->mp3.begin(), events[i]->mp3.end());
	EXPECT_EQ(*decoded, expected);
	uint32_t carried = 0;
	for (const auto &m : messages)
		carried += m.hub_events;
	EXPECT_EQ(carried, 10u);
}

TEST(RelayMessages, StoppedIsTheProtocolsEndEvent)
{
	const RelayMessage stopped = relay_stopped_message();
	EXPECT_EQ(stopped.event, "stopped");
	EXPECT_EQ(stopped.data, "{}");
	EXPECT_EQ(stopped.hub_events, 0u);
}

} // namespace
} // namespace sse_audio
