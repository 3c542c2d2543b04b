#include "sse_output.hpp"

#include <obs-module.h>
#include <media-io/audio-io.h>

#include "audio_channel.hpp"
#include "output_settings.hpp"
#include "plugin_log.hpp"
#include "stream_server.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#ifndef SSE_AUDIO_VERSION
#define SSE_AUDIO_VERSION "0.0.0"
#endif

namespace sse_audio::obs {

namespace {

// How long stop() lets listeners receive the end of their streams: up to 50 polls of 10 ms.
constexpr int kListenerEndPolls = 50;

// One instance of the output: the settings it was given, and while active, a channel and a server.
class SseOutput {
public:
	SseOutput(obs_data_t *settings, obs_output_t *output) : output_(output) { update(settings); }
	~SseOutput() { stop(); }
	SseOutput(const SseOutput &) = delete;
	SseOutput &operator=(const SseOutput &) = delete;

	void update(obs_data_t *data)
	{
		std::lock_guard lock(lifecycle_mutex_);
		// Takes effect at the next start; the dock restarts the output to apply changes while live.
		settings_ = settings_from_data(data);
	}

	bool start();
	void stop();
	std::optional<OutputFigures> figures();

	// libobs's mixer callback (OBS's audio thread): hands the samples to the channel and returns.
	static void receive_audio(void *param, size_t mix_idx, struct audio_data *data);

private:
	bool fail_start(const std::string &message);

