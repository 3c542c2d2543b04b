#include "settings_store.hpp"

#include <obs-data.h>
#include <util/platform.h>

#include "output_settings.hpp"

#include <filesystem>

namespace sse_audio::obs {

namespace {

// Puts the default back into the one field `field` names.
void reset_field(StreamSettings &s, const std::string &field)
{
	const StreamSettings defaults;
	if (field == kKeyPort)
		s.port = defaults.port;
	else if (field == kKeyBitrate)
		s.bitrate_kbps = defaults.bitrate_kbps;
	else if (field == kKeyTimeout)
		s.timeout_seconds = defaults.timeout_seconds;
	else if (field == kKeyBindAddress)
		s.bind_address = defaults.bind_address;
	else if (field == kKeyMixer)
		s.mixer = defaults.mixer;
	else if (field == kKeyMaxListeners)
		s.max_listeners = defaults.max_listeners;
	else if (field == kKeyAccessKey)
		s.access_key = defaults.access_key;
	else if (field == kKeyTitle)
		s.title = defaults.title;
	else if (field == kKeyMaxListenersPerAddress)
		s.max_listeners_per_address = defaults.max_listeners_per_address;
	else if (field == kKeyRelayUrl)
		s.relay_url = defaults.relay_url;
	else if (field == kKeyRelayKey)
		s.relay_key = defaults.relay_key;
	else if (field == kKeyServeListeners)
		s.serve_listeners = defaults.serve_listeners;
}

} // namespace

PluginSettings load_plugin_settings(const std::string &path, std::vector<SettingsProblem> *refused)
{
	PluginSettings settings;
	if (refused)
		refused->clear();
	obs_data_t *data = std::filesystem::exists(path) ? obs_data_create_from_json_file_safe(path.c_str(), "bak")
							 : nullptr;
	if (!data)
		return settings;
	set_default_settings(data);
	obs_data_set_default_bool(data, kKeyStartWithObs, false);
	settings.stream = settings_from_data(data);
	settings.start_with_obs = obs_data_get_bool(data, kKeyStartWithObs);
	obs_data_release(data);

	auto problems = validate_settings(settings.stream);
	for (const auto &problem : problems)
		reset_field(settings.stream, problem.field);
	// A reset can leave a combination refused (a bad relay URL dropped while serving listeners is off): once
	// more puts that field back too. Defaults are valid, so two rounds settle.
	for (auto &problem : validate_settings(settings.stream)) {
		reset_field(settings.stream, problem.field);
		problems.push_back(std::move(problem));
	}
	if (refused)
		*refused = problems;
	return settings;
}

Status save_plugin_settings(const PluginSettings &settings, const std::string &path)
{
	const std::filesystem::path folder = std::filesystem::path(path).parent_path();
	if (!folder.empty() && os_mkdirs(folder.string().c_str()) == MKDIR_ERROR)
		return Error{"Cannot create the settings folder " + folder.string()};
	obs_data_t *data = obs_data_create();
	settings_to_data(settings.stream, data);
	obs_data_set_bool(data, kKeyStartWithObs, settings.start_with_obs);
	const bool saved = obs_data_save_json_safe(data, path.c_str(), "tmp", "bak");
	obs_data_release(data);
	if (!saved)
		return Error{"Cannot write the settings file " + path};
	return {};
}

} // namespace sse_audio::obs
