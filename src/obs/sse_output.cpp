#include "sse_output.hpp"

#include <obs-module.h>
#include <media-io/audio-io.h>

#include "callback_guard.hpp"
#include "output_settings.hpp"
#include "plugin_log.hpp"
#include "relay/relay_url.hpp"
#include "stream.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace sse_audio::obs {

namespace {

// What the start line of the log says the stream takes: "track 1", or each channel with its track.
std::string channels_text(const std::vector<ChannelSetting> &channels)
{
	if (channels.size() == 1 && channels.front().name.empty())
		return "track " + std::to_string(channels.front().mixer + 1);
	std::string text = "channels";
	for (const ChannelSetting &c : channels)
		text += (&c == &channels.front() ? " " : ", ") + c.id + " \"" + c.name + "\" (track " +
			std::to_string(c.mixer + 1) + ")";
	return text;
}

// One instance of the output: the settings it was given, and while active, its channels and a server.
class SseOutput {
public:
	SseOutput(obs_data_t *settings, obs_output_t *output, OutputTypeOptions type)
		: output_(output), type_(std::move(type))
	{
		update(settings);
	}
	~SseOutput()
	{
		join_failure_thread();
		// libobs stops an active output (and waits for the stop) before destroying it, so nothing is running
		// here; should it be, tear it down without telling libobs of a stop it never asked for.
		std::lock_guard lock(lifecycle_mutex_);
		if (capturing_)
			tear_down("stopped");
	}
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
	std::optional<Error> failure()
	{
		std::lock_guard lock(failure_mutex_);
		return last_failure_;
	}

	// libobs's mixer callback (OBS's audio thread): hands the samples to the channel and returns.
	static void receive_audio(void *param, size_t mix_idx, struct audio_data *data);

private:
	bool fail_start(Error failure);
	// Removes the audio callback, stops the channel and the server; lifecycle_mutex_ held, capturing_ true.
	void tear_down(const char *how);
	// Ends libobs's data capture with `code` (lifecycle_mutex_ held): obs_output_end_data_capture, or
	// obs_output_signal_stop for an error. Either one signals the output's stopping event, at once when capture
	// has already ended, and emits the "stop" signal.
	void end_capture(int code);
	// The encoder thread's report of a mid-stream failure: hands the stop to failure_thread_, since stopping
	// the channel joins the encoder thread.
	void on_channel_failure(size_t channel, const Error &failure);
	void stop_after_failure(const Error &cause);
	void set_failure(std::optional<Error> failure);
	void join_failure_thread();

