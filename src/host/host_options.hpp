#pragma once

#include <optional>
#include <string>

namespace sse_audio::host {

enum class AudioInput { Tone, File, Capture };

// Command line of obs-sse-audio-host. Output settings left unset keep the plugin's defaults.
struct HostOptions {
	AudioInput input = AudioInput::Tone;
	double tone_hz = 440.0;
	// --tone-marks: every this many ms of the tone's sample clock, 100 ms at twice the frequency, each announced on
	// standard output as `MARK <capture_ms>` (0: a plain tone). What a listener hears can then be timed.
	int tone_marks_ms = 0;
	std::string file;                       // --file: an audio file played in a loop by OBS's media source
	std::string capture_device = "default"; // --capture: a PulseAudio source name
	int sample_rate = 48000;
	int speaker_channels = 2; // OBS's speaker layout by its channel count: 1 mono, 2 stereo, 6 for 5.1

	std::optional<int> port;
	std::optional<int> bitrate;
	std::optional<int> timeout;
	std::optional<int> mixer; // 1-based on the command line, like OBS's track names
	std::optional<int> max_listeners;
	std::optional<std::string> bind_address;
	std::optional<std::string> access_key;
	std::optional<std::string> title;
	std::optional<int> max_listeners_per_address;
	std::optional<std::string> relay_url; // relay mode (docs/scale-out.md)
	std::optional<std::string> relay_key;
	std::optional<std::string> allowed_origins; // pages of other origins that may listen (OriginPolicy)
	std::optional<bool> serve_listeners;        // --no-serve: the relay serves every listener

	std::string module_path; // obs-sse-audio.so
	std::string module_data; // its data folder
	std::string obs_plugins; // OBS's system plugins, for obs-ffmpeg and linux-pulseaudio
	std::string obs_plugin_data;
	// --find-module: ignore module_path/module_data and look for the plugin where OBS does (libobs's system
	// folders, then the per-user folder OBS's frontend adds), so that an installed package can be checked.
	bool find_module = false;
	double duration_seconds = 0; // 0: run until "quit", SIGINT or SIGTERM
	bool show_help = false;
};

// Parses argv; on a bad argument returns nullopt and sets `error`.
std::optional<HostOptions> parse_host_options(int argc, char **argv, std::string &error);

std::string host_usage();

} // namespace sse_audio::host
