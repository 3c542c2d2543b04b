#pragma once

// Independent checks of what the server sends: a strict base64 decoder and an MPEG-1 Layer III frame walker.
// They deliberately do not reuse src/core, so a mistake there cannot hide behind the same mistake here.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sse_audio::itest {

// RFC 4648 section 4 with '=' padding, no whitespace, zero pad bits; nullopt on anything else.
std::optional<std::vector<uint8_t>> strict_base64_decode(std::string_view text);

struct Mp3FrameHeader {
	int bitrate_kbps = 0;
	int sample_rate = 0;
	bool padding = false;
	int channels = 0;
	size_t frame_bytes = 0;
	int samples = 1152;
};

// The MPEG-1 Layer III header at the start of `bytes` (ISO/IEC 11172-3 2.4.2.3); nullopt when there is none
// (other versions and layers, free format and reserved values included).
std::optional<Mp3FrameHeader> parse_mp3_header(std::span<const uint8_t> bytes);

struct Mp3Walk {
	bool whole = false;  // the bytes are back-to-back complete frames, nothing before, between or after
	std::string problem; // why not, when not
	size_t frames = 0;
	uint64_t samples = 0;       // per channel
	size_t trailing_bytes = 0;  // bytes after the last whole frame
	bool truncated_end = false; // the only fault is an incomplete last frame (a capture cut off mid-stream)
	std::set<int> bitrates;
	std::set<int> sample_rates;
	std::set<int> channels;
};

// Walks `bytes` frame by frame from offset 0.
Mp3Walk walk_mp3_frames(std::span<const uint8_t> bytes);

} // namespace sse_audio::itest