	obs_output_t *output_;
	const OutputTypeOptions type_;
	// start, stop, update and the failure thread; never taken on the audio thread. libobs's "stop" signal is
	// emitted under it, so a "stop" handler must not start or stop this output from inside the handler (libobs
	// itself cannot start an output from there: the start waits for the stop that is still being signalled).
	std::mutex lifecycle_mutex_;
	StreamSettings settings_;
	std::unique_ptr<Stream> stream_;       // while capturing
	std::vector<size_t> connected_tracks_; // the tracks receive_audio is connected to while capturing
	bool capturing_ = false;
	// How many times this output has ended libobs's data capture; read by stop() before it takes the mutex, to
	// tell whether an end came after libobs asked for this stop (see stop()).
	std::atomic<uint64_t> capture_ends_{0};
	// Guards failure_thread_ and last_failure_. Taken after lifecycle_mutex_ when both are: the output's "stop"
	// handler reads the failure while the failure thread holds lifecycle_mutex_.
	std::mutex failure_mutex_;
	std::thread failure_thread_;
	std::optional<Error> last_failure_; // why the last start failed, or the stream stopped; reset by a start
};

bool SseOutput::fail_start(Error failure)
{
	SSE_LOG(LOG_WARNING, "start failed: %s", failure.message.c_str());
	obs_output_set_last_error(output_, failure.message.c_str());
	set_failure(std::move(failure));
	return false;
}

void SseOutput::set_failure(std::optional<Error> failure)
{
	std::lock_guard lock(failure_mutex_);
	last_failure_ = std::move(failure);
}

bool SseOutput::start()
{
	// Outside lifecycle_mutex_: the failure thread takes that mutex itself.
	join_failure_thread();
	std::lock_guard lock(lifecycle_mutex_);
	if (capturing_)
		return true;
	if (const Status valid = check_settings(settings_); !valid)
		return fail_start(valid.failure());
	if (!obs_output_can_begin_data_capture(output_, 0))
		return fail_start("OBS cannot start audio capture for this output now");

	struct obs_audio_info audio_info = {};
	if (!obs_get_audio_info(&audio_info))
		return fail_start("OBS audio is not initialised");

	StreamConfig config;
	config.settings = settings_;
	config.sample_rate = static_cast<int>(audio_info.samples_per_sec);
	config.web_root = type_.web_root;
	if (config.web_root.empty()) {
		char *web_root = obs_module_file("web");
		config.web_root = web_root ? web_root : "";
		bfree(web_root);
	}
	config.version = SSE_AUDIO_VERSION;
	config.default_title = kDefaultTitle;
	config.make_encoder = type_.make_encoder;
	config.on_failure = [this](size_t channel, const Error &failure) {
		on_channel_failure(channel, failure);
	};
	auto stream = Stream::start(std::move(config));
	if (!stream)
		return fail_start(stream.failure());
	stream_ = std::move(*stream);
	set_failure(std::nullopt);

	// The mix is taken through obs_add_raw_audio_callback, converted by libobs to stereo float planar at OBS's
	// rate. On OBS 29 an audio-only raw output never receives raw_audio (libobs waits for a video timestamp
	// that never comes; fixed in 30.1), while the mixer callback works on every version, so it is the one path.
	struct audio_convert_info conversion = {};
	conversion.samples_per_sec = audio_info.samples_per_sec;
	conversion.format = AUDIO_FORMAT_FLOAT_PLANAR;
	conversion.speakers = SPEAKERS_STEREO;
	// One callback per track the channels take; libobs says which track each call is for.
	connected_tracks_ = stream_->tracks();
	for (const size_t track : connected_tracks_)
		obs_add_raw_audio_callback(track, &conversion, &SseOutput::receive_audio, this);
	capturing_ = true;

	// Marks the output active for OBS (signals, obs_output_active). Its own raw audio hook delivers nothing
	// on 29 and is ignored on later versions, see output_raw_audio below.
	obs_output_begin_data_capture(output_, 0);

	SSE_LOG(LOG_INFO, "started: http://%s:%d/ (%s, %d kbps, %u Hz, timeout %d s, max %d listeners%s)",
		settings_.bind_address.c_str(), settings_.port, channels_text(stream_->channels()).c_str(),
		settings_.bitrate_kbps, audio_info.samples_per_sec, settings_.timeout_seconds, settings_.max_listeners,
		settings_.access_key.empty() ? "" : ", access key required");
	if (stream_->relaying())
		SSE_LOG(LOG_INFO, "relaying to %s%s%s", relay_url_for_display(settings_.relay_url).c_str(),
			settings_.relay_key.empty() ? "" : " with a key",
			settings_.serve_listeners ? "" : "; listeners are served by the relay only");
	return true;
}

void SseOutput::stop()
{
	// libobs resets the output's stopping event just before it calls this, then waits for the event in the next
	// start and in obs_output_destroy, and only ending data capture signals it. So every call must end in an
	// end of capture made after the reset: also a repeated call, such as the forced stop obs_output_destroy makes
	// when the capture thread of the previous stop has not yet marked the output inactive. Returning early there
	// left OBS waiting forever at exit.
	const uint64_t ends_before = capture_ends_.load();
	std::lock_guard lock(lifecycle_mutex_);
	if (capturing_) {
		// Capture ends whatever tearing down does (it only stops threads and logs, but an end that did not come
		// would leave OBS waiting forever).
		guarded("tearing down the stream", [&] { tear_down("stopped"); });
		end_capture(OBS_OUTPUT_SUCCESS);
	} else if (capture_ends_.load() == ends_before) {
		// Already ended, before libobs asked again: ending once more signals the event at once.
		end_capture(OBS_OUTPUT_SUCCESS);
	}
	// Otherwise the failure thread ended capture after this call began, and so after the reset: that end signals
	// the event, and OBS hears of one stop only.
}

void SseOutput::end_capture(int code)
{
	capture_ends_++;
	if (code == OBS_OUTPUT_SUCCESS)
		obs_output_end_data_capture(output_);
	else
		obs_output_signal_stop(output_, code);
}

void SseOutput::on_channel_failure(size_t channel, const Error &failure)
{
	// stream_ is set before any encoder runs and reset only after every encoder thread is joined.
	const ChannelSetting &failed = stream_->channels().at(channel);
	if (stream_->channels().size() > 1) {
		// The others go on: this channel's listeners got the end of their stream, /status.json says why.
		SSE_LOG(LOG_ERROR, "channel \"%s\" (%s): the MP3 encoder failed: %s", failed.id.c_str(),
			failed.name.c_str(), failure.message.c_str());
		if (stream_->channels_running() > 0)
			return;
	} else {
		SSE_LOG(LOG_ERROR, "the MP3 encoder failed: %s", failure.message.c_str());
	}
	std::lock_guard lock(failure_mutex_);
	if (!failure_thread_.joinable())
		failure_thread_ = std::thread([this, failure] { stop_after_failure(failure); });
}

void SseOutput::stop_after_failure(const Error &cause)
{
	std::lock_guard lock(lifecycle_mutex_);
	// A stop that came first has already ended the output; OBS must not hear of a second stop.
	if (!capturing_)
		return;
	guarded("tearing down the stream", [&] { tear_down("stopped after an encoder error"); });
	// The dock shows the cause's locale text, which is written as this whole sentence (Failure.LameEncode).
	Error stopped{"The MP3 encoder failed and the stream was stopped: " + cause.message, cause.text_key,
		      cause.text_args};
	obs_output_set_last_error(output_, stopped.message.c_str());
	set_failure(std::move(stopped));
	// Ends data capture and emits OBS's "stop" signal with the error code, as a network output does when its
	// connection fails; the dock and obs-websocket clients see the output stop with this error. Under the mutex,
	// so that a stop asked for meanwhile finds the capture ended (see stop()).
	end_capture(OBS_OUTPUT_ERROR);
}

void SseOutput::join_failure_thread()
{
	std::thread finished;
	{
		std::lock_guard lock(failure_mutex_);
		if (!failure_thread_.joinable() || failure_thread_.get_id() == std::this_thread::get_id())
			return;
		finished = std::move(failure_thread_);
	}
	finished.join();
}

void SseOutput::tear_down(const char *how)
{
	capturing_ = false;
	// Once this returns the audio thread is no longer inside receive_audio (libobs holds its input lock while
	// calling back), so the channel can be stopped safely.
	for (const size_t track : connected_tracks_)
		obs_remove_raw_audio_callback(track, &SseOutput::receive_audio, this);

	const StreamStats last = stream_->stop(); // every listener gets the end of its stream
	const ServerStats &server = last.server;
	const ChannelStats &channel = last.channel;
	uint64_t pcm_dropped = 0;
	uint64_t skips = 0;
	for (const ChannelFigures &c : last.channels) {
		pcm_dropped += c.channel.frames_dropped;
		skips += c.channel.listener_skips;
		// With several channels, each one's own line: a failed or lossy channel is named.
		if (last.channels.size() > 1)
			SSE_LOG(LOG_INFO,
				"channel %s (%s): %llu events, %llu sent to listeners; %llu PCM frames dropped%s%s",
				c.setting.id.c_str(), c.setting.name.c_str(),
				static_cast<unsigned long long>(c.channel.events_published),
				static_cast<unsigned long long>(c.listeners.events_sent),
				static_cast<unsigned long long>(c.channel.frames_dropped),
				c.channel.failed ? "; encoder error: " : "", c.channel.error.c_str());
	}
	if (last.relay) {
		const RelayStats &relay = *last.relay;
		SSE_LOG(LOG_INFO, "relay %s: %llu events relayed, %llu failed attempts, %llu events lost%s%s", how,
			static_cast<unsigned long long>(relay.events_relayed),
			static_cast<unsigned long long>(relay.failed_attempts),
			static_cast<unsigned long long>(relay.events_lost),
			relay.last_error.message.empty() ? "" : "; last error: ", relay.last_error.message.c_str());
	}

	SSE_LOG(LOG_INFO,
		"%s: %llu events, %llu bytes sent, peak %llu listeners; drops: %llu PCM frames, %llu listener "
		"skips, %llu listeners timed out; audio callback p50 %llu ns, max %llu ns; encoder %.0fx "
		"real time%s%s",
		how, static_cast<unsigned long long>(channel.events_published),
		static_cast<unsigned long long>(server.bytes_sent),
		static_cast<unsigned long long>(server.listeners_peak), static_cast<unsigned long long>(pcm_dropped),
		static_cast<unsigned long long>(skips), static_cast<unsigned long long>(server.listeners_timed_out),
		static_cast<unsigned long long>(channel.callback_ns.p50),
		static_cast<unsigned long long>(channel.callback_ns.max), channel.encode_speed,
		channel.failed ? "; encoder error: " : "", channel.error.c_str());
	stream_.reset();
}

std::optional<OutputFigures> SseOutput::figures()
{
	std::unique_lock lock(lifecycle_mutex_, std::try_to_lock);
	if (!lock.owns_lock() || !capturing_)
		return std::nullopt;
	return stream_->stats();
}

void SseOutput::receive_audio(void *param, size_t track, struct audio_data *data)
{
	auto *self = static_cast<SseOutput *>(param);
	// stream_ is set before the callback is added and reset only after it is removed.
	self->stream_->push(track, reinterpret_cast<const float *>(data->data[0]),
			    reinterpret_cast<const float *>(data->data[1]), data->frames);
}

const char *output_name(void *)
{
	return obs_module_text("OutputName");
}

void *output_create(obs_data_t *settings, obs_output_t *output)
{
	return guarded(
		"creating the output",
		[&]() -> void * {
			const auto *type = static_cast<const OutputTypeOptions *>(obs_output_get_type_data(output));
			return new SseOutput(settings, output, type ? *type : OutputTypeOptions{});
		},
		nullptr); // libobs refuses the output: obs_output_create returns null
}

void free_type_options(void *type_data)
{
	delete static_cast<OutputTypeOptions *>(type_data);
}

void output_destroy(void *data)
{
	// Not guarded: a destructor is noexcept, so nothing thrown inside it could reach a guard (see callback_guard.hpp).
	delete static_cast<SseOutput *>(data);
}

bool output_start(void *data)
{
	return guarded(
		"starting the output", [&] { return static_cast<SseOutput *>(data)->start(); }, false);
}

void output_stop(void *data, uint64_t)
{
	guarded("stopping the output", [&] { static_cast<SseOutput *>(data)->stop(); });
}

void output_update(void *data, obs_data_t *settings)
{
	guarded("updating the output's settings", [&] { static_cast<SseOutput *>(data)->update(settings); });
}

void output_raw_audio(void *, struct audio_data *)
{
	// Deliberately empty: audio arrives through the mixer callback on every OBS version (see start()).
	// libobs requires it of an audio output and calls it once data capture has begun on versions after 29.
}

obs_properties_t *output_properties(void *)
{
	return guarded(
		"listing the output's properties", [] { return make_output_properties(); }, nullptr);
}

// The ids registered by register_sse_output: the plugin's, and in tests others with a different encoder. Written
// only while libobs loads the module (or a test sets up), before any output exists; read afterwards.
std::vector<std::string> &registered_ids()
{
	static std::vector<std::string> ids;
	return ids;
}

// The plugin's output behind `output`, or null when it is another kind (or none). The id check makes the cast
// safe: libobs hands back the pointer output_create returned.
SseOutput *sse_output_of(obs_output_t *output)
{
	const char *id = output ? obs_output_get_id(output) : nullptr;
	if (!id || std::find(registered_ids().begin(), registered_ids().end(), id) == registered_ids().end())
		return nullptr;
	return static_cast<SseOutput *>(obs_obj_get_data(output));
}

} // namespace

std::optional<OutputFigures> read_output_figures(obs_output_t *output)
{
	SseOutput *self = sse_output_of(output);
	return self ? self->figures() : std::nullopt;
}

std::optional<Error> read_output_failure(obs_output_t *output)
{
	SseOutput *self = sse_output_of(output);
	return self ? self->failure() : std::nullopt;
}

void register_sse_output(const char *id, OutputTypeOptions options)
{
	struct obs_output_info info = {};
	info.id = id;
	// Handed to each instance at create; libobs frees it with the type.
	info.type_data = new OutputTypeOptions(std::move(options));
	info.free_type_data = free_type_options;
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
	registered_ids().emplace_back(id);
}

} // namespace sse_audio::obs
