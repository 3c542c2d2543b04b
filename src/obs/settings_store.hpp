#pragma once

// The plugin's settings file: OBS JSON in the module's config folder (obs_module_config_path("settings.json")),
// holding the output's settings keys (shared/DESIGN.md) and `start_with_obs`.

#include "stream_control.hpp"

#include "result.hpp"

#include <string>
#include <vector>

namespace sse_audio::obs {

inline constexpr const char *kKeyStartWithObs = "start_with_obs";

// Reads `path`. A missing or unreadable file gives the defaults. A value validate_settings refuses (a hand-edited
// file) falls back to its default and is reported in `refused`, so one bad field cannot keep the stream from
// starting.
PluginSettings load_plugin_settings(const std::string &path, std::vector<SettingsProblem> *refused = nullptr);

// Writes `settings` to `path` (creating its folder), through a temporary file so a crash cannot leave half a file.
Status save_plugin_settings(const PluginSettings &settings, const std::string &path);

} // namespace sse_audio::obs
