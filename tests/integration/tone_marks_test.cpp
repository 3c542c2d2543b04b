// --tone-marks: the host announces each mark of the tone as `MARK <capture_ms>`. Checked against the stream itself:
// the marks heard in the decoded audio, timed by the stream's own timing events, must fall where the MARK lines
// say, so that a listener's delay measured from MARK lines is the delay on the plugin's reference.

#include "audio_events.hpp"
#include "host_test.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

namespace sse_audio::itest {
namespace {

using namespace std::chrono_literals;

constexpr int kRate = 48000;
constexpr double kToneHz = 440;
constexpr int64_t kEveryMs = 500;

class ToneMarksTest : public HostTest {};

// An audio event's first decoded frame and the capture time of that frame (docs/protocol.md: a timing event gives
// the next audio event's, each later one starts where the previous one ended).
struct TimedEvent {
	uint64_t first_frame = 0;
	uint64_t frames = 0;
	double capture_ms = 0;
};

std::vector<TimedEvent> time_audio_events(const std::vector<SseEvent> &sse, const AudioEvents &audio)
{
	std::vector<TimedEvent> timed;
	std::optional<double> next_capture;
	uint64_t frame = 0;
	size_t index = 0;
	for (const SseEvent &event : sse) {
		if (event.type == "timing") {
			const auto doc = nlohmann::json::parse(event.data, nullptr, false);
			if (!doc.is_discarded() && doc.contains("capture_ms"))
				next_capture = doc["capture_ms"].get<double>();
		} else if (event.type == "audio" && index < audio.events.size()) {
			const uint64_t frames = audio.events[index++].walk.samples;
			if (next_capture)
				timed.push_back({frame, frames, *next_capture});
			next_capture = next_capture ? std::optional(*next_capture + double(frames) * 1000.0 / kRate)
						    : std::nullopt;
			frame += frames;
		}
	}
	return timed;
}

// Amplitude of `hz` in a Hann-windowed stretch (Goertzel).
double amplitude_at(std::span<const float> samples, double hz)
{
	const double omega = 2.0 * std::numbers::pi * hz / kRate;
	const double coefficient = 2.0 * std::cos(omega);
	double s1 = 0;
	double s2 = 0;
	const auto n = static_cast<double>(samples.size());
	for (size_t i = 0; i < samples.size(); i++) {
		const double window = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * double(i) / (n - 1));
		const double s0 = double(samples[i]) * window + coefficient * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	return std::sqrt(s1 * s1 + s2 * s2 - coefficient * s1 * s2);
}

// Decoded frames at which a mark begins: where a 10 ms window's centre passes from the tone to twice the tone (the
// two amplitudes are equal when the change sits at the centre of the window), with 40 ms of steady tone before and
// of mark after: a gap in the audio (libobs mixes a block without a source that came too late) is no mark.
std::vector<double> mark_onsets(std::span<const float> left)
{
	constexpr size_t kWindow = kRate / 100;
	constexpr size_t kHop = kRate / 2000; // 0.5 ms
	constexpr size_t kSteadyHops = 80;    // 40 ms
	struct Hop {
		double share = 0; // of the mark in the sound
		double level = 0;
	};
	std::vector<Hop> hops;
	for (size_t at = 0; at + kWindow <= left.size(); at += kHop) {
		const auto window = left.subspan(at, kWindow);
		const double tone = amplitude_at(window, kToneHz);
		const double mark = amplitude_at(window, 2 * kToneHz);
		hops.push_back({mark / (tone + mark + 1e-12), tone + mark});
	}
	if (hops.size() < 2 * kSteadyHops)
		return {};
	std::vector<double> levels;
	for (const Hop &hop : hops)
		levels.push_back(hop.level);
	// Never empty here (hops is not): said again for GCC 14, whose -Wnull-dereference cannot see it.
	if (levels.empty())
		return {};
	const auto middle = levels.begin() + static_cast<std::ptrdiff_t>(levels.size() / 2);
	std::nth_element(levels.begin(), middle, levels.end());
	const double loud = *middle / 2;
	const auto steady = [&](size_t from, size_t to, bool mark) {
		for (size_t i = from; i < to; i++) {
			if (hops[i].level < loud || (hops[i].share >= 0.5) != mark)
				return false;
		}
		return true;
	};
	std::vector<double> onsets;
	for (size_t i = kSteadyHops; i + kSteadyHops <= hops.size(); i++) {
		if (!steady(i - kSteadyHops, i, false) || !steady(i, i + kSteadyHops, true))
			continue;
		// Between the two window positions, where the share crosses one half.
		const double before = hops[i - 1].share;
		const double fraction = (0.5 - before) / (hops[i].share - before);
		onsets.push_back(double(i - 1) * kHop + fraction * kHop + double(kWindow) / 2);
	}
	return onsets;
}

std::optional<double> capture_ms_of(const std::vector<TimedEvent> &timed, double frame)
{
	for (const TimedEvent &event : timed) {
		if (frame >= double(event.first_frame) && frame < double(event.first_frame + event.frames))
			return event.capture_ms + (frame - double(event.first_frame)) * 1000.0 / kRate;
	}
	return std::nullopt;
}

TEST_F(ToneMarksTest, MarkLinesGiveTheCaptureTimesTheStreamCarries)
{
	HostProcess *host = start_tone_host({"--tone", "440", "--tone-marks", std::to_string(kEveryMs)});
	ASSERT_NE(host, nullptr);
	// Past the start, where libobs may add audio buffering once (which moves the mix in time).
	pause_for(1500ms);

	std::string error;
	auto client = SseClient::open(host->port(), "/stream", {}, 5s, &error);
	ASSERT_TRUE(client) << error;
	EXPECT_TRUE(client->read_until(client->connected_at() + 5s)) << "the stream ended early";
	// The MARK line of the last mark heard comes when the mark reaches the mix: after OBS's audio buffering (about
	// 130 ms here) and one more block.
	pause_for(500ms);

	std::vector<int64_t> marks;
	for (const auto &line : host->lines()) {
		if (line.rfind("MARK ", 0) == 0)
			marks.push_back(std::stoll(line.substr(5)));
	}
	ASSERT_GE(marks.size(), 10u) << "expected a MARK line every " << kEveryMs << " ms";
	// Marks follow the tone's sample clock; their capture times, OBS's audio thread's wake-ups (a block is
	// stamped when it reaches the output), which wander by a few ms. And a block (21 ms) is added whenever a chunk
	// of the tone came too late for its block: libobs then mixes that block without the tone and plays the tone
	// a block later from there on, which is what the plugin streams too.
	std::vector<int64_t> intervals;
	for (size_t i = 1; i < marks.size(); i++)
		intervals.push_back(marks[i] - marks[i - 1]);
	std::vector<int64_t> sorted = intervals;
	std::sort(sorted.begin(), sorted.end());
	EXPECT_NEAR(double(sorted[sorted.size() / 2]), double(kEveryMs), 3.0);
	for (const int64_t interval : intervals)
		EXPECT_NEAR(double(interval), double(kEveryMs), 60.0) << "between two MARK lines";

	const SseParser &sse = client->parser();
	const AudioEvents audio = check_audio_events(sse.events());
	ASSERT_EQ(audio.problem_count, 0u) << audio.problems_text();
	ASSERT_TRUE(audio.decoder->ok()) << audio.decoder->error();
	const std::vector<TimedEvent> timed = time_audio_events(sse.events(), audio);
	ASSERT_FALSE(timed.empty()) << "no timing event before the audio";

	const std::vector<double> onsets = mark_onsets(audio.decoder->left());
	std::vector<double> heard;
	for (const double onset : onsets) {
		if (const auto ms = capture_ms_of(timed, onset))
			heard.push_back(*ms);
	}
	ASSERT_GE(heard.size(), 8u) << "marks found in the decoded stream";
	// Each mark heard in the stream against the nearest MARK line. The decoded onset is blurred by the codec's
	// 576-frame transform (a few ms), and a block's stamp can differ from the stream's steady count of frames
	// from its last timing event by the audio thread's wake-up jitter; a wrong reference would be off by a
	// block (21 ms) or by the codec's delay (about 23 ms).
	std::ostringstream figures;
	figures << "MARK intervals (ms):";
	for (const int64_t interval : intervals)
		figures << " " << interval;
	figures << "; heard - MARK (ms):";
	size_t matched = 0;
	for (const double ms : heard) {
		const auto nearest = std::min_element(marks.begin(), marks.end(), [ms](int64_t a, int64_t b) {
			return std::abs(double(a) - ms) < std::abs(double(b) - ms);
		});
		const double difference = ms - double(*nearest);
		figures << " " << std::lround(difference);
		if (std::abs(difference) > 100)
			continue; // a mark heard outside the MARK lines' span
		matched++;
		EXPECT_NEAR(difference, 0.0, 5.0) << "mark heard at " << std::llround(ms) << " ms";
	}
	report(figures.str());
	EXPECT_GE(matched, 8u);
}

} // namespace
} // namespace sse_audio::itest
