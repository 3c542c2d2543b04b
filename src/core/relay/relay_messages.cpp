#include "relay/relay_messages.hpp"

#include "base/base64.hpp"

#include <algorithm>

namespace sse_audio {

std::string_view sse_field(std::string_view sse, std::string_view field, size_t block)
{
	size_t pos = 0;
	for (size_t skipped = 0; skipped < block; skipped++) {
		const size_t end = sse.find("\n\n", pos);
		if (end == std::string_view::npos)
			return {};
		pos = end + 2;
	}
	const size_t block_end = std::min(sse.find("\n\n", pos), sse.size());
	while (pos < block_end) {
		const size_t line_end = std::min(sse.find('\n', pos), block_end);
		const std::string_view line = sse.substr(pos, line_end - pos);
		if (line.size() > field.size() && line.compare(0, field.size(), field) == 0 &&
		    line[field.size()] == ':') {
			std::string_view value = line.substr(field.size() + 1);
			if (!value.empty() && value.front() == ' ')
				value.remove_prefix(1);
			return value;
		}
		pos = line_end + 1;
	}
	return {};
}

std::vector<RelayMessage> relay_messages(std::span<const HubEventPtr> events, size_t max_events_per_message)
{
	max_events_per_message = std::max<size_t>(max_events_per_message, 1);
	std::vector<RelayMessage> messages;
	size_t i = 0;
	while (i < events.size()) {
		const HubEvent &first = *events[i];
		if (first.timed)
			messages.push_back({"timing", std::string(sse_field(first.sse, "data")), 0, 0, 0});
		// The run of audio events this message carries: up to the next timed event (it needs its own timing
		// message first) or the size limit.
		size_t end = i + 1;
		while (end < events.size() && end - i < max_events_per_message && !events[end]->timed)
			end++;
		RelayMessage audio{"audio", {}, events[end - 1]->id, static_cast<uint32_t>(end - i), first.capture_ms};
		if (end - i == 1) {
			// The plugin's own base64 text, framed once by the hub: its audio block follows the timing block.
			audio.data = std::string(sse_field(first.sse, "data", first.timed ? 1 : 0));
		} else {
			std::vector<uint8_t> frames;
			for (size_t k = i; k < end; k++)
				frames.insert(frames.end(), events[k]->mp3.begin(), events[k]->mp3.end());
			audio.data = base64_encode(frames);
		}
		messages.push_back(std::move(audio));
		i = end;
	}
	return messages;
}

RelayMessage relay_stopped_message()
{
	return {"stopped", "{}", 0, 0, 0};
}

} // namespace sse_audio
