#include "tone_source.hpp"

#include <obs-module.h>
#include <util/platform.h>

#include <atomic>
#include <cmath>
#include <numbers>
#include <thread>
#include <vector>

namespace sse_audio::host {

namespace {

constexpr uint32_t kChunkFrames = 480; // 10 ms at 48 kHz
constexpr float kAmplitude = 0.25f;    // -12 dBFS: clearly audible, never clipping after mixing

class ToneSource {
public:
	ToneSource(obs_data_t *settings, obs_source_t *source) : source_(source)
	{
		frequency_ = obs_data_get_double(settings, kToneFrequencyKey);
		thread_ = std::thread([this] { run(); });
	}
	~ToneSource()
	{
		stop_ = true;
		thread_.join();
	}
	ToneSource(const ToneSource &) = delete;
	ToneSource &operator=(const ToneSource &) = delete;

private:
	void run()
	{
		struct obs_audio_info info = {};
		obs_get_audio_info(&info);
		const uint32_t rate = info.samples_per_sec ? info.samples_per_sec : 48000;
		std::vector<float> samples(kChunkFrames);
		const uint64_t start_ns = os_gettime_ns();
		uint64_t frames_sent = 0;
		double phase = 0;
		const double step = 2.0 * std::numbers::pi * frequency_ / rate;
		while (!stop_) {
			for (float &sample : samples) {
				sample = kAmplitude * static_cast<float>(std::sin(phase));
				phase += step;
				if (phase > 2.0 * std::numbers::pi)
					phase -= 2.0 * std::numbers::pi;
			}
			struct obs_source_audio audio = {};
			audio.data[0] = reinterpret_cast<const uint8_t *>(samples.data());
			audio.frames = kChunkFrames;
			audio.speakers = SPEAKERS_MONO;
			audio.format = AUDIO_FORMAT_FLOAT;
			audio.samples_per_sec = rate;
			audio.timestamp = start_ns + frames_sent * 1'000'000'000ULL / rate;
			obs_source_output_audio(source_, &audio);
			frames_sent += kChunkFrames;
			// Sleep to the next chunk's due time on the sample clock, so the tone runs at exactly real time.
			os_sleepto_ns(start_ns + frames_sent * 1'000'000'000ULL / rate);
		}
	}

	obs_source_t *source_;
	double frequency_ = 440.0;
	std::atomic<bool> stop_{false};
	std::thread thread_;
};

const char *tone_name(void *)
{
	return "Test tone";
}

void *tone_create(obs_data_t *settings, obs_source_t *source)
{
	return new ToneSource(settings, source);
}

void tone_destroy(void *data)
{
	delete static_cast<ToneSource *>(data);
}

void tone_defaults(obs_data_t *settings)
{
	obs_data_set_default_double(settings, kToneFrequencyKey, 440.0);
}

} // namespace

void register_tone_source()
{
	struct obs_source_info info = {};
	info.id = kToneSourceId;
	info.type = OBS_SOURCE_TYPE_INPUT;
	info.output_flags = OBS_SOURCE_AUDIO;
	info.get_name = tone_name;
	info.create = tone_create;
	info.destroy = tone_destroy;
	info.get_defaults = tone_defaults;
	obs_register_source(&info);
}

} // namespace sse_audio::host
