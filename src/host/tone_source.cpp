#include "tone_source.hpp"

#include <obs-module.h>
#include <util/platform.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <numbers>
#include <string_view>
#include <thread>
#include <vector>

namespace sse_audio::host {

namespace {

constexpr uint32_t kChunkFrames = 480; // 10 ms at 48 kHz
constexpr float kAmplitude = 0.25f;    // -12 dBFS: clearly audible, never clipping after mixing
// Each chunk goes to libobs this long before its time. libobs mixes by timestamp, so audio given early is mixed
// at its time all the same; what the lead buys is slack for this thread. Sent just in time, a chunk this thread
// got to late (a busy machine: 100 ms and more was seen with both cores taken) missed its mix, libobs added that
// much buffering and held the output meanwhile, and every listener heard a silence the plugin did not make.
constexpr uint64_t kLeadNs = 200'000'000;

class ToneSource {
public:
	// Starts the thread that feeds the tone to `source`; it runs until stop() or the destructor. libobs holds the
	// object between its create and destroy callbacks.
	static std::unique_ptr<ToneSource> start(obs_data_t *settings, obs_source_t *source)
	{
		std::unique_ptr<ToneSource> tone(new ToneSource(settings, source));
		tone->thread_ = std::thread([raw = tone.get()] { raw->run(); });
		return tone;
	}
	~ToneSource() { stop(); }
	ToneSource(const ToneSource &) = delete;
	ToneSource &operator=(const ToneSource &) = delete;

	// Joins the thread, within one chunk's sleep (10 ms). Safe to call more than once.
	void stop()
	{
		stop_ = true;
		if (thread_.joinable())
			thread_.join();
	}

	[[nodiscard]] uint64_t start_ns() const { return start_ns_.load(std::memory_order_acquire); }

private:
	ToneSource(obs_data_t *settings, obs_source_t *source) : source_(source)
	{
		frequency_ = obs_data_get_double(settings, kToneFrequencyKey);
		marks_ms_ = static_cast<uint32_t>(std::max<long long>(obs_data_get_int(settings, kToneMarksKey), 0));
	}

	void run()
	{
		struct obs_audio_info info = {};
		obs_get_audio_info(&info);
		const uint32_t rate = info.samples_per_sec ? info.samples_per_sec : 48000;
		std::vector<float> samples(kChunkFrames);
		const uint64_t start_ns = os_gettime_ns();
		start_ns_.store(start_ns, std::memory_order_release);
		uint64_t frames_sent = 0;
		double phase = 0;
		const double step = 2.0 * std::numbers::pi * frequency_ / rate;
		// Marks: frames [tone_mark_frame(k), + 100 ms) for k = 1, 2, ... step the phase twice as fast. The phase
		// itself runs on, so the change of pitch is continuous (no click), and frame tone_mark_frame(k) is the
		// first whose phase advanced by the mark's step: where the waveform first departs from the tone.
		const uint64_t mark_frames = uint64_t{kToneMarkMs} * rate / 1000;
		uint64_t mark_index = 1;
		uint64_t mark_start = tone_mark_frame(mark_index, marks_ms_, rate);
		while (!stop_) {
			for (uint32_t i = 0; i < kChunkFrames; i++) {
				const uint64_t frame = frames_sent + i;
				if (marks_ms_ > 0 && frame >= mark_start + mark_frames)
					mark_start = tone_mark_frame(++mark_index, marks_ms_, rate);
				const bool in_mark = marks_ms_ > 0 && frame >= mark_start;
				phase += in_mark ? 2 * step : step;
				if (phase > 2.0 * std::numbers::pi)
					phase -= 2.0 * std::numbers::pi;
				samples[i] = kAmplitude * static_cast<float>(std::sin(phase));
			}
			struct obs_source_audio audio = {};
			audio.data[0] = reinterpret_cast<const uint8_t *>(samples.data());
			audio.frames = kChunkFrames;
			audio.speakers = SPEAKERS_MONO;
			audio.format = AUDIO_FORMAT_FLOAT;
			audio.samples_per_sec = rate;
			audio.timestamp = tone_frame_ns(start_ns, frames_sent, rate);
			obs_source_output_audio(source_, &audio);
			frames_sent += kChunkFrames;
			// Sleep to the next chunk's due time on the sample clock, less the lead, so the tone runs at exactly
			// real time, kLeadNs ahead.
			os_sleepto_ns(tone_frame_ns(start_ns, frames_sent, rate) - kLeadNs);
		}
	}

	obs_source_t *source_;
	double frequency_ = 440.0;
	uint32_t marks_ms_ = 0;
	std::atomic<uint64_t> start_ns_{0};
	std::atomic<bool> stop_{false};
	std::thread thread_;
};

const char *tone_name(void *)
{
	return "Test tone";
}

void *tone_create(obs_data_t *settings, obs_source_t *source)
{
	return ToneSource::start(settings, source).release(); // libobs owns it until tone_destroy
}

void tone_destroy(void *data)
{
	delete static_cast<ToneSource *>(data);
}

void tone_defaults(obs_data_t *settings)
{
	obs_data_set_default_double(settings, kToneFrequencyKey, 440.0);
	obs_data_set_default_int(settings, kToneMarksKey, 0);
}

} // namespace

uint64_t tone_start_ns(obs_source_t *source)
{
	const char *id = source ? obs_source_get_id(source) : nullptr;
	if (!id || std::string_view(id) != kToneSourceId)
		return 0;
	const auto *tone = static_cast<const ToneSource *>(obs_obj_get_data(source));
	return tone ? tone->start_ns() : 0;
}

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
