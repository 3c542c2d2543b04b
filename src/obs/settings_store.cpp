#include "settings_store.hpp"

#include <obs-data.h>
#include <util/platform.h>

#include "output_settings.hpp"

#include <filesystem>

namespace sse_audio::obs {

PluginSettings load_plugin_settings(const std::string &path, std::vector<SettingsProblem> *refused)
{
	PluginSettings settings;
	if (refused)
		refused->clear();
	obs_data_t *data = std::filesystem::exists(path) ? obs_data_create_from_json_file_safe(path.c_str(), "bak")
							 : nullptr;
	if (!data) {
		if (refused && std::filesystem::exists(path))
			refused->push_back({"", "The settings file " + path + " could not be read"});
		return settings;
	}
	set_default_settings(data);
	obs_data_set_default_bool(data, kKeyStartWithObs, false);
	settings.stream = settings_from_data(data);
	settings.start_with_obs = obs_data_get_bool(data, kKeyStartWithObs);
	obs_data_release(data);

	// Refused values are kept as written and reported, never replaced by defaults: the default of a refused
	// access key is an open stream, and of a refused bind address every network. The output refuses to start with
	// the reason until the streamer corrects them in the dock.
	if (refused)
		*refused = validate_settings(settings.stream);
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
