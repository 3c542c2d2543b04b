#include "obs_home.hpp"

#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <vector>

namespace sse_audio::obstest {

namespace {

namespace fs = std::filesystem;

// MAKE_SEMANTIC_VERSION(29, 0, 2): with this as LastVersion and FirstRun=true OBS shows neither the
// auto-configuration wizard nor "what's new". (OBS runs the wizard when FirstRun is false and there is no
// LastVersion; it then sets FirstRun to true itself.)
constexpr const char *kLastVersion = "486539266";

void put_le(std::ofstream &out, uint32_t value, int bytes)
{
	for (int i = 0; i < bytes; i++)
		out.put(static_cast<char>((value >> (8 * i)) & 0xff));
}

// Two seconds of a 440 Hz sine at half scale, 48 kHz stereo 16-bit PCM: OBS's media source loops it.
bool write_tone_wav(const fs::path &path)
{
	constexpr uint32_t kRate = 48000;
	constexpr uint32_t kFrames = kRate * 2;
	std::ofstream out(path, std::ios::binary);
	out.write("RIFF", 4);
	put_le(out, 36 + kFrames * 4, 4);
	out.write("WAVEfmt ", 8);
	put_le(out, 16, 4);
	put_le(out, 1, 2);
	put_le(out, 2, 2);
	put_le(out, kRate, 4);
	put_le(out, kRate * 4, 4);
	put_le(out, 4, 2);
	put_le(out, 16, 2);
	out.write("data", 4);
	put_le(out, kFrames * 4, 4);
	for (uint32_t i = 0; i < kFrames; i++) {
		// 440 Hz fits 2 s exactly (880 cycles), so the loop has no click.
		const double sample = 0.5 * std::sin(2.0 * M_PI * 440.0 * i / kRate);
		const auto value = static_cast<int16_t>(std::lround(sample * 32767.0));
		put_le(out, static_cast<uint16_t>(value), 2);
		put_le(out, static_cast<uint16_t>(value), 2);
	}
	return static_cast<bool>(out);
}

bool write_text(const fs::path &path, const std::string &text)
{
	std::ofstream out(path, std::ios::binary);
	out << text;
	return static_cast<bool>(out);
}

} // namespace

fs::path plugin_settings_path(const fs::path &home)
{
	return home / ".config" / "obs-studio" / "plugin_config" / "obs-sse-audio" / "settings.json";
}

bool prepare_obs_home(const fs::path &home, const ObsHomeConfig &config, std::string *error)
{
	const auto fail = [error](const std::string &why) {
		if (error)
			*error = why;
		return false;
	};
	const fs::path obs = home / ".config" / "obs-studio";
	const fs::path plugin = obs / "plugins" / "obs-sse-audio";
	std::error_code ec;
	fs::create_directories(plugin / "bin" / "64bit", ec);
	fs::create_directories(obs / "basic" / "scenes", ec);
	fs::create_directories(plugin_settings_path(home).parent_path(), ec);
	if (ec)
		return fail("cannot create folders in " + home.string() + ": " + ec.message());

	// The plugin where OBS on Linux looks for user plugins, as `cmake --install` puts it.
	fs::copy_file(config.plugin_module, plugin / "bin" / "64bit" / "obs-sse-audio.so",
		      fs::copy_options::overwrite_existing, ec);
	if (!ec)
		fs::copy(config.plugin_data, plugin / "data", fs::copy_options::recursive, ec);
	if (ec)
		return fail("cannot install the plugin: " + ec.message());

	std::ostringstream global;
	global << "[General]\nFirstRun=true\nLastVersion=" << kLastVersion << "\nLanguage=" << config.language
	       << "\n\n[Basic]\nProfile=Untitled\nProfileDir=Untitled\nSceneCollection=Test\nSceneCollectionFile=Test\n"
	       << "\n[OBSWebSocket]\nFirstLoad=false\nServerEnabled=true\nServerPort=" << config.websocket_port
	       << "\nAlertsEnabled=false\nAuthRequired=true\nServerPassword=" << config.websocket_password << "\n";
	// global.ini only: OBS 31 and later read the user's settings (Language, FirstRun, profile, scene collection)
	// from user.ini, which their first start makes from global.ini. A user.ini written here with this
	// LastVersion (29.0.2) makes OBS 32 stop at an "Error" dialog before it logs anything.
	if (!write_text(obs / "global.ini", global.str()))
		return fail("cannot write global.ini");

	const fs::path tone = home / "tone-440hz.wav";
	if (!write_tone_wav(tone))
		return fail("cannot write the tone file");
	const std::string scenes =
		R"({"name": "Test", "current_scene": "Scene", "current_program_scene": "Scene",
 "scene_order": [{"name": "Scene"}],
 "sources": [
  {"id": "scene", "versioned_id": "scene", "name": "Scene",
   "settings": {"id_counter": 1, "items": [{"name": "Tone", "id": 1, "visible": true}]}},
  {"id": "ffmpeg_source", "versioned_id": "ffmpeg_source", "name": "Tone",
   "settings": {"is_local_file": true, "local_file": ")" +
		tone.string() + R"(", "looping": true, "restart_on_activate": false}}
 ]})";
	if (!write_text(obs / "basic" / "scenes" / "Test.json", scenes))
		return fail("cannot write the scene collection");
	if (!write_text(plugin_settings_path(home), config.settings_json))
		return fail("cannot write the plugin's settings");
	return true;
}

bool set_obs_language(const fs::path &home, const std::string &language)
{
	const fs::path obs = home / ".config" / "obs-studio";
	// Where OBS 29 and 30 read it, and where OBS 31 and later do once their first start has made user.ini.
	if (!set_ini_value(obs / "global.ini", "General", "Language", language))
		return false;
	std::error_code ec;
	return !fs::exists(obs / "user.ini", ec) || set_ini_value(obs / "user.ini", "General", "Language", language);
}

bool set_ini_value(const fs::path &file, const std::string &section, const std::string &key, const std::string &value)
{
	std::ifstream in(file);
	std::vector<std::string> lines;
	for (std::string line; std::getline(in, line);)
		lines.push_back(line);
	in.close();
	const std::string header = "[" + section + "]";
	size_t at = lines.size();
	for (size_t i = 0; i < lines.size(); i++) {
		if (lines[i] == header) {
			at = i;
			break;
		}
	}
	if (at == lines.size()) {
		lines.push_back(header);
		lines.push_back(key + "=" + value);
	} else {
		size_t i = at + 1;
		bool replaced = false;
		for (; i < lines.size() && !(lines[i].size() > 0 && lines[i][0] == '['); i++) {
			if (lines[i].rfind(key + "=", 0) == 0) {
				lines[i] = key + "=" + value;
				replaced = true;
			}
		}
		if (!replaced)
			lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at + 1), key + "=" + value);
	}
	std::ofstream out(file, std::ios::trunc);
	for (const auto &line : lines)
		out << line << "\n";
	return static_cast<bool>(out);
}

std::string locale_value(const fs::path &ini, const std::string &key)
{
	std::ifstream in(ini);
	for (std::string line; std::getline(in, line);) {
		if (line.rfind(key + "=", 0) != 0)
			continue;
		std::string value = line.substr(key.size() + 1);
		if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
			value = value.substr(1, value.size() - 2);
		return value;
	}
	return {};
}

} // namespace sse_audio::obstest
