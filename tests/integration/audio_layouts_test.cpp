// OBS running at either sample rate with a mono or a 5.1 speaker layout: the output always streams stereo MP3 at
// OBS's rate, and the 440 Hz tone comes out as 440 Hz at the right speed.

#include "audio_analysis.hpp"
#include "audio_events.hpp"
#include "host_test.hpp"
#include "sse_reader.hpp"

#include <sstream>
#include <string>
#include <tuple>

namespace sse_audio::itest {
namespace {

using namespace std::chrono_literals;

class AudioLayoutTest : public HostTest, public ::testing::WithParamInterface<std::tuple<int, std::string>> {};

TEST_P(AudioLayoutTest, StreamsTheToneAtObsRate)
{
	const auto [rate, speakers] = GetParam();
	HostProcess *host = start_tone_host({"--sample-rate", std::to_string(rate), "--speakers", speakers});
	ASSERT_NE(host, nullptr);
	pause_for(500ms);

	std::string error;
	auto client = SseClient::open(host->port(), "/stream", {}, 5s, &error);
	ASSERT_TRUE(client) << error;
	const Clock::time_point connected = client->connected_at();
	ASSERT_TRUE(client->read_until(connected + 4s));
	const AudioEvents audio = check_audio_events(client->parser().events());
	EXPECT_EQ(audio.problem_count, 0u) << audio.problems_text();
	std::string gap;
	EXPECT_TRUE(audio.ids_consecutive(&gap)) << gap;
	ASSERT_GE(audio.events.size(), 60u);
	EXPECT_EQ(audio.sample_rates, std::set<int>{rate});
	ASSERT_TRUE(audio.decoder->ok()) << audio.decoder->error();
	EXPECT_EQ(audio.decoder->sample_rate(), rate);
	const auto tail = decoded_tail(*audio.decoder, 1.5);
	const double hz = dominant_frequency(tail, rate);
	EXPECT_NEAR(hz, 440.0, 3.0);
	EXPECT_GT(rms(tail), 0.05) << "the tone is audible after OBS's mix and the conversion to stereo";
	const RateMeasurement measured = measure_rate(audio.arrivals, connected + 1500ms, rate);
	EXPECT_NEAR(measured.ratio, 1.0, 0.05)
		<< measured.audio_seconds << " s of audio in " << measured.window_seconds << " s";

	const auto status = fetch_status(host->port(), &error);
	ASSERT_TRUE(status) << error;
	EXPECT_EQ((*status)["sample_rate"], rate);

	std::ostringstream figures;
	figures << rate << " Hz " << speakers << ": tone " << hz << " Hz, rms " << rms(tail) << ", rate ratio "
		<< measured.ratio;
	report(figures.str());
}

INSTANTIATE_TEST_SUITE_P(RatesAndLayouts, AudioLayoutTest,
			 ::testing::Combine(::testing::Values(44100, 48000), ::testing::Values("mono", "5.1")),
			 [](const auto &test_case) {
				 const std::string layout = std::get<1>(test_case.param) == "5.1" ? "5_1" : "mono";
				 return std::to_string(std::get<0>(test_case.param)) + "_" + layout;
			 });

} // namespace
} // namespace sse_audio::itest
