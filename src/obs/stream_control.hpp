#pragma once

// What the dock, "start with OBS" and obs-websocket may ask of the plugin's output, without knowing libobs: the
// dock's tests drive a fake of it, the plugin an OutputController. Plain C++ so that src/ui can use it freely.

#include "relay/relay_stats.hpp"
#include "settings/stream_settings.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sse_audio::obs {

// What the plugin keeps between runs of OBS.
struct PluginSettings {
	StreamSettings stream;
	bool start_with_obs = false;

	bool operator==(const PluginSettings &) const = default;
};

enum class StreamPhase { Stopped, Starting, Live, Stopping, Error };

struct StreamState {
	StreamPhase phase = StreamPhase::Stopped;
	int64_t live_since_ms = 0; // wall clock (ms since the Unix epoch) when the output went live; 0 otherwise
	// Why, in StreamPhase::Error: the log's English words and, when the locale files have them, their key (Error).
	Error error;
};

// Figures of the running output; all zero while it is stopped.
struct StreamFigures {
	bool running = false;
	uint64_t listeners_now = 0;
	uint64_t listeners_peak = 0;
	int bitrate_kbps = 0;
	uint64_t bytes_sent = 0;
	uint64_t pcm_frames_dropped = 0;  // audio lost because the encoder fell behind
	uint64_t listener_skips = 0;      // listeners moved to the live edge after falling behind
	uint64_t listeners_timed_out = 0; // listeners disconnected because their connection accepted nothing
	uint64_t rejected_full = 0;       // stream requests refused because max_listeners were connected
	std::optional<RelayStats> relay;  // relay mode: the publisher's state; nullopt when no relay is set
	// Per channel, in served_channels() order: its listeners now, and why its encoder stopped (empty: it runs).
	struct Channel {
		uint64_t listeners_now = 0;
		std::string error;
	};
	std::vector<Channel> channels;
	uint64_t later_relays_events_lost =
		0; // channels after the first: what their relays lost (`relay` is the first's)

	// Everything that cost a listener audio, as one number for the dock's summary line.
	[[nodiscard]] uint64_t drops() const
	{
		return pcm_frames_dropped + listener_skips + listeners_timed_out + rejected_full +
		       (relay ? relay->events_lost : 0) + later_relays_events_lost;
	}
};

class StreamControl {
public:
	virtual ~StreamControl() = default;

	// The settings in force (and saved).
	[[nodiscard]] virtual PluginSettings settings() const = 0;
	// Validates `settings`; when valid, saves them and puts them in force, restarting the output if it is live.
	// Refused settings change nothing; every problem comes back, one per field.
	virtual std::vector<SettingsProblem> apply(const PluginSettings &settings) = 0;
	// Start and stop return at once; state() follows, and the observer is told of each change.
	virtual void start() = 0;
	virtual void stop() = 0;
	[[nodiscard]] virtual StreamState state() const = 0;
	[[nodiscard]] virtual StreamFigures figures() const = 0;
	// Called on any thread after state() changed; replaces the previous observer (nullptr removes it).
	virtual void set_state_observer(std::function<void()> observer) = 0;
};

} // namespace sse_audio::obs
