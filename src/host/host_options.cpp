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

} // namespace

namespace {

std::string output_flags_usage()
{
	std::string lines;
	for (const SettingField &f : setting_fields())
		lines += std::string("  ") + f.flag + " " + f.flag_value + "\n";
	return lines;
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
	       "\n"
	       "Audio (one of):\n"
	       "  --tone HZ            a sine test tone (default: 440)\n"
	       "  --tone-marks MS      every MS ms (at least 200) the tone plays twice its frequency for 100 ms and\n"
	       "                       the host prints `MARK <ms>`: when the mark's first sample entered the\n"
	       "                       output, on the clock of the stream's timing events (ms since the epoch)\n"
	       "  --file PATH          an audio file, looped (needs OBS's obs-ffmpeg plugin)\n"
	       "  --capture [DEVICE]   a PulseAudio source (needs OBS's linux-pulseaudio plugin; default: default)\n"
	       "  --sample-rate HZ     OBS's audio rate: 48000 (default) or 44100\n"
	       "  --speakers LAYOUT    OBS's speaker layout: mono, stereo (default) or 5.1\n"
	       "\n"
	       "Output settings (default: the plugin's):\n" +
	       output_flags_usage() +
	       "\n"
	       "Paths:\n"
	       "  --module PATH        obs-sse-audio.so (default: " SSE_AUDIO_DEFAULT_MODULE ")\n"
	       "  --data PATH          the plugin's data folder (default: " SSE_AUDIO_DEFAULT_MODULE_DATA ")\n"
	       "  --obs-plugins PATH   OBS's plugin folder (default: " SSE_AUDIO_OBS_PLUGINS ")\n"
	       "  --find-module        find obs-sse-audio where OBS does (its system plugin folders, then\n"
	       "                       ~/.config/obs-studio/plugins) instead of --module and --data\n"
	       "\n"
	       "  --duration S         stop after S seconds (default: run until quit)\n"
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

	for (int i = 1; i < argc; i++) {
		const std::string arg = argv[i];
		const bool has_value = i + 1 < argc;
		const auto value = [&]() -> std::optional<std::string> {
			if (!has_value) {
				error = arg + " needs a value";
				return std::nullopt;
			}
			return std::string(argv[++i]);
		};
		const auto int_value = [&](std::optional<int> &target) {
			const auto text = value();
			int parsed = 0;
			if (!text)
				return false;
			if (!parse_int(*text, parsed)) {
				error = arg + " needs a whole number, not \"" + *text + "\"";
				return false;
			}
			target = parsed;
			return true;
		};

		const auto fields = setting_fields();
		const auto output_flag = std::find_if(fields.begin(), fields.end(),
						      [&arg](const SettingField &f) { return arg == f.flag; });
		if (output_flag != fields.end()) {
			if (output_flag->kind == SettingField::Kind::Switch) {
				o.output_settings[output_flag->key] = false;
			} else if (output_flag->text) {
				const auto text = value();
				if (!text)
					return std::nullopt;
				o.output_settings[output_flag->key] = *text;
			} else {
				std::optional<int> number;
				if (!int_value(number))
					return std::nullopt;
				o.output_settings[output_flag->key] =
					static_cast<long long>(*number) + output_flag->flag_offset;
			}
		} else if (arg == "-h" || arg == "--help") {
			o.show_help = true;
		} else if (arg == "--tone") {
			const auto text = value();
			if (!text || !parse_double(*text, o.tone_hz) || o.tone_hz <= 0 || o.tone_hz > 20000) {
				error = "--tone needs a frequency between 0 and 20000 Hz";
				return std::nullopt;
			}
			o.input = AudioInput::Tone;
		} else if (arg == "--tone-marks") {
			std::optional<int> every;
			if (!int_value(every))
				return std::nullopt;
			// A mark lasts 100 ms and needs tone before it to be told apart from the previous one.
			if (*every < 200) {
				error = "--tone-marks needs at least 200 ms between marks";
				return std::nullopt;
			}
			o.tone_marks_ms = *every;
		} else if (arg == "--file") {
			const auto text = value();
			if (!text)
				return std::nullopt;
			o.file = *text;
			o.input = AudioInput::File;
		} else if (arg == "--capture") {
			o.input = AudioInput::Capture;
			if (has_value && argv[i + 1][0] != '-')
				o.capture_device = argv[++i];
		} else if (arg == "--sample-rate") {
			std::optional<int> rate;
			if (!int_value(rate))
				return std::nullopt;
			if (*rate != 48000 && *rate != 44100) {
				error = "--sample-rate must be 48000 or 44100";
				return std::nullopt;
			}
			o.sample_rate = *rate;
		} else if (arg == "--speakers") {
			const auto text = value();
			if (!text)
				return std::nullopt;
			if (*text == "mono") {
				o.speaker_channels = 1;
			} else if (*text == "stereo") {
				o.speaker_channels = 2;
			} else if (*text == "5.1") {
				o.speaker_channels = 6;
			} else {
				error = "--speakers must be mono, stereo or 5.1";
				return std::nullopt;
			}
		} else if (arg == "--module") {
			const auto text = value();
			if (!text)
				return std::nullopt;
			o.module_path = *text;
		} else if (arg == "--data") {
			const auto text = value();
			if (!text)
				return std::nullopt;
			o.module_data = *text;
		} else if (arg == "--find-module") {
			o.find_module = true;
		} else if (arg == "--obs-plugins") {
			const auto text = value();
			if (!text)
				return std::nullopt;
			o.obs_plugins = *text;
		} else if (arg == "--duration") {
			const auto text = value();
			if (!text || !parse_double(*text, o.duration_seconds) || o.duration_seconds < 0) {
				error = "--duration needs a number of seconds";
				return std::nullopt;
			}
		} else {
			error = "unknown option " + arg;
			return std::nullopt;
		}
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
