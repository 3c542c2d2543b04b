#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace sse_audio {

// What an MPEG audio frame header says about the frame that follows it.
struct MpegFrameHeader {
	enum class Version { Mpeg1, Mpeg2, Mpeg25 };
	Version version = Version::Mpeg1;
	int layer = 3;             // 1, 2 or 3
	int bitrate_kbps = 0;      // never 0: "free format" frames are refused because their length is unknown
	int sample_rate = 0;       // Hz
	bool padding = false;      // one extra slot in this frame
	int channels = 2;          // 1 for mono, 2 otherwise
	size_t frame_bytes = 0;    // header included
	int samples_per_frame = 0; // 1152 for MPEG-1 Layer III

	// Duration of the frame in nanoseconds (24 ms for 1152 samples at 48 kHz).
	[[nodiscard]] int64_t duration_ns() const;
};

// Parses the 4-byte header at the start of `bytes`. nullopt when there is no valid header there
// (no sync word, reserved values, free format, or fewer than 4 bytes).
std::optional<MpegFrameHeader> parse_mpeg_frame_header(std::span<const uint8_t> bytes);

// Cuts a byte stream into whole MPEG audio frames. LAME hands out bytes in whatever pieces its buffer holds;
// listeners must only ever get whole frames so that any event can start a decoder.
class MpegFrameSplitter {
public:
	// Appends encoder output.
	void append(std::span<const uint8_t> bytes);

	// Moves the next whole frame into `frame` (replacing its contents); false when none is complete yet.
	// Bytes that are not part of a valid frame are skipped and counted.
	bool next_frame(std::vector<uint8_t> &frame, MpegFrameHeader *header = nullptr);

	[[nodiscard]] uint64_t skipped_bytes() const { return skipped_bytes_; }
	[[nodiscard]] size_t pending_bytes() const { return buffer_.size() - start_; }

private:
	void compact();

	std::vector<uint8_t> buffer_;
	size_t start_ = 0;
	uint64_t skipped_bytes_ = 0;
};

} // namespace sse_audio
