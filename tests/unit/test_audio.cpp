#include "test_audio.hpp"

#include "audio_analysis.hpp"
#include "mp3_decoder.hpp"
#include "payload_checks.hpp"

#include <cmath>
#include <numbers>
#include <set>

namespace sse_audio::test {

StereoPcm make_sine(double left_hz, double right_hz, int sample_rate, size_t frames, size_t first_frame,
		    float amplitude)
{
	StereoPcm pcm;
	pcm.left.resize(frames);
	pcm.right.resize(frames);
	for (size_t i = 0; i < frames; i++) {
		const double t = double(first_frame + i) / sample_rate;
		pcm.left[i] = amplitude * static_cast<float>(std::sin(2 * std::numbers::pi * left_hz * t));
		pcm.right[i] = amplitude * static_cast<float>(std::sin(2 * std::numbers::pi * right_hz * t));
	}
	return pcm;
}

// The decoding, measuring and frame walking below are the integration tests' own (tests/support): one
// implementation, independent of src/core, serves both suites.

DecodedMp3 decode_mp3(std::span<const uint8_t> mp3)
{
	DecodedMp3 out;
	itest::Mp3Decoder decoder;
	if (decoder.feed(mp3) < 0 || !decoder.ok()) {
		out.error = decoder.error();
		return out;
	}
	if (decoder.channels() == 0) {
		out.error = "mpg123 found no audio";
		return out;
	}
	out.ok = true;
	out.sample_rate = decoder.sample_rate();
	out.channels = decoder.channels();
	out.left = decoder.left();
	out.right = decoder.right();
	return out;
}

double estimate_frequency(std::span<const float> samples, int sample_rate)
{
	return itest::zero_crossing_frequency(samples, sample_rate);
}

double rms(std::span<const float> samples)
{
	return itest::rms(samples);
}

long count_whole_frames(std::span<const uint8_t> mp3, int sample_rate, int bitrate_kbps)
{
	const itest::Mp3Walk walk = itest::walk_mp3_frames(mp3);
	if (!walk.whole || walk.frames == 0)
		return mp3.empty() ? 0 : -1;
	if (walk.sample_rates != std::set<int>{sample_rate} || walk.bitrates != std::set<int>{bitrate_kbps})
		return -1;
	return static_cast<long>(walk.frames);
}

} // namespace sse_audio::test