	obs_output_t *output_;
	std::mutex lifecycle_mutex_; // start, stop and update only; never taken on the audio thread
	StreamSettings settings_;
	std::unique_ptr<AudioChannel> channel_;
	StreamServer server_;
	size_t connected_mix_ = 0;
	bool capturing_ = false;
};

bool SseOutput::fail_start(const std::string &message)
{
	SSE_LOG(LOG_WARNING, "start failed: %s", message.c_str());
	obs_output_set_last_error(output_, message.c_str());
	return false;
}

bool SseOutput::start()
{
	std::lock_guard lock(lifecycle_mutex_);
	if (capturing_)
		return true;
	if (const Status valid = check_settings(settings_); !valid)
		return fail_start(valid.error());
	if (!obs_output_can_begin_data_capture(output_, 0))
		return fail_start("OBS cannot start audio capture for this output now");

	struct obs_audio_info audio_info = {};
	if (!obs_get_audio_info(&audio_info))
		return fail_start("OBS audio is not initialised");

	ChannelConfig channel_config;
	channel_config.sample_rate = static_cast<int>(audio_info.samples_per_sec);
	channel_config.bitrate_kbps = settings_.bitrate_kbps;
	auto channel = AudioChannel::start(channel_config);
	if (!channel)
		return fail_start(channel.error());

	char *web_root = obs_module_file("web");
	ServerConfig server_config;
	server_config.bind_address = settings_.bind_address;
	server_config.port = settings_.port;
	server_config.timeout_seconds = settings_.timeout_seconds;
	server_config.max_listeners = settings_.max_listeners;
	server_config.access_key = settings_.access_key;
	server_config.web_root = web_root ? web_root : "";
	server_config.version = SSE_AUDIO_VERSION;
	server_config.title = settings_.title.empty() ? kDefaultTitle : settings_.title;
	bfree(web_root);

	AudioChannel *raw_channel = channel->get();
	const Status served =
		server_.start(server_config, raw_channel->hub(), [raw_channel] { return raw_channel->stats(); });
	if (!served) {
		(*channel)->stop();
		return fail_start(served.error());
	}
	channel_ = std::move(*channel);

	// The mix is taken through obs_add_raw_audio_callback, converted by libobs to stereo float planar at OBS's
	// rate. On OBS 29 an audio-only raw output never receives raw_audio (libobs waits for a video timestamp
	// that never comes; fixed in 30.1), while the mixer callback works on every version, so it is the one path.
	struct audio_convert_info conversion = {};
	conversion.samples_per_sec = audio_info.samples_per_sec;
	conversion.format = AUDIO_FORMAT_FLOAT_PLANAR;
	conversion.speakers = SPEAKERS_STEREO;
	connected_mix_ = static_cast<size_t>(settings_.mixer);
	obs_add_raw_audio_callback(connected_mix_, &conversion, &SseOutput::receive_audio, this);
	capturing_ = true;

	// Marks the output active for OBS (signals, obs_output_active). Its own raw audio hook delivers nothing
	// on 29 and is ignored on later versions, see output_raw_audio below.
	obs_output_begin_data_capture(output_, 0);

	SSE_LOG(LOG_INFO, "started: http://%s:%d/ (track %d, %d kbps, %u Hz, timeout %d s, max %d listeners%s)",
		settings_.bind_address.c_str(), settings_.port, settings_.mixer + 1, settings_.bitrate_kbps,
		audio_info.samples_per_sec, settings_.timeout_seconds, settings_.max_listeners,
		settings_.access_key.empty() ? "" : ", access key required");
	return true;
}

void SseOutput::stop()
{
	std::lock_guard lock(lifecycle_mutex_);
	if (!capturing_)
		return;
	capturing_ = false;
	// Once this returns the audio thread is no longer inside receive_audio (libobs holds its input lock while
	// calling back), so the channel can be stopped safely.
	obs_remove_raw_audio_callback(connected_mix_, &SseOutput::receive_audio, this);

	channel_->stop(); // encodes what is queued, flushes LAME, ends every listener's stream
	// Each listener's handler now writes the closing "stopped" event and ends its response. The server's stop
	// would cut that short, so give them a moment (bounded: a stalled listener must not hold up OBS's exit).
	for (int i = 0; i < kListenerEndPolls && server_.stats().listeners_now > 0; i++)
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	const ChannelStats channel = channel_->stats();
	const ServerStats server = server_.stats();
	server_.stop();
	obs_output_end_data_capture(output_);

	SSE_LOG(LOG_INFO,
		"stopped: %llu events, %llu bytes sent, peak %llu listeners; drops: %llu PCM frames, %llu listener "
		"skips, %llu listeners timed out; audio callback p50 %llu ns, max %llu ns; encoder %.0fx "
		"real time%s%s",
		static_cast<unsigned long long>(channel.events_published),
		static_cast<unsigned long long>(server.bytes_sent),
		static_cast<unsigned long long>(server.listeners_peak),
		static_cast<unsigned long long>(channel.frames_dropped),
		static_cast<unsigned long long>(channel.listener_skips),
		static_cast<unsigned long long>(server.listeners_timed_out),
		static_cast<unsigned long long>(channel.callback_ns.p50),
		static_cast<unsigned long long>(channel.callback_ns.max), channel.encode_speed,
		channel.failed ? "; encoder error: " : "", channel.error.c_str());
	channel_.reset();
}

std::optional<OutputFigures> SseOutput::figures()
{
	std::unique_lock lock(lifecycle_mutex_, std::try_to_lock);
	if (!lock.owns_lock() || !capturing_)
		return std::nullopt;
	return OutputFigures{server_.stats(), channel_->stats()};
}

void SseOutput::receive_audio(void *param, size_t, struct audio_data *data)
{
	auto *self = static_cast<SseOutput *>(param);
	// channel_ is set before the callback is added and reset only after it is removed.
	self->channel_->push(reinterpret_cast<const float *>(data->data[0]),
			     reinterpret_cast<const float *>(data->data[1]), data->frames);
}

const char *output_name(void *)
{
	return obs_module_text("OutputName");
}

void *output_create(obs_data_t *settings, obs_output_t *output)
{
	return new SseOutput(settings, output);
}

void output_destroy(void *data)
{
	delete static_cast<SseOutput *>(data);
}

bool output_start(void *data)
{
	return static_cast<SseOutput *>(data)->start();
}

void output_stop(void *data, uint64_t)
{
	static_cast<SseOutput *>(data)->stop();
}

void output_update(void *data, obs_data_t *settings)
{
	static_cast<SseOutput *>(data)->update(settings);
}

void output_raw_audio(void *, struct audio_data *)
{
	// Deliberately empty: audio arrives through the mixer callback on every OBS version (see start()).
	// libobs requires it of an audio output and calls it once data capture has begun on versions after 29.
}

obs_properties_t *output_properties(void *)
{
	return make_output_properties();
}

} // namespace

std::optional<OutputFigures> read_output_figures(obs_output_t *output)
{
	// The id check makes the cast below safe: libobs hands back the pointer output_create returned.
	const char *id = output ? obs_output_get_id(output) : nullptr;
	if (!id || std::string(id) != kOutputId)
		return std::nullopt;
	auto *self = static_cast<SseOutput *>(obs_obj_get_data(output));
	return self ? self->figures() : std::nullopt;
}

void register_sse_output()
{
	struct obs_output_info info = {};
	info.id = kOutputId;
	info.flags = OBS_OUTPUT_AUDIO;
	info.get_name = output_name;
	info.create = output_create;
	info.destroy = output_destroy;
	info.start = output_start;
	info.stop = output_stop;
	info.update = output_update;
	info.raw_audio = output_raw_audio;
	info.get_defaults = set_default_settings;
	info.get_properties = output_properties;
	obs_register_output(&info);
}

} // namespace sse_audio::obs
