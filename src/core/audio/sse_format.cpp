#include "audio/sse_format.hpp"

#include "base/base64.hpp"

#include <charconv>

namespace sse_audio {

std::string format_sse_audio_event(uint64_t id, std::span<const uint8_t> mp3_frames)
{
	std::string out;
	out.reserve(40 + (mp3_frames.size() + 2) / 3 * 4);
	out.append("event: audio\nid: ");
	out.append(std::to_string(id));
	out.append("\ndata: ");
	base64_append(out, mp3_frames);
	out.append("\n\n");
	return out;
}

std::string format_sse_text_event(std::string_view event, std::string_view data)
{
	std::string out;
	out.reserve(event.size() + data.size() + 18);
	out.append("event: ").append(event).append("\ndata: ").append(data).append("\n\n");
	return out;
}

std::string format_sse_timing_event(int64_t capture_ms, int64_t server_ms)
{
	return format_sse_text_event("timing", "{\"capture_ms\":" + std::to_string(capture_ms) +
						       ",\"server_ms\":" + std::to_string(server_ms) + "}");
}

std::string format_sse_retry(int milliseconds)
{
	return "retry: " + std::to_string(milliseconds) + "\n\n";
}

std::string format_sse_comment(std::string_view text)
{
	std::string out = ": ";
	out.append(text).append("\n\n");
	return out;
}

std::optional<uint64_t> parse_last_event_id(std::string_view text)
{
	if (text.empty() || text.size() > 20)
		return std::nullopt;
	uint64_t value = 0;
	const auto *end = text.data() + text.size();
	const auto [ptr, ec] = std::from_chars(text.data(), end, value);
	if (ec != std::errc() || ptr != end)
		return std::nullopt;
	return value;
}

} // namespace sse_audio
