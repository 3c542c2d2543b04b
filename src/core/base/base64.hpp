#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sse_audio {

// Standard base64 (RFC 4648 section 4) with '=' padding: what the player's atob() expects in every `data:` line.
std::string base64_encode(std::span<const uint8_t> bytes);

// Appends the encoding to `out`, so an SSE event can be framed in one buffer without a temporary.
void base64_append(std::string &out, std::span<const uint8_t> bytes);

// Strict decoder (padding required, no whitespace); nullopt on any malformed input.
std::optional<std::vector<uint8_t>> base64_decode(std::string_view text);

} // namespace sse_audio
