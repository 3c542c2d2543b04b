#include "audio_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace sse_audio::itest {

namespace {

double goertzel_power(const std::vector<double> &x, int sample_rate, double hz)
{
	const double w = 2.0 * std::numbers::pi * hz / sample_rate;
	const double coeff = 2.0 * std::cos(w);
	double s1 = 0;
	double s2 = 0;
	for (const double v : x) {
		const double s0 = v + coeff * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

} // namespace

double dominant_frequency(std::span<const float> samples, int sample_rate, double low_hz, double high_hz)
{
	if (samples.empty() || sample_rate <= 0)
		return 0;
	std::vector<double> x(samples.size());
	const double n = static_cast<double>(samples.size());
	for (size_t i = 0; i < samples.size(); i++)
		x[i] = samples[i] * (0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / n));
	double best_hz = low_hz;
	double best = -1;
	for (double hz = low_hz; hz <= high_hz; hz += 1.0) {
		const double p = goertzel_power(x, sample_rate, hz);
		if (p > best) {
			best = p;
			best_hz = hz;
		}
	}
	const double center = best_hz;
	for (double hz = center - 1.0; hz <= center + 1.0; hz += 0.02) {
		const double p = goertzel_power(x, sample_rate, hz);
		if (p > best) {
			best = p;
			best_hz = hz;
		}
	}
	return best_hz;
}

double zero_crossing_frequency(std::span<const float> samples, int sample_rate)
{
	double first = -1;
	double last = -1;
	long crossings = 0;
	for (size_t i = 1; i < samples.size(); i++) {
		const float a = samples[i - 1];
		const float b = samples[i];
		if (a < 0 && b >= 0) {
			const double at = static_cast<double>(i - 1) + static_cast<double>(-a / (b - a));
			if (first < 0)
				first = at;
			last = at;
			crossings++;
		}
	}
	if (crossings < 2 || last <= first)
		return 0;
	return static_cast<double>(crossings - 1) * sample_rate / (last - first);
}

double tone_level(std::span<const float> samples, int sample_rate, double hz)
{
	if (samples.empty())
		return 0;
	const double w = 2 * std::numbers::pi * hz / sample_rate;
	const double coeff = 2 * std::cos(w);
	double s1 = 0;
	double s2 = 0;
	double window_sum = 0;
	const size_t n = samples.size();
	for (size_t i = 0; i < n; i++) {
		const double window = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * double(i) / double(n - 1));
		window_sum += window;
		const double s0 = samples[i] * window + coeff * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
	return 2 * std::sqrt(std::max(power, 0.0)) / window_sum;
}

double rms(std::span<const float> samples)
{
	if (samples.empty())
		return 0;
	double sum = 0;
	for (const float v : samples)
		sum += double(v) * v;
	return std::sqrt(sum / static_cast<double>(samples.size()));
}

RateMeasurement measure_rate(const std::vector<TimedFrames> &arrivals, Clock::time_point from, int sample_rate)
{
	RateMeasurement m;
	const TimedFrames *first = nullptr;
	const TimedFrames *last = nullptr;
	long frames = 0;
	for (const auto &a : arrivals) {
		if (a.arrived < from)
			continue;
		if (!first) {
			first = &a;
		} else {
			frames += a.frames;
		}
		last = &a;
		m.arrivals++;
	}
	if (!first || last == first || sample_rate <= 0)
		return m;
	m.window_seconds = std::chrono::duration<double>(last->arrived - first->arrived).count();
	m.audio_seconds = static_cast<double>(frames) / sample_rate;
	m.ratio = m.window_seconds > 0 ? m.audio_seconds / m.window_seconds : 0;
	return m;
}

} // namespace sse_audio::itest
