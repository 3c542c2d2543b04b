#pragma once

// Owns the plugin's single sse_audio_output and everything about running it: the settings file, validation,
// start, stop and restart, the state and the figures. The dock, "start with OBS" and obs-websocket all go through
// it, so the output starts the same way whether or not the dock was ever opened.

#include <obs.h>

#include "stream_control.hpp"

#include "base/serial_worker.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace sse_audio::obs {

class OutputController final : public StreamControl {
public:
	// `settings_path` is the settings file (empty: settings are kept in memory only). Reads it at once and starts
	// the worker.
	explicit OutputController(std::string settings_path);
	~OutputController() override;
	OutputController(const OutputController &) = delete;
	OutputController &operator=(const OutputController &) = delete;

	[[nodiscard]] PluginSettings settings() const override;
	std::vector<SettingsProblem> apply(const PluginSettings &settings) override;
	void start() override;
	void stop() override;
	[[nodiscard]] StreamState state() const override;
	[[nodiscard]] StreamFigures figures() const override;
	void set_state_observer(std::function<void()> observer) override;

	// Waits until every start and stop asked for so far has been carried out, or until `timeout`.
	StreamState wait_settled(std::chrono::milliseconds timeout) const;

	// Stops the output (ending every listener's stream), releases it and ends the worker. Blocks until done;
	// later start() requests are ignored. Must run before libobs frees its outputs (OBS: on
	// OBS_FRONTEND_EVENT_EXIT). Safe to call more than once.
	void shutdown();

private:
	enum class Command { Start, Stop, Restart };

	void carry_out(Command command);
	void start_output();
	void stop_output();
	void set_state(StreamState state);
	// libobs's "stop" signal of the output (any thread): an output that stopped by itself with an error code
	// (its encoder failed) puts the controller in StreamPhase::Error with the output's last error.
	static void on_output_stop(void *param, calldata_t *data);
	void output_stopped(calldata_t *data); // what on_output_stop does, guarded

	const std::string settings_path_;

	mutable std::mutex mutex_;
	PluginSettings settings_;
	StreamState state_;
	std::function<void()> observer_;
	// Created by the worker at the first start, released by shutdown(); read under mutex_ for figures().
	obs_output_t *output_ = nullptr;

	// Starts and stops take up to seconds (listeners are ended): never on the UI thread. Made last, so that it is
	// stopped (by shutdown(), or first in destruction) before the state it carries out commands on goes.
	std::unique_ptr<SerialWorker<Command>> worker_;
};

} // namespace sse_audio::obs
