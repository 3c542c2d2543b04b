#pragma once

// The plugin's settings file: OBS JSON in the module's config folder (obs_module_config_path("settings.json")),
// holding the output's settings keys (the contract in docs/protocol.md) and `start_with_obs`.

#include "stream_control.hpp"

#include "base/result.hpp"

#include <string>
#include <vector>

namespace sse_audio::obs {

inline constexpr const char *kKeyStartWithObs = "start_with_obs";

// Reads `path`. A missing file gives the defaults. A value validate_settings refuses (a hand-edited file) is kept as
// it is and reported in `refused`: the output then refuses to start with the reason, rather than start with a
// default that may be more open (no access key, every network). A file that exists but cannot be read gives the
// defaults and is reported too (with an empty field), so that nothing starts from it by itself.
PluginSettings load_plugin_settings(const std::string &path, std::vector<SettingsProblem> *refused = nullptr);

// Writes `settings` to `path` (creating its folder), through a temporary file so a crash cannot leave half a file.
Status save_plugin_settings(const PluginSettings &settings, const std::string &path);

} // namespace sse_audio::obs
