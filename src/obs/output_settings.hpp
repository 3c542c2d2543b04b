#pragma once

#include <obs-data.h>
#include <obs-properties.h>

#include "settings/stream_settings.hpp"

namespace sse_audio::obs {

// The settings keys (part of the contract: docs/architecture.md; used by scripts, obs-websocket and saved configs)
// and how each is read, written and offered are declared once, in src/core/settings/setting_fields.cpp.
// What the player shows when no title is set.
inline constexpr const char *kDefaultTitle = "OBS";

void set_default_settings(obs_data_t *data);
StreamSettings settings_from_data(obs_data_t *data);
void settings_to_data(const StreamSettings &settings, obs_data_t *data);

// The output's properties, for OBS's generic settings views (and scripts that build them).
obs_properties_t *make_output_properties();

} // namespace sse_audio::obs
