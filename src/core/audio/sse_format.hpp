#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sse_audio {

// Server-Sent Events framing (WHATWG HTML, "Server-sent events"). Every function returns complete blocks
// ending in a blank line, so a block can be written to any listener as is.

// `event: audio`, `id: <id>`, one `data:` line of padded base64 of whole MPEG frames.
std::string format_sse_audio_event(uint64_t id, std::span<const uint8_t> mp3_frames);

// An event with a single-line text payload (no CR or LF allowed in `data`); used for `event: timing` and friends.
std::string format_sse_text_event(std::string_view event, std::string_view data);

// `event: timing` with `data: {"capture_ms":<ms>,"server_ms":<ms>}`: the wall-clock time (ms since the epoch) at
// which the first sample of the NEXT audio event entered the output, and the server's wall clock when this block was
// framed. The reference is positional, not by id, so it survives relays that assign their own ids.
std::string format_sse_timing_event(int64_t capture_ms, int64_t server_ms);

// `retry: <ms>`: how long EventSource waits before reconnecting.
std::string format_sse_retry(int milliseconds);

// A comment line (`: text`), ignored by EventSource; keeps proxies and idle connections open.
std::string format_sse_comment(std::string_view text);

// Reads a Last-Event-ID header value as one of our ids. Anything else (empty, signs, spaces, overflow,
// more than 20 characters) gives nullopt: the listener is then treated as new.
std::optional<uint64_t> parse_last_event_id(std::string_view text);

} // namespace sse_audio
