// Channels (docs/channels.md): three tones on three OBS tracks, one channel each. Every channel's SSE stream and
// MP3 stream decode to its own tone and to nothing of the others'; /channels.json and /status.json list them; an
// unknown channel is a 404; a seventh channel is refused with a message.

#include "audio_analysis.hpp"
#include "audio_events.hpp"
#include "host_test.hpp"
#include "sse_reader.hpp"

#include <sstream>
#include <string>
#include <vector>

namespace sse_audio::itest {
namespace {

using namespace std::chrono_literals;

struct ChannelTone {
	const char *id;
	const char *name;
	int track; // 1-based, as the host's flags
	double hz;
};

constexpr ChannelTone kChannels[] = {
	{"floor", "Floor", 1, 440.0},
	{"en", "English", 2, 660.0},
	{"fr", "Français", 3, 880.0},
};

std::vector<std::string> three_channel_host_args()
{
	std::vector<std::string> args;
	for (const ChannelTone &c : kChannels) {
		args.insert(args.end(), {"--track-tone", std::to_string(c.track) + ":" + std::to_string(int(c.hz))});
		args.insert(args.end(),
			    {"--channel", std::string(c.id) + ":" + std::to_string(c.track) + ":" + c.name});
	}
	return args;
}

// The tail of a channel's decoded sound holds its own tone and none of the others'.
void expect_only_its_tone(std::span<const float> tail, const ChannelTone &own, const std::string &how)
{
	const double level = tone_level(tail, 48000, own.hz);
	EXPECT_GT(level, 0.05) << how << ": " << own.id << "'s " << own.hz << " Hz is not there";
	EXPECT_NEAR(dominant_frequency(tail, 48000), own.hz, 3.0) << how << ": " << own.id;
	for (const ChannelTone &other : kChannels) {
		if (other.hz == own.hz)
			continue;
		// 40 dB below: a track that leaked into another channel would be as loud as its own.
		EXPECT_LT(tone_level(tail, 48000, other.hz), level / 100)
			<< how << ": " << other.hz << " Hz (" << other.id << ") is heard in " << own.id;
	}
}

class ChannelsTest : public HostTest {};

TEST_F(ChannelsTest, EachChannelCarriesItsOwnTrackOnly)
{
	HostProcess *host = start_tone_host(three_channel_host_args());
	ASSERT_NE(host, nullptr);
	pause_for(1000ms);

	std::ostringstream figures;
	for (const ChannelTone &c : kChannels) {
		const std::string query = std::string("?channel=") + c.id;

		std::string error;
		auto client = SseClient::open(host->port(), "/stream" + query, {}, 5s, &error);
		ASSERT_TRUE(client) << error;
		ASSERT_TRUE(client->read_until(client->connected_at() + 2500ms)) << describe(*host);
		const AudioEvents audio = check_audio_events(client->parser().events());
		EXPECT_EQ(audio.problem_count, 0u) << audio.problems_text();
		ASSERT_GE(audio.events.size(), 40u) << c.id;
		ASSERT_TRUE(audio.decoder->ok()) << audio.decoder->error();
		const auto sse_tail = decoded_tail(*audio.decoder, 1.0);
		expect_only_its_tone(sse_tail, c, "SSE");

		const Mp3StreamCapture mp3 = capture_mp3_stream(host->port(), 2500ms, "/stream.mp3" + query);
		ASSERT_TRUE(mp3.opened) << mp3.error;
		EXPECT_EQ(mp3.head.status, 200);
		ASSERT_TRUE(mp3.decoder->ok()) << mp3.decoder->error();
		const auto mp3_tail = decoded_tail(*mp3.decoder, 1.0);
		expect_only_its_tone(mp3_tail, c, "MP3");
		figures << c.id << ": " << tone_level(mp3_tail, 48000, c.hz) << " at " << c.hz << " Hz; ";
	}

	// No channel named: the first.
	const Mp3StreamCapture plain = capture_mp3_stream(host->port(), 2000ms);
	ASSERT_TRUE(plain.opened) << plain.error;
	ASSERT_TRUE(plain.decoder->ok()) << plain.decoder->error();
	expect_only_its_tone(decoded_tail(*plain.decoder, 1.0), kChannels[0], "no ?channel=");
	report(figures.str());
}

TEST_F(ChannelsTest, ListsTheChannelsAndRefusesAnUnknownOne)
{
	HostProcess *host = start_tone_host(three_channel_host_args());
	ASSERT_NE(host, nullptr);
	std::string error;
	auto listeners = SseClient::open(host->port(), "/stream?channel=en", {}, 5s, &error);
	ASSERT_TRUE(listeners) << error;
	ASSERT_TRUE(listeners->read_events(3, Clock::now() + 5s));

	const auto list = http_get(host->port(), "/channels.json", 5s, &error);
	ASSERT_TRUE(list) << error;
	EXPECT_EQ(list->head.status, 200);
	const auto channels = nlohmann::json::parse(list->body, nullptr, false);
	ASSERT_TRUE(channels.contains("channels")) << list->body;
	ASSERT_EQ(channels["channels"].size(), std::size(kChannels)) << list->body;
	for (size_t i = 0; i < std::size(kChannels); i++) {
		EXPECT_EQ(channels["channels"][i]["id"], kChannels[i].id);
		EXPECT_EQ(channels["channels"][i]["name"], kChannels[i].name);
		EXPECT_EQ(channels["channels"][i]["listeners"], std::string(kChannels[i].id) == "en" ? 1 : 0);
	}

	const auto status = fetch_status(host->port(), &error);
	ASSERT_TRUE(status) << error;
	EXPECT_EQ((*status)["channels"], 2) << "the stream's audio channels (stereo), as before channels existed";
	ASSERT_EQ((*status)["per_channel"].size(), std::size(kChannels));
	for (const auto &channel : (*status)["per_channel"]) {
		EXPECT_TRUE(channel["running"].get<bool>()) << channel.dump();
		EXPECT_GT(channel["events"]["published"].get<uint64_t>(), 0u) << channel.dump();
		EXPECT_EQ(channel["drops"]["pcm_frames"], 0) << channel.dump();
	}
	EXPECT_EQ((*status)["listeners"]["now"], 1);

	for (const char *target : {"/stream?channel=de", "/stream.mp3?channel=de", "/stream?channel="}) {
		const auto refused = http_get(host->port(), target, 5s, &error);
		ASSERT_TRUE(refused) << target << ": " << error;
		EXPECT_EQ(refused->head.status, 404) << target;
	}
}

TEST_F(ChannelsTest, ASeventhChannelIsRefusedWithAMessage)
{
	std::vector<std::string> args = {"--tone", "440"};
	for (int i = 1; i <= 7; i++)
		args.insert(args.end(), {"--channel", "c" + std::to_string(i) + ":" + std::to_string((i - 1) % 6 + 1) +
							      ":Channel " + std::to_string(i)});
	HostProcess &host = launch(args);
	const auto line = host.wait_for_start(kStartTimeout);
	ASSERT_TRUE(line) << describe(host);
	EXPECT_EQ(line->rfind("START FAILED: ", 0), 0u) << *line;
	EXPECT_NE(line->find("At most 6 channels"), std::string::npos) << *line;
	EXPECT_FALSE(can_connect(host.port(), 500ms)) << "a refused start opens no port";
}

} // namespace
} // namespace sse_audio::itest
