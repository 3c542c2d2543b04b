#pragma once

#include "base/result.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace sse_audio {

// What a channel's encoder thread needs of an encoder: stereo float PCM in, whole-frame MPEG audio bytes out.
// LAME (Mp3Encoder) is the one used for streaming; the interface lets a channel be given another one, e.g. one
// that wraps LAME to prove how the channel behaves when its encoder fails mid-stream.
class FrameEncoder {
public:
	virtual ~FrameEncoder() = default;
	FrameEncoder() = default;
	FrameEncoder(const FrameEncoder &) = delete;
	FrameEncoder &operator=(const FrameEncoder &) = delete;

	// Appends whatever bytes the encoder releases to `out`; an error when the encoder itself fails.
	virtual Status encode(const float *left, const float *right, uint32_t frames, std::vector<uint8_t> &out) = 0;
	// Pushes out what is still inside the encoder (its look-ahead), padded to whole frames. Called once at stop.
	virtual Status flush(std::vector<uint8_t> &out) = 0;
	// Samples of silence put in front of the first input sample; needed to map frames to capture time.
	[[nodiscard]] virtual int encoder_delay() const = 0;
};

struct EncoderSettings {
	int sample_rate = 48000;
	int bitrate_kbps = 128;
};

// Makes the encoder of a channel; an error (shown to the streamer) when the settings cannot be used.
using EncoderFactory = std::function<Result<std::unique_ptr<FrameEncoder>>(const EncoderSettings &)>;

} // namespace sse_audio
