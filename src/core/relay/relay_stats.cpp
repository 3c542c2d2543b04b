#include "relay/relay_stats.hpp"

#include "serve/player_status.hpp"

#include <nlohmann/json.hpp>

namespace sse_audio {

namespace {

nlohmann::json summary_json(const LatencySummary &s)
{
	return {{"count", s.count}, {"p50", s.p50}, {"p99", s.p99}, {"max", s.max}};
}

} // namespace

const char *relay_state_name(RelayStats::State state)
{
	switch (state) {
	case RelayStats::State::Off:
		return "off";
	case RelayStats::State::Connecting:
		return "connecting";
	case RelayStats::State::Connected:
		return "connected";
	case RelayStats::State::Retrying:
		return "retrying";
	case RelayStats::State::Stopped:
		return "stopped";
	}
	return "off";
}

nlohmann::json relay_status(const RelayStats &s)
{
	return {
		{"state", relay_state_name(s.state)},
		{"url", s.url},
		{"events_relayed", s.events_relayed},
		{"messages_sent", s.messages_sent},
		{"failed_attempts", s.failed_attempts},
		{"events_lost", s.events_lost},
		{"subscribers", s.subscribers},
		{"retry_in_ms", s.retry_in_ms},
		{"last_error",
		 s.last_error.message.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.last_error.message)},
		{"last_error_ms", s.last_error_ms},
		{"delay_ms", summary_json(s.delay_ms)},
	};
}

std::string relay_status_json(const RelayStats &s)
{
	return dump_document(relay_status(s));
}

} // namespace sse_audio
