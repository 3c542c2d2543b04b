// GET /stream.mp3 end to end: the plain MP3 stream radio players use, checked frame by frame and by ear.

#include "audio_events.hpp"
#include "host_test.hpp"

#include <sstream>

namespace sse_audio::itest {
namespace {

using namespace std::chrono_literals;

class Mp3StreamTest : public HostTest {};

TEST_F(Mp3StreamTest, DeliversWholeFramesOfTheToneInRealTime)
{
	HostProcess *host = start_tone_host();
	ASSERT_NE(host, nullptr);
	pause_for(1000ms);

	const Mp3StreamCapture capture = capture_mp3_stream(host->port(), 5s);
	ASSERT_TRUE(capture.opened) << capture.error;
	EXPECT_EQ(capture.head.status, 200);
	EXPECT_EQ(capture.head.header("Content-Type"), "audio/mpeg");
	// A plain body until the connection closes, as radio players expect (docs/protocol.md).
	EXPECT_EQ(capture.head.header("Transfer-Encoding"), "");
	EXPECT_EQ(capture.head.header("Connection"), "close");
	EXPECT_FALSE(capture.ended) << "the server ended the stream";

	// Back-to-back MPEG-1 Layer III frames from the first byte; only the last may be cut off by our stopping.
	const Mp3Walk walk = walk_mp3_frames(capture.bytes);
	EXPECT_TRUE(walk.whole || walk.truncated_end) << walk.problem;
	EXPECT_EQ(walk.bitrates, std::set<int>{128});
	EXPECT_EQ(walk.sample_rates, std::set<int>{48000});
	EXPECT_GE(walk.frames, 200u);

	const Mp3Decoder &decoder = *capture.decoder;
	ASSERT_TRUE(decoder.ok()) << decoder.error();
	EXPECT_EQ(decoder.sample_rate(), 48000);
	EXPECT_EQ(decoder.channels(), 2);
	const auto tail = decoded_tail(decoder, 2.0);
	const double hz = dominant_frequency(tail, 48000);
	EXPECT_NEAR(hz, 440.0, 3.0);
	EXPECT_GT(rms(tail), 0.05);

	const RateMeasurement rate = measure_rate(capture.arrivals, capture.connected + 1500ms, 48000);
	EXPECT_GE(rate.window_seconds, 3.0);
	EXPECT_NEAR(rate.ratio, 1.0, 0.05) << rate.audio_seconds << " s of audio in " << rate.window_seconds << " s";

	std::ostringstream figures;
	figures << "/stream.mp3: " << capture.bytes.size() << " bytes, " << walk.frames
		<< " frames, decoded rate ratio " << rate.ratio << " (" << rate.audio_seconds << " s audio in "
		<< rate.window_seconds << " s), tone " << hz << " Hz";
	report(figures.str());
}

} // namespace
} // namespace sse_audio::itest
