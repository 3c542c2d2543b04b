// GET /stream end to end: real libobs mixes a 440 Hz tone, the plugin encodes and frames it, and we listen the way
// EventSource does, then decode what arrived.

#include "audio_events.hpp"
#include "host_test.hpp"
#include "sse_reader.hpp"

#include <algorithm>
#include <sstream>

namespace sse_audio::itest {
namespace {

using namespace std::chrono_literals;

class SseStreamTest : public HostTest {};

// The smallest RMS of consecutive 100 ms blocks: a hole or a burst of silence anywhere shows up here.
double min_block_rms(std::span<const float> samples, int rate)
{
	const size_t block = static_cast<size_t>(rate / 10);
	double lowest = 1e9;
	for (size_t at = 0; at + block <= samples.size(); at += block)
		lowest = std::min(lowest, rms(samples.subspan(at, block)));
	return samples.size() < block ? 0 : lowest;
}

TEST_F(SseStreamTest, DeliversConsecutiveDecodableAudioInRealTime)
{
	HostProcess *host = start_tone_host();
	ASSERT_NE(host, nullptr);
	pause_for(1000ms); // the ring holds more than a burst by now

	std::string error;
	auto client = SseClient::open(host->port(), "/stream", {}, 5s, &error);
	ASSERT_TRUE(client) << error;
	EXPECT_EQ(client->head().status, 200);
	EXPECT_EQ(client->head().header("Content-Type").rfind("text/event-stream", 0), 0u)
		<< "Content-Type: " << client->head().header("Content-Type");
	EXPECT_NE(client->head().header("Cache-Control").find("no-cache"), std::string::npos);

	const auto t0 = client->connected_at();
	EXPECT_TRUE(client->read_until(t0 + 6s)) << "the stream ended early";
	const SseParser &sse = client->parser();

	// Framing: `retry:` and a comment come first; no field EventSource would not understand.
	ASSERT_TRUE(sse.retry_ms().has_value()) << "no retry: line";
	EXPECT_EQ(sse.events_before_retry(), 0u);
	EXPECT_GT(*sse.retry_ms(), 0);
	ASSERT_FALSE(sse.comments().empty());
	EXPECT_EQ(sse.comments().front().events_before, 0u);
	EXPECT_TRUE(sse.unknown_lines().empty()) << "first unknown line: " << sse.unknown_lines().front();

	AudioEvents audio = check_audio_events(sse.events());
	// 0.5 s of burst and 6 s live at 24 ms per frame is about 270 frames.
	ASSERT_GE(audio.events.size(), 150u);
	EXPECT_EQ(audio.problem_count, 0u) << audio.problems_text();
	std::string gap;
	EXPECT_TRUE(audio.ids_consecutive(&gap)) << gap;
	EXPECT_EQ(audio.bitrates, std::set<int>{128});
	EXPECT_EQ(audio.sample_rates, std::set<int>{48000});
	EXPECT_GE(audio.mp3_frames, 250u);
	EXPECT_LE(audio.mp3_frames, 300u);

	// A new listener gets recent audio at once, then the live edge.
	const auto first = audio.events.front().arrived;
	const auto burst = std::count_if(audio.events.begin(), audio.events.end(),
					 [first](const AudioEvent &e) { return e.arrived - first < 150ms; });
	EXPECT_GE(burst, 15) << "expected a burst of about 0.5 s (21 frames) right after connecting";

	// The sound: every frame decodes, 440 Hz on both channels, no silent stretch after the start.
	const Mp3Decoder &decoder = *audio.decoder;
	ASSERT_TRUE(decoder.ok()) << decoder.error();
	EXPECT_EQ(decoder.sample_rate(), 48000);
	EXPECT_EQ(decoder.channels(), 2);
	EXPECT_EQ(decoder.format_changes(), 0);
	EXPECT_NEAR(static_cast<double>(decoder.frames()), static_cast<double>(audio.mp3_frames * 1152), 1152.0)
		<< "every MPEG frame should decode to 1152 samples";
	const auto tail = decoded_tail(decoder, 2.0);
	const double left_hz = dominant_frequency(tail, 48000);
	const auto right_tail = std::span<const float>(decoder.right()).subspan(decoder.frames() - tail.size());
	const double right_hz = dominant_frequency(right_tail, 48000);
	const double level = rms(tail);
	EXPECT_NEAR(left_hz, 440.0, 3.0);
	EXPECT_NEAR(right_hz, 440.0, 3.0);
	EXPECT_GT(level, 0.05) << "the tone is -12 dBFS (RMS about 0.18); this is near silence";
	const auto steady = std::span<const float>(decoder.left()).subspan(std::min<size_t>(4800, decoder.frames()));
	const double quietest = min_block_rms(steady, 48000);
	EXPECT_GT(quietest, 0.05) << "a 100 ms stretch of the stream is (nearly) silent";

	// Real time: after the burst, audio arrives exactly as fast as the wall clock runs.
	const RateMeasurement rate = measure_rate(audio.arrivals, t0 + 1500ms, 48000);
	EXPECT_GE(rate.window_seconds, 4.0);
	EXPECT_NEAR(rate.ratio, 1.0, 0.05) << rate.audio_seconds << " s of audio in " << rate.window_seconds << " s";

	std::ostringstream figures;
	figures << "/stream: " << audio.events.size() << " events, " << audio.mp3_frames << " frames, burst " << burst
		<< " events, decoded rate ratio " << rate.ratio << " (" << rate.audio_seconds << " s audio in "
		<< rate.window_seconds << " s), tone " << left_hz << " Hz (zero crossings "
		<< zero_crossing_frequency(tail, 48000) << " Hz), RMS " << level << ", quietest 100 ms RMS "
		<< quietest;
	report(figures.str());
}

TEST_F(SseStreamTest, ResumesAfterLastEventId)
{
	HostProcess *host = start_tone_host();
	ASSERT_NE(host, nullptr);
	std::string error;

	auto first = SseClient::open(host->port(), "/stream", {}, 5s, &error);
	ASSERT_TRUE(first) << error;
	ASSERT_TRUE(first->read_events(40, Clock::now() + 5s));
	first->close();
	const AudioEvents before = check_audio_events(first->parser().events());
	ASSERT_EQ(before.problem_count, 0u) << before.problems_text();
	const uint64_t last = before.events.back().id;
	EXPECT_EQ(first->parser().last_event_id(), std::to_string(last));

	// EventSource reconnects after `retry` ms and sends the last id it saw in a header.
	pause_for(300ms);
	auto again = SseClient::open(host->port(), "/stream", {{"Last-Event-ID", std::to_string(last)}}, 5s, &error);
	ASSERT_TRUE(again) << error;
	ASSERT_TRUE(again->read_events(30, Clock::now() + 5s));
	const AudioEvents resumed = check_audio_events(again->parser().events());
	EXPECT_EQ(resumed.problem_count, 0u) << resumed.problems_text();
	EXPECT_EQ(resumed.events.front().id, last + 1) << "the stream should continue right after Last-Event-ID";
	std::string gap;
	EXPECT_TRUE(resumed.ids_consecutive(&gap)) << gap;
	again->close();

	// Clients that cannot set headers pass the id in the query.
	const uint64_t last2 = resumed.events.back().id;
	pause_for(200ms);
	auto query = SseClient::open(host->port(), "/stream?lastEventId=" + std::to_string(last2), {}, 5s, &error);
	ASSERT_TRUE(query) << error;
	ASSERT_TRUE(query->read_events(5, Clock::now() + 5s));
	const AudioEvents by_query = check_audio_events(query->parser().events());
	EXPECT_EQ(by_query.events.front().id, last2 + 1);

	// The resumed audio decodes on its own (every event starts with a whole frame).
	ASSERT_TRUE(resumed.decoder->ok()) << resumed.decoder->error();
	EXPECT_NEAR(dominant_frequency(decoded_tail(*resumed.decoder, 0.5), 48000), 440.0, 3.0);
}

} // namespace
} // namespace sse_audio::itest
