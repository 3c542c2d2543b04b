#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sse_audio::host {

enum class AudioInput { Tone, File, Capture, TrackTones };

// --track-tone: a sine tone mixed into one OBS track only.
struct TrackTone {
	int track = 0; // 0-based
	double hz = 440.0;
};

// --channel: one of the output's channels (the plugin's `channels` setting).
struct HostChannel {
	std::string id;
	std::string name;
	int mixer = 0; // 0-based track
};

// A value for one of the output's settings: a whole number, a text or a switch.
using OutputSettingValue = std::variant<long long, std::string, bool>;

// Command line of obs-sse-audio-host. Output settings left unset keep the plugin's defaults.
struct HostOptions {
	AudioInput input = AudioInput::Tone;
	double tone_hz = 440.0;
	// --tone-marks: every this many ms of the tone's sample clock, 100 ms at twice the frequency, each announced on
	// standard output as `MARK <capture_ms>` (0: a plain tone). What a listener hears can then be timed.
	int tone_marks_ms = 0;
	std::vector<TrackTone> track_tones; // --track-tone, each on its own track (input TrackTones)
	std::vector<HostChannel> channels;  // --channel: the output's channel list (empty: the plugin's one channel)
	std::string file;                   // --file: an audio file played in a loop by OBS's media source
	std::string capture_device = "default"; // --capture: a PulseAudio source name
	int sample_rate = 48000;
	int speaker_channels = 2; // OBS's speaker layout by its channel count: 1 mono, 2 stereo, 6 for 5.1

	// The output's settings given on the command line, by the plugin's settings keys (the flags of setting_fields()); those left
	// out keep the plugin's defaults.
	std::map<std::string, OutputSettingValue> output_settings;

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

// The track the output mixes (0-based), as the plugin reads it: --mixer's, else the plugin's default, track 1.
size_t output_mixer(const HostOptions &options);

// Parses argv; on a bad argument returns nullopt and sets `error`.
std::optional<HostOptions> parse_host_options(int argc, char **argv, std::string &error);

std::string host_usage();

} // namespace sse_audio::host
