#include "payload_checks.hpp"

namespace sse_audio::itest {

namespace {

int base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

// MPEG-1 Layer III bitrates by index (0 = free format, 15 = reserved).
constexpr int kBitrates[16] = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, -1};
constexpr int kSampleRates[4] = {44100, 48000, 32000, -1};

} // namespace

std::optional<std::vector<uint8_t>> strict_base64_decode(std::string_view text)
{
	if (text.size() % 4 != 0)
		return std::nullopt;
	std::vector<uint8_t> out;
	out.reserve(text.size() / 4 * 3);
	for (size_t i = 0; i < text.size(); i += 4) {
		const bool last = i + 4 == text.size();
		int v[4];
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			const char c = text[i + static_cast<size_t>(k)];
			if (c == '=') {
				// Padding only in the last quantum, only in its last two places, and nothing after it.
				if (!last || k < 2)
					return std::nullopt;
				pad++;
				v[k] = 0;
				continue;
			}
			if (pad > 0)
				return std::nullopt;
			v[k] = base64_value(c);
			if (v[k] < 0)
				return std::nullopt;
		}
		const uint32_t bits = static_cast<uint32_t>(v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3]);
		out.push_back(static_cast<uint8_t>(bits >> 16));
		if (pad < 2)
			out.push_back(static_cast<uint8_t>(bits >> 8));
		if (pad < 1)
			out.push_back(static_cast<uint8_t>(bits));
		// Canonical encoding: the bits under the padding are zero.
		if ((pad == 1 && (bits & 0xFF) != 0) || (pad == 2 && (bits & 0xFFFF) != 0))
			return std::nullopt;
	}
	return out;
}

std::optional<Mp3FrameHeader> parse_mp3_header(std::span<const uint8_t> bytes)
{
	if (bytes.size() < 4)
		return std::nullopt;
	const uint32_t h = uint32_t(bytes[0]) << 24 | uint32_t(bytes[1]) << 16 | uint32_t(bytes[2]) << 8 | bytes[3];
	if ((h >> 21) != 0x7FF)
		return std::nullopt; // frame sync: 11 set bits
	if (((h >> 19) & 3) != 3)
		return std::nullopt; // version: MPEG-1 only
	if (((h >> 17) & 3) != 1)
		return std::nullopt; // layer bits 01 = Layer III
	const int bitrate = kBitrates[(h >> 12) & 15];
	const int rate = kSampleRates[(h >> 10) & 3];
	if (bitrate <= 0 || rate <= 0)
		return std::nullopt;
	if ((h & 3) == 2)
		return std::nullopt; // reserved emphasis
	Mp3FrameHeader header;
	header.bitrate_kbps = bitrate;
	header.sample_rate = rate;
	header.padding = ((h >> 9) & 1) != 0;
	header.channels = ((h >> 6) & 3) == 3 ? 1 : 2;
	header.frame_bytes = static_cast<size_t>(144 * bitrate * 1000 / rate) + (header.padding ? 1 : 0);
	header.samples = 1152;
	return header;
}

Mp3Walk walk_mp3_frames(std::span<const uint8_t> bytes)
{
	Mp3Walk walk;
	size_t pos = 0;
	while (pos < bytes.size()) {
		const auto header = parse_mp3_header(bytes.subspan(pos));
		if (!header) {
			walk.problem = bytes.size() - pos < 4
					       ? "incomplete header at byte " + std::to_string(pos)
					       : "no MPEG-1 Layer III header at byte " + std::to_string(pos);
			walk.trailing_bytes = bytes.size() - pos;
			walk.truncated_end = bytes.size() - pos < 4 && bytes[pos] == 0xFF && walk.frames > 0;
			return walk;
		}
		if (pos + header->frame_bytes > bytes.size()) {
			walk.problem = "frame at byte " + std::to_string(pos) + " needs " +
				       std::to_string(header->frame_bytes) + " bytes, " +
				       std::to_string(bytes.size() - pos) + " left";
			walk.trailing_bytes = bytes.size() - pos;
			walk.truncated_end = walk.frames > 0;
			return walk;
		}
		walk.frames++;
		walk.samples += static_cast<uint64_t>(header->samples);
		walk.bitrates.insert(header->bitrate_kbps);
		walk.sample_rates.insert(header->sample_rate);
		walk.channels.insert(header->channels);
		pos += header->frame_bytes;
	}
	walk.whole = walk.frames > 0;
	if (!walk.whole)
		walk.problem = "no frames";
	return walk;
}

} // namespace sse_audio::itest
