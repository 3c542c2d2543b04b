#pragma once

#include <obs-data.h>
#include <obs-properties.h>

#include "stream_settings.hpp"

namespace sse_audio::obs {

// Settings keys: part of the contract (docs/architecture.md), used by scripts, obs-websocket and saved configs.
inline constexpr const char *kKeyPort = "port";
inline constexpr const char *kKeyBitrate = "bitrate";
inline constexpr const char *kKeyTimeout = "timeout";
inline constexpr const char *kKeyBindAddress = "bind_address";
inline constexpr const char *kKeyMixer = "mixer";
inline constexpr const char *kKeyMaxListeners = "max_listeners";
inline constexpr const char *kKeyAccessKey = "access_key";
// An addition to the contract's keys (docs/protocol.md): the stream's title shown by the player.
inline constexpr const char *kKeyTitle = "title";
// Issue 5: streams one address may hold at once (0 = no limit).
inline constexpr const char *kKeyMaxListenersPerAddress = "max_listeners_per_address";
// Relay mode (docs/scale-out.md): the nchan publisher URL (empty = off), its key, and whether the plugin also
// serves listeners itself.
inline constexpr const char *kKeyRelayUrl = "relay_url";
inline constexpr const char *kKeyRelayKey = "relay_key";
inline constexpr const char *kKeyServeListeners = "serve_listeners";
// Pages of other origins that may read the streams and the status (empty: the server's own origin only).
inline constexpr const char *kKeyAllowedOrigins = "allowed_origins";
// What the player shows when no title is set.
inline constexpr const char *kDefaultTitle = "OBS";

void set_default_settings(obs_data_t *data);
StreamSettings settings_from_data(obs_data_t *data);
void settings_to_data(const StreamSettings &settings, obs_data_t *data);

// The output's properties, for OBS's generic settings views (and scripts that build them).
obs_properties_t *make_output_properties();

} // namespace sse_audio::obs
