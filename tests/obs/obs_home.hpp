#pragma once

// A fresh OBS user folder for the real-OBS test: the first-run wizard suppressed, obs-websocket on with a password,
// a scene whose only source plays a 440 Hz tone, the plugin installed where OBS loads user plugins, and the plugin's
// settings file.

#include <filesystem>
#include <string>

namespace sse_audio::obstest {

struct ObsHomeConfig {
	std::string language = "en-US";
	int websocket_port = 0;
	std::string websocket_password;
	std::string plugin_module; // the built obs-sse-audio.so
	std::string plugin_data;   // the source tree's data folder
	std::string settings_json; // the plugin's settings file, written as it is
};

// Writes everything into `home` (which must exist). False with `error` set on any failure.
bool prepare_obs_home(const std::filesystem::path &home, const ObsHomeConfig &config, std::string *error);

// Sets OBS's interface language in `home`: in global.ini (OBS 29 and 30), and in user.ini where an OBS 31 or later
// has made it.
bool set_obs_language(const std::filesystem::path &home, const std::string &language);

// Sets `key` in `[section]` of an INI file (OBS's global.ini), adding the section or the key when missing.
bool set_ini_value(const std::filesystem::path &file, const std::string &section, const std::string &key,
		   const std::string &value);

// The plugin's settings file inside `home`.
std::filesystem::path plugin_settings_path(const std::filesystem::path &home);

// The value of `key` in a locale file (data/locale/*.ini), without quotes; empty when absent.
std::string locale_value(const std::filesystem::path &ini, const std::string &key);

} // namespace sse_audio::obstest
