#include "output_controller.hpp"

#include "callback_guard.hpp"
#include "output_settings.hpp"
#include "plugin_log.hpp"
#include "settings_store.hpp"
#include "sse_output.hpp"

#include "audio/audio_channel.hpp"

#include <utility>

namespace sse_audio::obs {

namespace {

constexpr const char *kOutputName = "obs-sse-audio";

obs_data_t *make_output_data(const StreamSettings &settings)
{
	obs_data_t *data = obs_data_create();
	settings_to_data(settings, data);
	return data;
}

// Why `output` failed: libobs's last error, as the output's own account (with the words' locale key) when that is
// the same failure. libobs can refuse a start before asking the output, and then the output's is an older one.
Error output_failure(obs_output_t *output, std::string fallback)
{
	const char *last = obs_output_get_last_error(output);
	Error error{last && *last ? std::string(last) : std::move(fallback)};
	if (auto own = read_output_failure(output); own && own->message == error.message)
		return std::move(*own);
	return error;
}

} // namespace

OutputController::OutputController(std::string settings_path) : settings_path_(std::move(settings_path))
{
	if (!settings_path_.empty()) {
		std::vector<SettingsProblem> refused;
		settings_ = load_plugin_settings(settings_path_, &refused);
		std::string reasons;
		for (const auto &problem : refused) {
			SSE_LOG(LOG_WARNING, "settings file: %s; the stream stays stopped until this is corrected",
				problem.message.c_str());
			reasons += (reasons.empty() ? "" : "; ") + problem.message;
		}
		// Shown in the dock at once; a start (also "start with OBS") is refused with the same reasons.
		if (!reasons.empty())
			state_ = {StreamPhase::Error, 0, "Settings refused: " + reasons};
	}
	worker_ = SerialWorker<Command>::start("sse-control", [this](const Command &command) { carry_out(command); });
}

OutputController::~OutputController()
{
	shutdown();
}

PluginSettings OutputController::settings() const
{
	std::lock_guard lock(mutex_);
	return settings_;
}

std::vector<SettingsProblem> OutputController::apply(const PluginSettings &settings)
{
	auto problems = validate_settings(settings.stream);
	if (!problems.empty()) {
		for (const auto &problem : problems)
			SSE_LOG(LOG_INFO, "settings refused: %s", problem.message.c_str());
		return problems;
	}
	if (!settings_path_.empty()) {
		if (const Status saved = save_plugin_settings(settings, settings_path_); !saved) {
			SSE_LOG(LOG_WARNING, "%s", saved.error().c_str());
			return {{"", saved.error()}};
		}
	}
	bool restart = false;
	{
		std::lock_guard lock(mutex_);
		const bool stream_changed =
			!(PluginSettings{settings.stream, false} == PluginSettings{settings_.stream, false});
		settings_ = settings;
		restart = stream_changed &&
			  (state_.phase == StreamPhase::Live || state_.phase == StreamPhase::Starting);
	}
	SSE_LOG(LOG_INFO, "settings applied%s", restart ? "; restarting the output" : "");
	if (restart)
		worker_->post(Command::Restart);
	return {};
}

void OutputController::start()
{
	worker_->post(Command::Start);
}

void OutputController::stop()
{
	worker_->post(Command::Stop);
}

StreamState OutputController::state() const
{
	std::lock_guard lock(mutex_);
	return state_;
}

StreamFigures OutputController::figures() const
{
	std::optional<OutputFigures> read;
	{
		std::lock_guard lock(mutex_);
		if (output_ && state_.phase == StreamPhase::Live)
			read = read_output_figures(output_);
	}
	StreamFigures f;
	if (!read)
		return f;
	// In relay-only mode the plugin runs no server of its own: the stream runs while the channel does.
	f.running = read->server.running || read->relay.has_value();
	f.relay = read->relay;
	f.listeners_now = read->server.listeners_now;
	f.listeners_peak = read->server.listeners_peak;
	f.bitrate_kbps = read->channel.bitrate_kbps;
	f.bytes_sent = read->server.bytes_sent;
	// Every channel's losses count (the figures above are the first channel's, as before channels existed).
	for (size_t i = 0; i < read->channels.size(); i++) {
		const ChannelFigures &channel = read->channels[i];
		f.pcm_frames_dropped += channel.channel.frames_dropped;
		f.listener_skips += channel.channel.listener_skips;
		if (i > 0 && channel.relay)
			f.later_relays_events_lost += channel.relay->events_lost;
	}
	f.listeners_timed_out = read->server.listeners_timed_out;
	f.rejected_full = read->server.rejected_full;
	for (const ChannelFigures &channel : read->channels)
		f.channels.push_back(
			{channel.listeners.listeners_now, channel.channel.failed ? channel.channel.error : ""});
	return f;
}

void OutputController::set_state_observer(std::function<void()> observer)
{
	std::lock_guard lock(mutex_);
	observer_ = std::move(observer);
}

StreamState OutputController::wait_settled(std::chrono::milliseconds timeout) const
{
	worker_->wait_idle(timeout);
	return state();
}

void OutputController::carry_out(Command command)
{
	switch (command) {
	case Command::Start:
		start_output();
		break;
	case Command::Stop:
		stop_output();
		break;
	case Command::Restart:
		stop_output();
		start_output();
		break;
	}
}

void OutputController::start_output()
{
	PluginSettings settings;
	{
		std::lock_guard lock(mutex_);
		if (state_.phase == StreamPhase::Live)
			return;
		settings = settings_;
	}
	set_state({StreamPhase::Starting, 0, {}});

	obs_data_t *data = make_output_data(settings.stream);
	if (!output_) {
		// Created here and not at load: libobs must be fully up, and whoever starts first (the dock, "start
		// with OBS", obs-websocket) gets the same output.
		obs_output_t *created = obs_output_create(kOutputId, kOutputName, data, nullptr);
		if (created)
			signal_handler_connect(obs_output_get_signal_handler(created), "stop",
					       &OutputController::on_output_stop, this);
		std::lock_guard lock(mutex_);
		output_ = created;
	} else {
		obs_output_update(output_, data);
	}
	obs_data_release(data);

	if (!output_) {
		set_state({StreamPhase::Error, 0, "OBS could not create the output"});
		return;
	}
	if (!obs_output_start(output_)) {
		set_state({StreamPhase::Error, 0, output_failure(output_, "the output did not start")});
		return;
	}
	set_state({StreamPhase::Live, wall_clock_ms(), {}});
}

void OutputController::stop_output()
{
	{
		std::lock_guard lock(mutex_);
		if (!output_ || state_.phase != StreamPhase::Live) {
			// An error is cleared by stopping: the user saw it and chose to stop.
			if (state_.phase == StreamPhase::Error)
				state_ = {};
			return;
		}
	}
	set_state({StreamPhase::Stopping, 0, {}});
	obs_output_stop(output_);
	set_state({StreamPhase::Stopped, 0, {}});
}

void OutputController::on_output_stop(void *param, calldata_t *data)
{
	guarded("handling the output's stop signal",
		[&] { static_cast<OutputController *>(param)->output_stopped(data); });
}

void OutputController::output_stopped(calldata_t *data)
{
	const long long code = calldata_int(data, "code");
	if (code == OBS_OUTPUT_SUCCESS)
		return; // an ordinary stop, asked for by stop_output()
	obs_output_t *output = nullptr;
	{
		std::lock_guard lock(mutex_);
		// Only a live output can fail by itself; during a start or a stop the worker sets the state itself.
		if (state_.phase != StreamPhase::Live || !output_)
			return;
		output = output_;
	}
	Error error = output_failure(output, "the output stopped with error " + std::to_string(code));
	SSE_LOG(LOG_WARNING, "the output stopped by itself: %s", error.message.c_str());
	set_state({StreamPhase::Error, 0, std::move(error)});
}

void OutputController::set_state(StreamState state)
{
	std::function<void()> observer;
	{
		std::lock_guard lock(mutex_);
		state_ = std::move(state);
		observer = observer_;
	}
	if (observer)
		observer();
}

void OutputController::shutdown()
{
	{
		std::lock_guard lock(mutex_);
		observer_ = nullptr;
	}
	// Drops the commands not yet begun, waits for a start or stop in progress; later ones are ignored.
	worker_->stop();
	obs_output_t *output = nullptr;
	{
		std::lock_guard lock(mutex_);
		output = std::exchange(output_, nullptr);
	}
	if (!output)
		return;
	signal_handler_disconnect(obs_output_get_signal_handler(output), "stop", &OutputController::on_output_stop,
				  this);
	if (obs_output_active(output))
		obs_output_stop(output);
	obs_output_release(output);
	std::lock_guard lock(mutex_);
	state_ = {};
}

} // namespace sse_audio::obs
