#pragma once

// obs-websocket vendor requests, so Stream Deck buttons and scripts can drive the stream: vendor "obs-sse-audio",
// requests "start", "stop" and "status" (docs/websocket.md), through obs-websocket's plugin API (websocket_api.hpp),
// which only calls procedures: no library of obs-websocket is linked, and OBS without obs-websocket loads the plugin.

#include "output_controller.hpp"

#include <obs-data.h>

#include <string>
#include <vector>

namespace sse_audio::obs {

inline constexpr const char *kWebsocketVendor = "obs-sse-audio";

// Registers the vendor and its requests when obs-websocket is loaded (false, with a log line, when it is not).
// Must run from obs_module_post_load: obs-websocket creates its API while it loads.
bool register_websocket_requests(OutputController &controller);

// Withdraws the requests, so none can reach the plugin while OBS shuts down. Call while obs-websocket is still
// loaded (OBS_FRONTEND_EVENT_EXIT).
void unregister_websocket_requests();

// The "status" response: state, listener URLs and counters. `hosts` are the listener host names to offer.
void write_status(const PluginSettings &settings, const StreamState &state, const StreamFigures &figures,
		  const std::vector<std::string> &hosts, obs_data_t *response);

// "live", "stopped", ... as in the status response.
const char *phase_name(StreamPhase phase);

} // namespace sse_audio::obs
