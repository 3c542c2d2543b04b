#include "audio/mp3_encoder.hpp"
#include "audio/mpeg_frame.hpp"
#include "test_audio.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace sse_audio {
namespace {

TEST(Mp3Encoder, KnowsLamesBitrates)
{
	for (const int kbps : kMp3Bitrates)
		EXPECT_TRUE(is_mp3_bitrate(kbps)) << kbps;
	for (const int kbps : {-128, 0, 8, 16, 24, 100, 144, 288, 330, 384, 448, 1000})
		EXPECT_FALSE(is_mp3_bitrate(kbps)) << kbps;
}

TEST(Mp3Encoder, RefusesBitratesLameDoesNotOffer)
{
	for (const int kbps : {0, 8, 100, 144, 384}) {
		const auto encoder = Mp3Encoder::create({48000, kbps});
		ASSERT_FALSE(encoder) << kbps;
		EXPECT_NE(encoder.error().find(std::to_string(kbps) + " kbps"), std::string::npos) << encoder.error();
		EXPECT_NE(encoder.error().find("320"), std::string::npos) << "names the choices: " << encoder.error();
	}
}

TEST(Mp3Encoder, RefusesSampleRatesOtherThan44100And48000)
{
	for (const int rate : {0, 8000, 22050, 32000, 44000, 88200, 96000}) {
		const auto encoder = Mp3Encoder::create({rate, 128});
		ASSERT_FALSE(encoder) << rate;
		EXPECT_NE(encoder.error().find(std::to_string(rate) + " Hz"), std::string::npos) << encoder.error();
		EXPECT_NE(encoder.error().find("44.1"), std::string::npos) << encoder.error();
		EXPECT_NE(encoder.error().find("48"), std::string::npos) << encoder.error();
	}
}

TEST(Mp3Encoder, AcceptsEveryLameBitrateAtBothRates)
{
	for (const int rate : {44100, 48000}) {
		for (const int kbps : kMp3Bitrates) {
			auto encoder = Mp3Encoder::create({rate, kbps});
			ASSERT_TRUE(encoder) << rate << " Hz " << kbps << " kbps: " << encoder.error();
			EXPECT_EQ((*encoder)->config().sample_rate, rate);
			EXPECT_EQ((*encoder)->config().bitrate_kbps, kbps);
		}
	}
}

TEST(Mp3Encoder, EncodingNothingIsFine)
{
	auto encoder = Mp3Encoder::create({48000, 128});
	ASSERT_TRUE(encoder) << encoder.error();
	std::vector<uint8_t> out;
	const float silence[1] = {0};
	EXPECT_TRUE((*encoder)->encode(silence, silence, 0, out));
	EXPECT_TRUE(out.empty());
	EXPECT_TRUE((*encoder)->flush(out));
	EXPECT_EQ(out.size() % 384, 0u) << "whatever flush gives is whole 384-byte frames";
}

struct ToneCase {
	int sample_rate;
	int bitrate_kbps;
};

void PrintTo(const ToneCase &c, std::ostream *os)
{
	*os << c.sample_rate << " Hz " << c.bitrate_kbps << " kbps";
}

class Mp3EncoderTone : public ::testing::TestWithParam<ToneCase> {};

// Encodes a tone the way the channel does (1024-frame blocks), decodes it with an independent decoder and
// checks what a listener would hear: the right pitch on each channel, the right length, the right format.
TEST_P(Mp3EncoderTone, DecodesBackToTheSameToneAndLength)
{
	const auto [rate, kbps] = GetParam();
	auto created = Mp3Encoder::create({rate, kbps});
	ASSERT_TRUE(created) << created.error();
	Mp3Encoder &encoder = **created;
	const int delay = encoder.encoder_delay();
	EXPECT_GT(delay, 0);
	EXPECT_LT(delay, 1152 * 2);

	const size_t total = static_cast<size_t>(rate) * 2; // 2 s
	std::vector<uint8_t> mp3;
	for (size_t done = 0; done < total;) {
		const size_t n = std::min<size_t>(1024, total - done);
		const auto pcm = test::make_sine(440, 660, rate, n, done);
		const Status status = encoder.encode(pcm.left.data(), pcm.right.data(), static_cast<uint32_t>(n), mp3);
		ASSERT_TRUE(status) << status.error();
		done += n;
	}
	const size_t before_flush = mp3.size();
	ASSERT_TRUE(encoder.flush(mp3));
	EXPECT_GT(mp3.size(), before_flush) << "flush releases LAME's look-ahead";

	const long frames = test::count_whole_frames(mp3, rate, kbps);
	ASSERT_GT(frames, 0) << "the output is whole CBR frames at the configured rate and bitrate";

	const auto decoded = test::decode_mp3(mp3);
	ASSERT_TRUE(decoded.ok) << decoded.error;
	EXPECT_EQ(decoded.sample_rate, rate);
	EXPECT_EQ(decoded.channels, 2);
	EXPECT_EQ(decoded.frames(), static_cast<size_t>(frames) * 1152) << "every frame decodes";

	// Length: the input plus LAME's delay and padding to whole frames; flush() lets nothing of the input stay behind.
	EXPECT_GE(decoded.frames(), total + static_cast<size_t>(delay));
	EXPECT_LE(decoded.frames(), total + static_cast<size_t>(delay) + 2 * 1152);

	// Pitch over 1.5 s, skipping the first 100 ms and the encoder/decoder delay.
	const size_t skip = static_cast<size_t>(rate) / 10 + static_cast<size_t>(delay) + 529;
	const size_t span = static_cast<size_t>(rate) * 3 / 2;
	ASSERT_GE(decoded.frames(), skip + span);
	const std::span<const float> left(decoded.left.data() + skip, span);
	const std::span<const float> right(decoded.right.data() + skip, span);
	EXPECT_NEAR(test::estimate_frequency(left, rate), 440.0, 2.0);
	EXPECT_NEAR(test::estimate_frequency(right, rate), 660.0, 2.0);
	// Amplitude 0.5 sine: RMS 0.354.
	EXPECT_NEAR(test::rms(left), 0.354, 0.05);
	EXPECT_NEAR(test::rms(right), 0.354, 0.05);
}

INSTANTIATE_TEST_SUITE_P(RatesAndBitrates, Mp3EncoderTone,
			 ::testing::Values(ToneCase{44100, 128}, ToneCase{44100, 320}, ToneCase{48000, 128},
					   ToneCase{48000, 320}),
			 [](const ::testing::TestParamInfo<ToneCase> &p) {
				 return std::to_string(p.param.sample_rate) + "Hz_" +
					std::to_string(p.param.bitrate_kbps) + "kbps";
			 });

TEST(Mp3Encoder, EveryFrameStartsADecoderOnItsOwn)
{
	// The bit reservoir is off so that a listener can join at any event: decoding from a frame in the middle
	// must give the tone at once, not a broken first frame.
	auto created = Mp3Encoder::create({48000, 128});
	ASSERT_TRUE(created) << created.error();
	std::vector<uint8_t> mp3;
	const size_t total = 48000;
	for (size_t done = 0; done < total; done += 1024) {
		const auto pcm = test::make_sine(440, 440, 48000, 1024, done);
		ASSERT_TRUE((*created)->encode(pcm.left.data(), pcm.right.data(), 1024, mp3));
	}
	ASSERT_EQ(mp3.size() % 384, 0u);
	ASSERT_GT(mp3.size(), 384u * 30);
	// Each frame says "main_data_begin = 0" (9 bits right after the 4-byte header, no CRC): no reservoir.
	for (size_t offset = 0; offset < mp3.size(); offset += 384) {
		const unsigned main_data_begin = (unsigned{mp3[offset + 4]} << 1) | (mp3[offset + 5] >> 7);
		ASSERT_EQ(main_data_begin, 0u) << "frame " << offset / 384;
	}
	const std::span<const uint8_t> tail(mp3.data() + 384 * 20, mp3.size() - 384 * 20);
	const auto decoded = test::decode_mp3(tail);
	ASSERT_TRUE(decoded.ok) << decoded.error;
	const std::span<const float> first_frames(decoded.left.data() + 529, 4 * 1152);
	EXPECT_NEAR(test::estimate_frequency(first_frames, 48000), 440.0, 2.0);
	EXPECT_NEAR(test::rms(first_frames), 0.354, 0.06);
}

} // namespace
} // namespace sse_audio
