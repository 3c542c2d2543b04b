#pragma once

// Helpers shared by the unit tests that look at sound: sine generation, and thin adapters over tests/support's
// libmpg123 decoder (an independent decoder, so the tests check what a listener hears and not only what LAME
// wrote), measurements and MPEG frame walker.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace sse_audio::test {

struct StereoPcm {
	std::vector<float> left;
	std::vector<float> right;
	[[nodiscard]] size_t frames() const { return left.size(); }
};

// `frames` samples per channel of a sine on each channel; sample i has phase 2*pi*f*(first_frame + i)/rate, so
// consecutive calls with a running first_frame continue one unbroken tone.
StereoPcm make_sine(double left_hz, double right_hz, int sample_rate, size_t frames, size_t first_frame = 0,
		    float amplitude = 0.5f);

struct DecodedMp3 {
	bool ok = false;
	std::string error;
	long sample_rate = 0;
	int channels = 0;
	std::vector<float> left;
	std::vector<float> right; // a copy of left for mono streams
	[[nodiscard]] size_t frames() const { return left.size(); }
};

// Decodes a whole MP3 byte stream (fed to mpg123 in feed mode) into float samples.
DecodedMp3 decode_mp3(std::span<const uint8_t> mp3);

// Frequency in Hz from the rising zero crossings of `samples` (interpolated between samples); 0 when the signal
// has fewer than two rising crossings.
double estimate_frequency(std::span<const float> samples, int sample_rate);

double rms(std::span<const float> samples);

// Walks `mp3` as back-to-back MPEG audio frames; returns how many whole frames it holds, or -1 when it does not
// consist exactly of whole frames with valid headers of the given sample rate and bitrate.
long count_whole_frames(std::span<const uint8_t> mp3, int sample_rate, int bitrate_kbps);

} // namespace sse_audio::test
