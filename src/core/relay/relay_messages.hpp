#pragma once

#include "audio/stream_hub.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sse_audio {

// One message for an nchan publisher: nchan frames it for its EventSource subscribers as `event: <event>` and
// `data: <data>` with an id of its own, so subscribers see the same event names and data as from the plugin.
struct RelayMessage {
	std::string event; // "audio", "timing" or "stopped"
	std::string data;
	uint64_t last_hub_id = 0; // the newest hub event this message carries (0 for none)
	uint32_t hub_events = 0;  // hub events whose audio it carries
	int64_t capture_ms = 0;   // capture time of its first sample (audio only)
};

// The messages that relay `events` (consecutive hub events, oldest first). A timing block becomes its own message
// just before the audio it describes, as on the plugin's stream. Consecutive audio events without timing between
// them are merged into one message of up to `max_events_per_message` events: their MPEG frames concatenated under
// one base64 text, which the protocol allows ("one or more whole MPEG audio frames"). So a relay that fell behind
// (a slow round trip to nginx) catches up in fewer requests instead of falling further behind.
std::vector<RelayMessage> relay_messages(std::span<const HubEventPtr> events, size_t max_events_per_message);

// The `stopped` event the plugin's own listeners get when the output stops.
RelayMessage relay_stopped_message();

// The value of the first `field:` line (e.g. "data") of the first SSE block in `sse` after skipping `block`
// blocks; empty when there is none. Lines are the plugin's own framing: "name: value", LF line ends.
std::string_view sse_field(std::string_view sse, std::string_view field, size_t block = 0);

} // namespace sse_audio
