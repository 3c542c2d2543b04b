#pragma once

// An encoder that fails mid-stream, for the tests of what a channel and the OBS output do then: real LAME for the
// first `good_calls` encodes, then the error LAME gives when it runs out of memory.

#include "audio/frame_encoder.hpp"
#include "audio/mp3_encoder.hpp"

#include <memory>
#include <vector>

namespace sse_audio::test {

inline constexpr const char *kEncoderFault = "LAME failed to encode (error -2)";

class FailingEncoder final : public FrameEncoder {
public:
	FailingEncoder(std::unique_ptr<FrameEncoder> lame, int good_calls) : lame_(std::move(lame)), left_(good_calls)
	{
	}

	Status encode(const float *left, const float *right, uint32_t frames, std::vector<uint8_t> &out) override
	{
		if (left_-- <= 0)
			return Error{kEncoderFault, "Failure.LameEncode", {"-2"}}; // as Mp3Encoder words it
		return lame_->encode(left, right, frames, out);
	}
	Status flush(std::vector<uint8_t> &out) override { return lame_->flush(out); }
	[[nodiscard]] int encoder_delay() const override { return lame_->encoder_delay(); }

	// A LAME encoder for `settings` that fails after `good_calls` encodes.
	static Result<std::unique_ptr<FrameEncoder>> make(const EncoderSettings &settings, int good_calls)
	{
		auto lame = Mp3Encoder::create_frame_encoder(settings);
		if (!lame)
			return lame;
		return std::unique_ptr<FrameEncoder>(std::make_unique<FailingEncoder>(std::move(*lame), good_calls));
	}

private:
	std::unique_ptr<FrameEncoder> lame_;
	int left_;
};

} // namespace sse_audio::test
