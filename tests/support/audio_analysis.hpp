#pragma once

// Measurements of decoded sound and of its arrival: pitch, level and rate against the wall clock.

#include "http_stream.hpp"

#include <cstddef>
#include <span>
#include <vector>

namespace sse_audio::itest {

// The strongest frequency between `low_hz` and `high_hz` by a Goertzel scan of a Hann-windowed signal: a coarse
// pass in 1 Hz steps, then a 0.02 Hz pass around the best. 0 for an empty signal.
double dominant_frequency(std::span<const float> samples, int sample_rate, double low_hz = 50, double high_hz = 2000);

// Frequency from the rising zero crossings (interpolated); 0 with fewer than two crossings.
double zero_crossing_frequency(std::span<const float> samples, int sample_rate);

double rms(std::span<const float> samples);

// Amplitude of the `hz` component of `samples` (Goertzel over a Hann window; a full-scale sine gives about 1).
double tone_level(std::span<const float> samples, int sample_rate, double hz);

// Decoded PCM frames that became available at a moment (one SSE event, or one read of /stream.mp3).
struct TimedFrames {
	Clock::time_point arrived;
	long frames = 0;
};

struct RateMeasurement {
	double ratio = 0;          // seconds of audio received per second of wall time
	double window_seconds = 0; // wall time between the first and last arrival counted
	double audio_seconds = 0;
	size_t arrivals = 0;
};

// Audio delivered after `from` against wall time: the window runs from the first arrival at or after `from` to the
// last arrival, and counts the frames of every arrival after the first (those are what the window received).
RateMeasurement measure_rate(const std::vector<TimedFrames> &arrivals, Clock::time_point from, int sample_rate);

} // namespace sse_audio::itest
