#pragma once

#include "audio/frame_encoder.hpp"
#include "base/result.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct lame_global_struct;

namespace sse_audio {

// The CBR bitrates LAME offers for MPEG-1 Layer III (the only layer used at 44.1 and 48 kHz), in kbps.
inline constexpr int kMp3Bitrates[] = {32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};

[[nodiscard]] bool is_mp3_bitrate(int kbps);

// LAME takes 44100 or 48000 Hz (what OBS runs at) and one of kMp3Bitrates.
using Mp3EncoderConfig = EncoderSettings;

// RAII wrapper around one LAME encoder: stereo float PCM in, MPEG-1 Layer III CBR bytes out.
// Not thread-safe: one encoder thread owns it.
class Mp3Encoder final : public FrameEncoder {
public:
	static Result<std::unique_ptr<Mp3Encoder>> create(const Mp3EncoderConfig &config);
	// create() in the shape of an EncoderFactory: what a channel uses unless it is given another factory.
	static Result<std::unique_ptr<FrameEncoder>> create_frame_encoder(const EncoderSettings &settings);
	~Mp3Encoder() override;
	Mp3Encoder(const Mp3Encoder &) = delete;
	Mp3Encoder &operator=(const Mp3Encoder &) = delete;

	// Encodes `frames` samples per channel (float, nominally -1..1) and appends whatever MP3 bytes LAME
	// releases to `out` (zero or more whole frames). Status is an error only when LAME itself fails.
	Status encode(const float *left, const float *right, uint32_t frames, std::vector<uint8_t> &out) override;

	// Pushes out the samples still inside LAME (its look-ahead), padded to whole frames. Call once at stop.
	Status flush(std::vector<uint8_t> &out) override;

	// Samples of silence LAME puts in front of the first input sample; needed to map frames to capture time.
	[[nodiscard]] int encoder_delay() const override;
	[[nodiscard]] const Mp3EncoderConfig &config() const { return config_; }

private:
	Mp3Encoder(lame_global_struct *lame, const Mp3EncoderConfig &config);

	lame_global_struct *lame_;
	Mp3EncoderConfig config_;
	std::vector<unsigned char> scratch_;
};

} // namespace sse_audio
