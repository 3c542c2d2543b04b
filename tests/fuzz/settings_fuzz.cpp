// The plugin's settings file, as a hand-edited or damaged settings.json can make it: whatever the file holds, loading
// reports exactly what validate_settings refuses (kept as written, never replaced by a more open default), and
// saving and loading the result again gives it back unchanged.
// Titles that validation accepts must also be text that nlohmann/json can put into /status.json.

#include "settings_store.hpp"
#include "settings/stream_settings.hpp"

#include <obs-module.h>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

// The module entry's definitions that the linked plugin code expects (in the plugin: plugin_module.cpp).
OBS_DECLARE_MODULE()
OBS_MODULE_USE_DEFAULT_LOCALE("obs-sse-audio", "en-US")

namespace {

void check(bool condition)
{
	if (!condition)
		std::abort();
}

const std::filesystem::path &folder()
{
	static const std::filesystem::path made = [] {
		auto path = std::filesystem::temp_directory_path() /
			    ("sse-audio-fuzz-settings-" + std::to_string(getpid()));
		std::filesystem::create_directories(path);
		// Removed at exit; a run that crashes leaves it behind for the report.
		std::atexit([] { std::filesystem::remove_all(folder()); });
		return path;
	}();
	return made;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const std::string text(reinterpret_cast<const char *>(data), size);

	// Validation's UTF-8 rules against nlohmann/json's strict encoder, which /status.json uses for the title.
	sse_audio::StreamSettings titled;
	titled.title = text;
	if (sse_audio::validate_settings(titled).empty()) {
		try {
			(void)nlohmann::json(text).dump();
		} catch (const nlohmann::json::exception &) {
			check(false);
		}
		for (const char c : text)
			check(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F);
	}

	const std::string file = (folder() / "settings.json").string();
	std::filesystem::remove(file);
	std::filesystem::remove(file + ".bak"); // libobs falls back to the backup when the file does not parse
	std::ofstream(file, std::ios::binary) << text;

	std::vector<sse_audio::SettingsProblem> refused;
	const auto loaded = sse_audio::obs::load_plugin_settings(file, &refused);
	// Whatever the file holds, what was refused is exactly what the validator refuses (a file that cannot be read
	// gives the defaults, reported under no field), and the output would refuse to start with it.
	const auto problems = sse_audio::validate_settings(loaded.stream);
	const bool unreadable = refused.size() == 1 && refused[0].field.empty();
	check(unreadable ? problems.empty() : refused.size() == problems.size());
	check(sse_audio::check_settings(loaded.stream).ok() == problems.empty());

	const std::string copy = (folder() / "copy.json").string();
	check(sse_audio::obs::save_plugin_settings(loaded, copy).ok());
	std::vector<sse_audio::SettingsProblem> refused_again;
	const auto reloaded = sse_audio::obs::load_plugin_settings(copy, &refused_again);
	check(refused_again.size() == problems.size());
	check(loaded == reloaded);
	return 0;
}
