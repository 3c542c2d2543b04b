// Settings that change what goes on the wire: OBS's sample rate and the MP3 bitrate, and a refused bitrate.

#include "audio_events.hpp"
#include "host_test.hpp"
#include "sse_reader.hpp"

#include <sstream>

namespace sse_audio::itest {
namespace {

using namespace std::chrono_literals;

class OutputSettingsTest : public HostTest {
protected:
	// Listens to /stream for `duration` and checks framing; the caller checks rates and sound.
	AudioEvents listen(HostProcess &host, std::chrono::milliseconds duration, Clock::time_point *connected)
	{
		std::string error;
		auto client = SseClient::open(host.port(), "/stream", {}, 5s, &error);
		if (!client) {
			ADD_FAILURE() << error;
			return {};
		}
		*connected = client->connected_at();
		EXPECT_TRUE(client->read_until(client->connected_at() + duration));
		AudioEvents audio = check_audio_events(client->parser().events());
		EXPECT_EQ(audio.problem_count, 0u) << audio.problems_text();
		std::string gap;
		EXPECT_TRUE(audio.ids_consecutive(&gap)) << gap;
		return audio;
	}
};

TEST_F(OutputSettingsTest, StreamsAt44100WhenObsRunsAt44100)
{
	// 96 kbps at 44.1 kHz makes frames of 313 and 314 bytes, so both kinds of base64 padding go over the wire
	// (48 kHz frames at 128 kbps are 384 bytes: never padded).
	HostProcess *host = start_tone_host({"--sample-rate", "44100", "--bitrate", "96"});
	ASSERT_NE(host, nullptr);
	pause_for(700ms);
	Clock::time_point connected;
	const AudioEvents audio = listen(*host, 4500ms, &connected);
	ASSERT_GE(audio.events.size(), 60u);
	EXPECT_EQ(audio.sample_rates, std::set<int>{44100});
	EXPECT_EQ(audio.bitrates, std::set<int>{96});
	ASSERT_TRUE(audio.decoder->ok()) << audio.decoder->error();
	EXPECT_EQ(audio.decoder->sample_rate(), 44100);
	const auto tail = decoded_tail(*audio.decoder, 1.5);
	const double hz = dominant_frequency(tail, 44100);
	EXPECT_NEAR(hz, 440.0, 3.0);
	EXPECT_GT(rms(tail), 0.05);
	const RateMeasurement rate = measure_rate(audio.arrivals, connected + 1500ms, 44100);
	EXPECT_NEAR(rate.ratio, 1.0, 0.05) << rate.audio_seconds << " s of audio in " << rate.window_seconds << " s";

	const auto status = fetch_status(host->port(), nullptr);
	ASSERT_TRUE(status);
	EXPECT_EQ((*status)["sample_rate"], 44100);

	std::ostringstream figures;
	figures << "44.1 kHz: tone " << hz << " Hz, decoded rate ratio " << rate.ratio;
	report(figures.str());
}

TEST_F(OutputSettingsTest, StreamsAt320Kbps)
{
	HostProcess *host = start_tone_host({"--bitrate", "320"});
	ASSERT_NE(host, nullptr);
	Clock::time_point connected;
	const AudioEvents audio = listen(*host, 2000ms, &connected);
	ASSERT_GE(audio.events.size(), 30u);
	EXPECT_EQ(audio.bitrates, std::set<int>{320});
	EXPECT_EQ(audio.sample_rates, std::set<int>{48000});
	ASSERT_TRUE(audio.decoder->ok()) << audio.decoder->error();
	EXPECT_NEAR(dominant_frequency(decoded_tail(*audio.decoder, 1.0), 48000), 440.0, 3.0);
	const auto status = fetch_status(host->port(), nullptr);
	ASSERT_TRUE(status);
	EXPECT_EQ((*status)["bitrate_kbps"], 320);
}

TEST_F(OutputSettingsTest, RefusesABitrateMp3DoesNotHave)
{
	HostProcess &host = launch({"--tone", "440", "--bitrate", "100"});
	const auto line = host.wait_for_start(kStartTimeout);
	ASSERT_TRUE(line.has_value()) << "the host printed neither READY nor START FAILED";
	EXPECT_EQ(line->rfind("START FAILED: ", 0), 0u) << *line;
	EXPECT_NE(line->find("itrate"), std::string::npos) << "the message should be about the bitrate: " << *line;
	EXPECT_NE(line->find("100"), std::string::npos) << "the message should name the refused value: " << *line;
	const auto code = host.wait_exit(kCommandTimeout);
	ASSERT_TRUE(code.has_value()) << "the host did not exit after failing to start";
	EXPECT_NE(*code, 0);
	EXPECT_FALSE(can_connect(host.port(), 500ms)) << "nothing should listen after a refused start";
}

} // namespace
} // namespace sse_audio::itest
