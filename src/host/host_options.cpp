#include "host_options.hpp"

#include "settings/setting_fields.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <cstdlib>
#include <string_view>

#ifndef SSE_AUDIO_DEFAULT_MODULE
#define SSE_AUDIO_DEFAULT_MODULE ""
#endif
#ifndef SSE_AUDIO_DEFAULT_MODULE_DATA
#define SSE_AUDIO_DEFAULT_MODULE_DATA ""
#endif
#ifndef SSE_AUDIO_OBS_PLUGINS
#define SSE_AUDIO_OBS_PLUGINS "/usr/lib/x86_64-linux-gnu/obs-plugins"
#endif
#ifndef SSE_AUDIO_OBS_PLUGIN_DATA
#define SSE_AUDIO_OBS_PLUGIN_DATA "/usr/share/obs/obs-plugins"
#endif

namespace sse_audio::host {

namespace {

bool parse_int(std::string_view text, int &out)
{
	const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
	return ec == std::errc() && ptr == text.data() + text.size();
}

bool parse_double(const std::string &text, double &out)
{
	char *end = nullptr;
	out = std::strtod(text.c_str(), &end);
	return !text.empty() && end == text.c_str() + text.size();
}

// A whole number for `flag`, or why not.
std::string whole_number(const char *flag, const std::string &text, int &out)
{
	return parse_int(text, out) ? std::string() : std::string(flag) + " needs a whole number, not \"" + text + "\"";
}

// A flag of the host's own (the output's come from the settings table): its name, what follows it, its line in the
// usage (after the name) under `group`, and how it sets the options: an error, or "" when it took.
struct HostFlag {
	enum class Takes { Nothing, Value, OptionalValue };
	const char *group;
	const char *name;
	Takes takes;
	const char *usage;
	std::string (*apply)(HostOptions &options, const std::string &value);
};

// How the rows that only store what they are given set the options.
template <std::string HostOptions::*Field>
std::string store_text(HostOptions &options, const std::string &value)
{
	options.*Field = value;
	return {};
}
template <bool HostOptions::*Field>
std::string store_true(HostOptions &options, const std::string &)
{
	options.*Field = true;
	return {};
}

constexpr const char *kAudio = "Audio (one of):";
constexpr const char *kChannels = "Channels (the output's `channels` setting; default: one, from --mixer):";
constexpr const char *kPaths = "Paths:";
constexpr const char *kRun = "";
using Takes = HostFlag::Takes;

const HostFlag kHostFlags[] = {
	{kAudio, "--tone", Takes::Value, " HZ            a sine test tone (default: 440)",
	 [](HostOptions &o, const std::string &v) -> std::string {
		 if (!parse_double(v, o.tone_hz) || o.tone_hz <= 0 || o.tone_hz > 20000)
			 return "--tone needs a frequency between 0 and 20000 Hz";
		 o.input = AudioInput::Tone;
		 return {};
	 }},
	{kAudio, "--tone-marks", Takes::Value,
	 " MS      every MS ms (at least 200) the tone plays twice its frequency for 100 ms and\n"
	 "                       the host prints `MARK <ms>`: when the mark's first sample entered the\n"
	 "                       output, on the clock of the stream's timing events (ms since the epoch)",
	 [](HostOptions &o, const std::string &v) -> std::string {
		 int every = 0;
		 if (auto why = whole_number("--tone-marks", v, every); !why.empty())
			 return why;
		 // A mark lasts 100 ms and needs tone before it to be told apart from the previous one.
		 if (every < 200)
			 return "--tone-marks needs at least 200 ms between marks";
		 o.tone_marks_ms = every;
		 return {};
	 }},
	{kAudio, "--file", Takes::Value, " PATH          an audio file, looped (needs OBS's obs-ffmpeg plugin)",
	 [](HostOptions &o, const std::string &v) -> std::string {
		 o.file = v;
		 o.input = AudioInput::File;
		 return {};
	 }},
	{kAudio, "--capture", Takes::OptionalValue,
	 " [DEVICE]   a PulseAudio source (needs OBS's linux-pulseaudio plugin; default: default)",
	 [](HostOptions &o, const std::string &v) -> std::string {
		 o.input = AudioInput::Capture;
		 if (!v.empty())
			 o.capture_device = v;
		 return {};
	 }},
	{kAudio, "--sample-rate", Takes::Value, " HZ     OBS's audio rate: 48000 (default) or 44100",
	 [](HostOptions &o, const std::string &v) -> std::string {
		 int rate = 0;
		 if (auto why = whole_number("--sample-rate", v, rate); !why.empty())
			 return why;
		 if (rate != 48000 && rate != 44100)
			 return "--sample-rate must be 48000 or 44100";
		 o.sample_rate = rate;
		 return {};
	 }},
	{kAudio, "--speakers", Takes::Value, " LAYOUT    OBS's speaker layout: mono, stereo (default) or 5.1",
	 [](HostOptions &o, const std::string &v) -> std::string {
		 const int channels = v == "mono" ? 1 : v == "stereo" ? 2 : v == "5.1" ? 6 : 0;
		 if (channels == 0)
			 return "--speakers must be mono, stereo or 5.1";
		 o.speaker_channels = channels;
		 return {};
	 }},
	{kPaths, "--module", Takes::Value, " PATH        obs-sse-audio.so (default: " SSE_AUDIO_DEFAULT_MODULE ")",
	 store_text<&HostOptions::module_path>},
	{kPaths, "--data", Takes::Value,
	 " PATH          the plugin's data folder (default: " SSE_AUDIO_DEFAULT_MODULE_DATA ")",
	 store_text<&HostOptions::module_data>},
	{kPaths, "--obs-plugins", Takes::Value, " PATH   OBS's plugin folder (default: " SSE_AUDIO_OBS_PLUGINS ")",
	 store_text<&HostOptions::obs_plugins>},
	{kPaths, "--find-module", Takes::Nothing,
	 "        find obs-sse-audio where OBS does (its system plugin folders, then\n"
	 "                       ~/.config/obs-studio/plugins) instead of --module and --data",
	 store_true<&HostOptions::find_module>},
	{kAudio, "--track-tone", Takes::Value,
	 " TRACK:HZ  a sine tone on OBS track TRACK (1-6) only; repeat for other tracks",
	 [](HostOptions &o, const std::string &v) -> std::string {
		 const size_t colon = v.find(':');
		 int track = 0;
		 double hz = 0;
		 if (colon == std::string::npos || !parse_int(std::string_view(v).substr(0, colon), track) ||
		     !parse_double(v.substr(colon + 1), hz) || track < 1 || track > 6 || hz <= 0 || hz > 20000)
			 return "--track-tone needs TRACK:HZ, a track from 1 to 6 and a frequency up to 20000 Hz";
		 o.track_tones.push_back({track - 1, hz});
		 o.input = AudioInput::TrackTones;
		 return {};
	 }},
	{kChannels, "--channel", Takes::Value,
	 " ID:TRACK:NAME  a channel listeners pick with ?channel=ID, from OBS track TRACK (1-6),\n"
	 "                       shown as NAME; repeat for each channel (the plugin checks them)",
	 [](HostOptions &o, const std::string &v) -> std::string {
		 const size_t first = v.find(':');
		 const size_t second = first == std::string::npos ? first : v.find(':', first + 1);
		 int track = 0;
		 if (second == std::string::npos ||
		     !parse_int(std::string_view(v).substr(first + 1, second - first - 1), track))
			 return "--channel needs ID:TRACK:NAME, such as en:2:English";
		 // The plugin refuses a bad id, track or name with its own words; the host passes them on as given.
		 o.channels.push_back({v.substr(0, first), v.substr(second + 1), track - 1});
		 return {};
	 }},
	{kRun, "--duration", Takes::Value, " S         stop after S seconds (default: run until quit)",
	 [](HostOptions &o, const std::string &v) -> std::string {
		 if (!parse_double(v, o.duration_seconds) || o.duration_seconds < 0)
			 return "--duration needs a number of seconds";
		 return {};
	 }},
	{kRun, "--help", Takes::Nothing, "               this text (also -h)", store_true<&HostOptions::show_help>},
};

const HostFlag *find_host_flag(const std::string &arg)
{
	const std::string name = arg == "-h" ? "--help" : arg;
	for (const HostFlag &flag : kHostFlags)
		if (name == flag.name)
			return &flag;
	return nullptr;
}

std::string usage_of(const char *group)
{
	std::string lines;
	for (const HostFlag &flag : kHostFlags)
		if (std::string_view(flag.group) == group)
			lines += std::string("  ") + flag.name + flag.usage + "\n";
	return lines;
}

std::string output_flags_usage()
{
	std::string lines;
	for (const SettingField &f : setting_fields())
		lines += std::string("  ") + f.flag + " " + f.flag_value + "\n";
	return lines;
}

// Sets the output setting of `field` from the command line (argv[i] is its flag; a value is taken from after it).
std::string apply_output_flag(const SettingField &field, HostOptions &o, int argc, char **argv, int &i)
{
	const std::string arg = argv[i];
	if (field.kind == SettingField::Kind::Switch) {
		o.output_settings[field.key] = false;
		return {};
	}
	if (i + 1 >= argc)
		return arg + " needs a value";
	const std::string text = argv[++i];
	if (field.text) {
		o.output_settings[field.key] = text;
		return {};
	}
	int number = 0;
	if (auto why = whole_number(arg.c_str(), text, number); !why.empty())
		return why;
	o.output_settings[field.key] = static_cast<long long>(number) + field.flag_offset;
	return {};
}

} // namespace

size_t output_mixer(const HostOptions &options)
{
	const auto found = options.output_settings.find("mixer");
	return found == options.output_settings.end() ? 0 : static_cast<size_t>(std::get<long long>(found->second));
}

std::string host_usage()
{
	return "Usage: obs-sse-audio-host [options]\n"
	       "Starts libobs without a window, loads the obs-sse-audio plugin, feeds it audio and serves the stream.\n"
	       "\n" +
	       std::string(kAudio) + "\n" + usage_of(kAudio) +
	       "\n"
	       "Output settings (default: the plugin's):\n" +
	       output_flags_usage() + "\n" + kChannels + "\n" + usage_of(kChannels) + "\n" + kPaths + "\n" +
	       usage_of(kPaths) + "\n" + usage_of(kRun) +
	       "\n"
	       "Commands on standard input: start, stop, restart, quit.\n";
}

std::optional<HostOptions> parse_host_options(int argc, char **argv, std::string &error)
{
	HostOptions o;
	o.module_path = SSE_AUDIO_DEFAULT_MODULE;
	o.module_data = SSE_AUDIO_DEFAULT_MODULE_DATA;
	o.obs_plugins = SSE_AUDIO_OBS_PLUGINS;
	o.obs_plugin_data = SSE_AUDIO_OBS_PLUGIN_DATA;
	error.clear();

	const auto fields = setting_fields();
	for (int i = 1; i < argc; i++) {
		const std::string arg = argv[i];
		const auto output_flag = std::find_if(fields.begin(), fields.end(),
						      [&arg](const SettingField &f) { return arg == f.flag; });
		if (output_flag != fields.end()) {
			error = apply_output_flag(*output_flag, o, argc, argv, i);
		} else if (const HostFlag *flag = find_host_flag(arg)) {
			std::string value;
			const bool follows = i + 1 < argc;
			if (flag->takes == Takes::Value && !follows)
				error = arg + " needs a value";
			else if (flag->takes == Takes::Value ||
				 (flag->takes == Takes::OptionalValue && follows && argv[i + 1][0] != '-'))
				value = argv[++i];
			if (error.empty())
				error = flag->apply(o, value);
		} else {
			error = "unknown option " + arg;
		}
		if (!error.empty())
			return std::nullopt;
	}
	if (o.tone_marks_ms > 0 && o.input != AudioInput::Tone) {
		error = "--tone-marks marks the test tone: it cannot go with --file or --capture";
		return std::nullopt;
	}
	// The mark is twice the tone's frequency, which must stay below half the sample rate to be that tone.
	if (o.tone_marks_ms > 0 && 4 * o.tone_hz >= o.sample_rate) {
		error = "--tone-marks needs a tone below a quarter of the sample rate (its marks are twice the tone)";
		return std::nullopt;
	}
	return o;
}

} // namespace sse_audio::host
