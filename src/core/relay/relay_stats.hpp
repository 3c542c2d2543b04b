#pragma once

#include "base/latency_histogram.hpp"
#include "base/result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>

namespace sse_audio {

// What the relay is doing, for /status.json and the dock.
struct RelayStats {
	enum class State { Off, Connecting, Connected, Retrying, Stopped };
	State state = State::Off;
	std::string url;
	uint64_t events_relayed = 0;  // hub events nchan accepted
	uint64_t messages_sent = 0;   // publish requests nchan accepted (audio, timing, stopped, status)
	uint64_t failed_attempts = 0; // publish requests that failed (network error or an HTTP status other than 2xx)
	uint64_t events_lost = 0;     // hub events never relayed: the relay was down longer than the hub's ring holds
	uint64_t subscribers = 0;     // EventSource subscribers nchan reported on its last answer
	int64_t retry_in_ms = 0;      // while retrying: the current pause before the next attempt
	Error last_error;             // the most recent failure, kept after recovery; empty message when none happened
	int64_t last_error_ms = 0;    // wall clock of that failure
	LatencySummary delay_ms;      // capture of an audio message's first sample → nchan accepted it
};

const char *relay_state_name(RelayStats::State state);

// The `relay` object of /status.json; as JSON text for obs-websocket's answers.
nlohmann::json relay_status(const RelayStats &stats);
std::string relay_status_json(const RelayStats &stats);

} // namespace sse_audio
