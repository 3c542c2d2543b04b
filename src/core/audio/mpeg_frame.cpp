#include "audio/mpeg_frame.hpp"

#include <algorithm>
#include <array>

namespace sse_audio {

namespace {

// Bitrates in kbps by [mpeg1 ? 0 : 1][layer - 1][index]; index 0 is free format, 15 is reserved.
constexpr std::array<std::array<std::array<int, 16>, 3>, 2> kBitrates = {{
	{{
		{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, -1},
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, -1},
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, -1},
	}},
	{{
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, -1},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, -1},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, -1},
	}},
}};

constexpr std::array<int, 3> kMpeg1Rates = {44100, 48000, 32000};

} // namespace

int64_t MpegFrameHeader::duration_ns() const
{
	return sample_rate > 0 ? int64_t{samples_per_frame} * 1'000'000'000 / sample_rate : 0;
}

std::optional<MpegFrameHeader> parse_mpeg_frame_header(std::span<const uint8_t> bytes)
{
	if (bytes.size() < 4)
		return std::nullopt;
	const uint32_t h = (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
			   uint32_t{bytes[3]};
	if ((h & 0xFFE00000u) != 0xFFE00000u)
		return std::nullopt; // 11-bit sync word

	const uint32_t version_bits = (h >> 19) & 3;
	const uint32_t layer_bits = (h >> 17) & 3;
	const uint32_t bitrate_index = (h >> 12) & 15;
	const uint32_t rate_index = (h >> 10) & 3;
	if (version_bits == 1 || layer_bits == 0 || rate_index == 3)
		return std::nullopt; // reserved values

	MpegFrameHeader header;
	header.version = version_bits == 3   ? MpegFrameHeader::Version::Mpeg1
			 : version_bits == 2 ? MpegFrameHeader::Version::Mpeg2
					     : MpegFrameHeader::Version::Mpeg25;
	header.layer = 4 - static_cast<int>(layer_bits);
	const bool mpeg1 = header.version == MpegFrameHeader::Version::Mpeg1;

	const int bitrate = kBitrates[mpeg1 ? 0 : 1][static_cast<size_t>(header.layer - 1)][bitrate_index];
	if (bitrate <= 0)
		return std::nullopt; // free format (length unknown) or reserved
	header.bitrate_kbps = bitrate;

	int rate = kMpeg1Rates[rate_index];
	if (header.version == MpegFrameHeader::Version::Mpeg2)
		rate /= 2;
	else if (header.version == MpegFrameHeader::Version::Mpeg25)
		rate /= 4;
	header.sample_rate = rate;
	header.padding = ((h >> 9) & 1) != 0;
	header.channels = ((h >> 6) & 3) == 3 ? 1 : 2;

	const size_t bps = static_cast<size_t>(bitrate) * 1000;
	const auto sr = static_cast<size_t>(rate);
	const size_t pad = header.padding ? 1 : 0;
	switch (header.layer) {
	case 1:
		header.samples_per_frame = 384;
		header.frame_bytes = (12 * bps / sr + pad) * 4;
		break;
	case 2:
		header.samples_per_frame = 1152;
		header.frame_bytes = 144 * bps / sr + pad;
		break;
	default:
		header.samples_per_frame = mpeg1 ? 1152 : 576;
		header.frame_bytes = (mpeg1 ? 144 : 72) * bps / sr + pad;
		break;
	}
	return header;
}

void MpegFrameSplitter::append(std::span<const uint8_t> bytes)
{
	compact();
	buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

void MpegFrameSplitter::compact()
{
	// Move the unread tail to the front only when the dead prefix is large, so appends stay amortised O(1).
	if (start_ > 0 && (start_ >= 4096 || start_ == buffer_.size())) {
		buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(start_));
		start_ = 0;
	}
}

bool MpegFrameSplitter::next_frame(std::vector<uint8_t> &frame, MpegFrameHeader *header)
{
	while (buffer_.size() - start_ >= 4) {
		const std::span<const uint8_t> rest(buffer_.data() + start_, buffer_.size() - start_);
		const auto parsed = parse_mpeg_frame_header(rest);
		if (!parsed) {
			// Resynchronise on the next possible sync byte.
			const auto next = std::find(rest.begin() + 1, rest.end(), uint8_t{0xFF});
			const auto skip = static_cast<size_t>(next - rest.begin());
			start_ += skip;
			skipped_bytes_ += skip;
			continue;
		}
		if (rest.size() < parsed->frame_bytes)
			return false;
		frame.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(parsed->frame_bytes));
		start_ += parsed->frame_bytes;
		if (header)
			*header = *parsed;
		return true;
	}
	return false;
}

} // namespace sse_audio
