#include "audio/mp3_encoder.hpp"
#include "audio/mpeg_frame.hpp"
#include "test_audio.hpp"

#include <gtest/gtest.h>

#include <array>
#include <numeric>
#include <vector>

namespace sse_audio {
namespace {

// Header bit fields (ISO 11172-3 / 13818-3): version 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5, 1 reserved;
// layer bits 1 = Layer III, 2 = Layer II, 3 = Layer I, 0 reserved; channel mode 3 = mono.
std::array<uint8_t, 4> header_bytes(uint32_t version, uint32_t layer, uint32_t bitrate_index, uint32_t rate_index,
				    bool padding = false, uint32_t channel_mode = 1, uint32_t sync = 0x7FF)
{
	const uint32_t h = (sync << 21) | (version << 19) | (layer << 17) | (1u << 16) /* no CRC */ |
			   (bitrate_index << 12) | (rate_index << 10) | (uint32_t{padding} << 9) | (channel_mode << 6);
	return {static_cast<uint8_t>(h >> 24), static_cast<uint8_t>(h >> 16), static_cast<uint8_t>(h >> 8),
		static_cast<uint8_t>(h)};
}

TEST(MpegFrameHeader, Mpeg1Layer3At128kbps48kHzIs384Bytes)
{
	const auto bytes = header_bytes(3, 1, 9, 1);
	EXPECT_EQ(bytes[0], 0xFF);
	EXPECT_EQ(bytes[1], 0xFB);
	const auto h = parse_mpeg_frame_header(bytes);
	ASSERT_TRUE(h.has_value());
	EXPECT_EQ(h->version, MpegFrameHeader::Version::Mpeg1);
	EXPECT_EQ(h->layer, 3);
	EXPECT_EQ(h->bitrate_kbps, 128);
	EXPECT_EQ(h->sample_rate, 48000);
	EXPECT_FALSE(h->padding);
	EXPECT_EQ(h->channels, 2);
	EXPECT_EQ(h->frame_bytes, 384u);
	EXPECT_EQ(h->samples_per_frame, 1152);
	EXPECT_EQ(h->duration_ns(), 24'000'000);
}

TEST(MpegFrameHeader, Mpeg1Layer3At44100HzCountsThePaddingSlot)
{
	const auto plain = parse_mpeg_frame_header(header_bytes(3, 1, 9, 0, false));
	const auto padded = parse_mpeg_frame_header(header_bytes(3, 1, 9, 0, true));
	ASSERT_TRUE(plain && padded);
	EXPECT_EQ(plain->sample_rate, 44100);
	EXPECT_EQ(plain->frame_bytes, 417u);
	EXPECT_FALSE(plain->padding);
	EXPECT_EQ(padded->frame_bytes, 418u);
	EXPECT_TRUE(padded->padding);
	EXPECT_EQ(plain->duration_ns(), 1152LL * 1'000'000'000 / 44100);
}

TEST(MpegFrameHeader, Mpeg1Layer3Extremes)
{
	const auto low = parse_mpeg_frame_header(header_bytes(3, 1, 1, 2)); // 32 kbps, 32 kHz
	ASSERT_TRUE(low);
	EXPECT_EQ(low->bitrate_kbps, 32);
	EXPECT_EQ(low->sample_rate, 32000);
	EXPECT_EQ(low->frame_bytes, 144u);
	const auto high = parse_mpeg_frame_header(header_bytes(3, 1, 14, 1)); // 320 kbps, 48 kHz
	ASSERT_TRUE(high);
	EXPECT_EQ(high->bitrate_kbps, 320);
	EXPECT_EQ(high->frame_bytes, 960u);
}

TEST(MpegFrameHeader, Mpeg2AndMpeg25Layer3HaveHalfFrames)
{
	const auto mpeg2 = parse_mpeg_frame_header(header_bytes(2, 1, 8, 0)); // 64 kbps, 22.05 kHz
	ASSERT_TRUE(mpeg2);
	EXPECT_EQ(mpeg2->version, MpegFrameHeader::Version::Mpeg2);
	EXPECT_EQ(mpeg2->layer, 3);
	EXPECT_EQ(mpeg2->bitrate_kbps, 64);
	EXPECT_EQ(mpeg2->sample_rate, 22050);
	EXPECT_EQ(mpeg2->samples_per_frame, 576);
	EXPECT_EQ(mpeg2->frame_bytes, 72u * 64000 / 22050); // 208
	EXPECT_EQ(mpeg2->duration_ns(), 576LL * 1'000'000'000 / 22050);

	const auto mpeg2_24k = parse_mpeg_frame_header(header_bytes(2, 1, 8, 1, true)); // 64 kbps, 24 kHz, padded
	ASSERT_TRUE(mpeg2_24k);
	EXPECT_EQ(mpeg2_24k->sample_rate, 24000);
	EXPECT_EQ(mpeg2_24k->frame_bytes, 193u);

	const auto mpeg25 = parse_mpeg_frame_header(header_bytes(0, 1, 4, 2, false, 3)); // 32 kbps, 8 kHz, mono
	ASSERT_TRUE(mpeg25);
	EXPECT_EQ(mpeg25->version, MpegFrameHeader::Version::Mpeg25);
	EXPECT_EQ(mpeg25->sample_rate, 8000);
	EXPECT_EQ(mpeg25->bitrate_kbps, 32);
	EXPECT_EQ(mpeg25->channels, 1);
	EXPECT_EQ(mpeg25->samples_per_frame, 576);
	EXPECT_EQ(mpeg25->frame_bytes, 288u);
}

TEST(MpegFrameHeader, Layer2And1)
{
	const auto layer2 = parse_mpeg_frame_header(header_bytes(3, 2, 8, 1)); // Layer II 128 kbps 48 kHz
	ASSERT_TRUE(layer2);
	EXPECT_EQ(layer2->layer, 2);
	EXPECT_EQ(layer2->bitrate_kbps, 128);
	EXPECT_EQ(layer2->samples_per_frame, 1152);
	EXPECT_EQ(layer2->frame_bytes, 384u);

	const auto layer2_384 = parse_mpeg_frame_header(header_bytes(3, 2, 14, 0, true)); // 384 kbps 44.1 kHz
	ASSERT_TRUE(layer2_384);
	EXPECT_EQ(layer2_384->bitrate_kbps, 384); // Layer II has 384 where Layer III tops out at 320
	EXPECT_EQ(layer2_384->frame_bytes, 144u * 384000 / 44100 + 1);

	const auto layer1 = parse_mpeg_frame_header(header_bytes(3, 3, 4, 1)); // Layer I 128 kbps 48 kHz
	ASSERT_TRUE(layer1);
	EXPECT_EQ(layer1->layer, 1);
	EXPECT_EQ(layer1->samples_per_frame, 384);
	EXPECT_EQ(layer1->frame_bytes, 128u);
	EXPECT_EQ(layer1->duration_ns(), 8'000'000);
	const auto layer1_padded = parse_mpeg_frame_header(header_bytes(3, 3, 4, 0, true)); // 44.1 kHz, padded
	ASSERT_TRUE(layer1_padded);
	EXPECT_EQ(layer1_padded->frame_bytes, (12u * 128000 / 44100 + 1) * 4); // padding slot is 4 bytes in Layer I
}

TEST(MpegFrameHeader, MonoChannelMode)
{
	const auto mono = parse_mpeg_frame_header(header_bytes(3, 1, 9, 1, false, 3));
	ASSERT_TRUE(mono);
	EXPECT_EQ(mono->channels, 1);
	for (uint32_t mode : {0u, 1u, 2u}) {
		const auto stereo = parse_mpeg_frame_header(header_bytes(3, 1, 9, 1, false, mode));
		ASSERT_TRUE(stereo);
		EXPECT_EQ(stereo->channels, 2) << "mode " << mode;
	}
}

TEST(MpegFrameHeader, RejectsReservedFreeFormatAndMissingSync)
{
	EXPECT_FALSE(parse_mpeg_frame_header(header_bytes(1, 1, 9, 1))) << "reserved version";
	EXPECT_FALSE(parse_mpeg_frame_header(header_bytes(3, 0, 9, 1))) << "reserved layer";
	EXPECT_FALSE(parse_mpeg_frame_header(header_bytes(3, 1, 9, 3))) << "reserved sample rate";
	EXPECT_FALSE(parse_mpeg_frame_header(header_bytes(3, 1, 15, 1))) << "reserved bitrate";
	EXPECT_FALSE(parse_mpeg_frame_header(header_bytes(3, 1, 0, 1))) << "free format";
	EXPECT_FALSE(parse_mpeg_frame_header(header_bytes(2, 1, 0, 1))) << "free format, MPEG-2";
	EXPECT_FALSE(parse_mpeg_frame_header(header_bytes(3, 1, 9, 1, false, 1, 0x7FE))) << "sync word short a bit";
	EXPECT_FALSE(parse_mpeg_frame_header(header_bytes(3, 1, 9, 1, false, 1, 0x3FF))) << "sync word short a bit";
	const std::array<uint8_t, 4> zeros{};
	EXPECT_FALSE(parse_mpeg_frame_header(zeros));
	const std::array<uint8_t, 4> id3 = {'I', 'D', '3', 4};
	EXPECT_FALSE(parse_mpeg_frame_header(id3));
}

TEST(MpegFrameHeader, RejectsFewerThanFourBytes)
{
	const auto bytes = header_bytes(3, 1, 9, 1);
	EXPECT_TRUE(parse_mpeg_frame_header(bytes));
	for (size_t n = 0; n < 4; n++)
		EXPECT_FALSE(parse_mpeg_frame_header(std::span<const uint8_t>(bytes.data(), n))) << n << " bytes";
}

// Real LAME output: what the splitter is for.
std::vector<uint8_t> encode_sine(int sample_rate, int bitrate_kbps, double seconds)
{
	auto encoder = Mp3Encoder::create({sample_rate, bitrate_kbps});
	EXPECT_TRUE(encoder) << encoder.error();
	if (!encoder)
		return {};
	const auto total = static_cast<size_t>(seconds * sample_rate);
	std::vector<uint8_t> out;
	for (size_t done = 0; done < total;) {
		const size_t n = std::min<size_t>(1024, total - done);
		const auto pcm = test::make_sine(440, 660, sample_rate, n, done);
		EXPECT_TRUE((*encoder)->encode(pcm.left.data(), pcm.right.data(), static_cast<uint32_t>(n), out));
		done += n;
	}
	EXPECT_TRUE((*encoder)->flush(out));
	return out;
}

struct SplitResult {
	std::vector<std::vector<uint8_t>> frames;
	std::vector<MpegFrameHeader> headers;
};

SplitResult split_all(MpegFrameSplitter &splitter)
{
	SplitResult result;
	std::vector<uint8_t> frame;
	MpegFrameHeader header;
	while (splitter.next_frame(frame, &header)) {
		result.frames.push_back(frame);
		result.headers.push_back(header);
	}
	return result;
}

struct EncoderCase {
	int sample_rate;
	int bitrate_kbps;
};

void PrintTo(const EncoderCase &c, std::ostream *os)
{
	*os << c.sample_rate << " Hz " << c.bitrate_kbps << " kbps";
}

class MpegFrameSplitterOnLame : public ::testing::TestWithParam<EncoderCase> {};

TEST_P(MpegFrameSplitterOnLame, CutsLameOutputIntoValidWholeFrames)
{
	const auto [rate, kbps] = GetParam();
	const double seconds = 3;
	const auto mp3 = encode_sine(rate, kbps, seconds);
	ASSERT_FALSE(mp3.empty());

	MpegFrameSplitter splitter;
	splitter.append(mp3);
	const auto result = split_all(splitter);
	EXPECT_EQ(splitter.skipped_bytes(), 0u);
	EXPECT_EQ(splitter.pending_bytes(), 0u);
	ASSERT_GE(result.frames.size() * 1152, static_cast<size_t>(seconds * rate));

	size_t total = 0;
	size_t padded = 0;
	for (size_t i = 0; i < result.frames.size(); i++) {
		const auto &frame = result.frames[i];
		const auto &h = result.headers[i];
		const auto reparsed = parse_mpeg_frame_header(frame);
		ASSERT_TRUE(reparsed) << "frame " << i;
		EXPECT_EQ(reparsed->frame_bytes, frame.size()) << "frame " << i;
		EXPECT_EQ(h.frame_bytes, frame.size()) << "frame " << i;
		EXPECT_EQ(h.version, MpegFrameHeader::Version::Mpeg1);
		EXPECT_EQ(h.layer, 3);
		EXPECT_EQ(h.bitrate_kbps, kbps) << "frame " << i;
		EXPECT_EQ(h.sample_rate, rate) << "frame " << i;
		EXPECT_EQ(h.channels, 2);
		EXPECT_EQ(h.samples_per_frame, 1152);
		total += frame.size();
		padded += h.padding ? 1 : 0;
	}
	EXPECT_EQ(total, mp3.size()) << "every byte belongs to a frame";
	// CBR: the frames' average size is exactly the bitrate's (to within one padding slot per frame).
	const double bytes_per_frame = 144.0 * kbps * 1000 / rate;
	EXPECT_NEAR(double(total) / double(result.frames.size()), bytes_per_frame, 1.0);
	if (rate == 44100) {
		EXPECT_GT(padded, 0u) << "44.1 kHz needs padded frames to keep the bitrate";
	} else {
		EXPECT_EQ(padded, 0u);
	}
}

INSTANTIATE_TEST_SUITE_P(RatesAndBitrates, MpegFrameSplitterOnLame,
			 ::testing::Values(EncoderCase{48000, 128}, EncoderCase{44100, 128}, EncoderCase{44100, 320},
					   EncoderCase{48000, 32}),
			 [](const ::testing::TestParamInfo<EncoderCase> &p) {
				 return std::to_string(p.param.sample_rate) + "Hz_" +
					std::to_string(p.param.bitrate_kbps) + "kbps";
			 });

TEST(MpegFrameSplitter, HandlesInputOneByteAtATime)
{
	const auto mp3 = encode_sine(44100, 128, 1.5);
	ASSERT_FALSE(mp3.empty());
	MpegFrameSplitter whole;
	whole.append(mp3);
	const auto expected = split_all(whole);
	ASSERT_GT(expected.frames.size(), 40u);

	MpegFrameSplitter splitter;
	std::vector<std::vector<uint8_t>> frames;
	std::vector<uint8_t> frame;
	for (size_t i = 0; i < mp3.size(); i++) {
		splitter.append(std::span<const uint8_t>(&mp3[i], 1));
		while (splitter.next_frame(frame))
			frames.push_back(frame);
		// A frame comes out exactly when its last byte went in, never earlier.
		size_t emitted_bytes = 0;
		for (const auto &f : frames)
			emitted_bytes += f.size();
		ASSERT_EQ(emitted_bytes + splitter.pending_bytes(), i + 1);
	}
	EXPECT_EQ(frames, expected.frames);
	EXPECT_EQ(splitter.skipped_bytes(), 0u);
	EXPECT_EQ(splitter.pending_bytes(), 0u);
}

TEST(MpegFrameSplitter, WaitsForTheRestOfAPartialFrame)
{
	const auto mp3 = encode_sine(48000, 128, 0.5);
	ASSERT_GE(mp3.size(), 384u * 2);
	MpegFrameSplitter splitter;
	std::vector<uint8_t> frame;
	splitter.append(std::span<const uint8_t>(mp3.data(), 383));
	EXPECT_FALSE(splitter.next_frame(frame));
	EXPECT_EQ(splitter.pending_bytes(), 383u);
	splitter.append(std::span<const uint8_t>(mp3.data() + 383, 2));
	ASSERT_TRUE(splitter.next_frame(frame));
	EXPECT_EQ(frame, std::vector<uint8_t>(mp3.begin(), mp3.begin() + 384));
	EXPECT_FALSE(splitter.next_frame(frame));
	EXPECT_EQ(splitter.pending_bytes(), 1u);
	EXPECT_EQ(splitter.skipped_bytes(), 0u);
}

TEST(MpegFrameSplitter, SkipsAndCountsGarbageBeforeAndBetweenFrames)
{
	const auto mp3 = encode_sine(48000, 128, 1.0);
	MpegFrameSplitter clean;
	clean.append(mp3);
	const auto expected = split_all(clean);
	ASSERT_GT(expected.frames.size(), 10u);

	// Garbage that holds 0xFF bytes but no valid header: the splitter must resynchronise past it.
	const std::vector<uint8_t> garbage_a = {0x00, 0x49, 0x44, 0x33, 0xFF, 0x00, 0x12};
	const std::vector<uint8_t> garbage_b = {0xFF, 0xFF, 0xFF, 0xF0, 0x00}; // FF FF FF F0: reserved fields
	const std::vector<uint8_t> garbage_c(50, 0xAA);

	std::vector<uint8_t> dirty = garbage_a;
	size_t garbage = garbage_a.size();
	for (size_t i = 0; i < expected.frames.size(); i++) {
		dirty.insert(dirty.end(), expected.frames[i].begin(), expected.frames[i].end());
		const auto &g = i % 3 == 0 ? garbage_b : i % 3 == 1 ? garbage_c : std::vector<uint8_t>{};
		dirty.insert(dirty.end(), g.begin(), g.end());
		garbage += g.size();
	}

	// Feed in uneven pieces so that garbage and frames straddle appends.
	MpegFrameSplitter splitter;
	std::vector<std::vector<uint8_t>> frames;
	std::vector<uint8_t> frame;
	for (size_t offset = 0, step = 1; offset < dirty.size(); offset += step, step = step * 7 % 997 + 1) {
		const size_t n = std::min(step, dirty.size() - offset);
		splitter.append(std::span<const uint8_t>(dirty.data() + offset, n));
		while (splitter.next_frame(frame))
			frames.push_back(frame);
	}
	EXPECT_EQ(frames, expected.frames);
	// The trailing garbage after the last frame may still be pending (it could be the start of a header).
	EXPECT_EQ(splitter.skipped_bytes() + splitter.pending_bytes(), garbage);
	EXPECT_LE(splitter.pending_bytes(), 3u);
}

} // namespace
} // namespace sse_audio
