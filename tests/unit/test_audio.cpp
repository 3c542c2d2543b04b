#include "test_audio.hpp"

#include "mpeg_frame.hpp"

#include <mpg123.h>

#include <cmath>
#include <memory>
#include <numbers>

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

DecodedMp3 decode_mp3(std::span<const uint8_t> mp3)
{
	DecodedMp3 out;
	mpg123_init(); // a no-op since mpg123 1.27, required before it
	int err = MPG123_OK;
	std::unique_ptr<mpg123_handle, decltype(&mpg123_delete)> handle(mpg123_new(nullptr, &err), &mpg123_delete);
	if (!handle) {
		out.error = std::string("mpg123_new: ") + mpg123_plain_strerror(err);
		return out;
	}
	mpg123_handle *mh = handle.get();
	mpg123_param(mh, MPG123_ADD_FLAGS, MPG123_QUIET, 0);
	mpg123_format_none(mh);
	for (const long rate : {44100L, 48000L})
		mpg123_format(mh, rate, MPG123_MONO | MPG123_STEREO, MPG123_ENC_FLOAT_32);
	if (mpg123_open_feed(mh) != MPG123_OK || mpg123_feed(mh, mp3.data(), mp3.size()) != MPG123_OK) {
		out.error = std::string("mpg123 feed: ") + mpg123_strerror(mh);
		return out;
	}
	std::vector<float> buffer(8192);
	int encoding = 0;
	// Bounded: every iteration either consumes input or ends; the cap only guards against a decoder bug.
	for (int guard = 0; guard < 1'000'000; guard++) {
		size_t done = 0;
		const int ret = mpg123_read(mh, buffer.data(), buffer.size() * sizeof(float), &done);
		const size_t samples = done / sizeof(float);
		if (out.channels == 2) {
			for (size_t i = 0; i + 1 < samples; i += 2) {
				out.left.push_back(buffer[i]);
				out.right.push_back(buffer[i + 1]);
			}
		} else if (out.channels == 1) {
			out.left.insert(out.left.end(), buffer.begin(),
					buffer.begin() + static_cast<std::ptrdiff_t>(samples));
			out.right.insert(out.right.end(), buffer.begin(),
					 buffer.begin() + static_cast<std::ptrdiff_t>(samples));
		}
		if (ret == MPG123_NEW_FORMAT) {
			mpg123_getformat(mh, &out.sample_rate, &out.channels, &encoding);
			continue;
		}
		if (ret == MPG123_OK)
			continue;
		if (ret == MPG123_NEED_MORE || ret == MPG123_DONE) {
			out.ok = out.channels > 0;
			if (!out.ok)
				out.error = "mpg123 found no audio";
			return out;
		}
		out.error = std::string("mpg123_read: ") + mpg123_strerror(mh);
		return out;
	}
	out.error = "mpg123 did not finish";
	return out;
}

double estimate_frequency(std::span<const float> samples, int sample_rate)
{
	double first = -1;
	double last = -1;
	size_t crossings = 0;
	for (size_t i = 1; i < samples.size(); i++) {
		const float a = samples[i - 1];
		const float b = samples[i];
		if (a < 0 && b >= 0) {
			const double t = double(i - 1) + double(-a) / double(b - a);
			if (crossings == 0)
				first = t;
			last = t;
			crossings++;
		}
	}
	if (crossings < 2 || last <= first)
		return 0;
	return double(crossings - 1) * sample_rate / (last - first);
}

double rms(std::span<const float> samples)
{
	if (samples.empty())
		return 0;
	double sum = 0;
	for (const float s : samples)
		sum += double(s) * double(s);
	return std::sqrt(sum / double(samples.size()));
}

long count_whole_frames(std::span<const uint8_t> mp3, int sample_rate, int bitrate_kbps)
{
	long frames = 0;
	size_t offset = 0;
	while (offset < mp3.size()) {
		const auto header = parse_mpeg_frame_header(mp3.subspan(offset));
		if (!header || header->sample_rate != sample_rate || header->bitrate_kbps != bitrate_kbps ||
		    offset + header->frame_bytes > mp3.size())
			return -1;
		offset += header->frame_bytes;
		frames++;
	}
	return frames;
}

} // namespace sse_audio::test
