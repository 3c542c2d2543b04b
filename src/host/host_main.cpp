// obs-sse-audio-host: real libobs without a window. It loads the plugin module the way OBS does, feeds it audio
// (a test tone, a file or a capture device), starts the output and prints the listener URL. The README's run
// command uses it on machines without a desktop, and the integration tests drive the real plugin through it.

#include <obs.h>
#include <obs-module.h>
#include <util/platform.h>

#include "host_options.hpp"
#include "tone_marks.hpp"
#include "tone_source.hpp"

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace sse_audio::host;

namespace {

std::atomic<bool> g_quit{false};

void on_signal(int)
{
	g_quit = true;
}

// libobs's log goes to standard error, so that standard output carries only the host's own lines (the URL,
// READY, STOPPED, EXITED, MARK) for people and scripts to read. Debug lines are left out.
void log_to_stderr(int level, const char *format, va_list args, void *)
{
	if (level > LOG_INFO)
		return;
	std::vfprintf(stderr, format, args);
	std::fputc('\n', stderr);
}

// Prints a line and flushes at once: tests read the host's output through a pipe.
void say(const std::string &line)
{
	std::cout << line << std::endl;
}

bool load_module(const std::string &path, const std::string &data)
{
	obs_module_t *module = nullptr;
	const int result = obs_open_module(&module, path.c_str(), data.c_str());
	if (result != MODULE_SUCCESS) {
		say("error: could not open module " + path + " (code " + std::to_string(result) + ")");
		return false;
	}
	if (!obs_init_module(module)) {
		say("error: module " + path + " failed to initialise");
		return false;
	}
	return true;
}

bool load_system_plugin(const HostOptions &o, const std::string &name)
{
	const std::string bin = o.obs_plugins + "/" + name + ".so";
	if (!std::filesystem::exists(bin)) {
		say("error: OBS's " + name + " plugin is not installed (" + bin + ")");
		return false;
	}
	return load_module(bin, o.obs_plugin_data + "/" + name);
}

struct FoundModule {
	std::string bin;
	std::string data;
};

void take_first_sse_module(void *param, const struct obs_module_info2 *info)
{
	auto *found = static_cast<FoundModule *>(param);
	if (found->bin.empty() && std::string(info->name) == "obs-sse-audio") {
		// libobs's own paths may hold doubled slashes (Debian's is /usr//lib/...): printed for people to read.
		found->bin = std::filesystem::path(info->bin_path).lexically_normal().string();
		found->data = std::filesystem::path(info->data_path).lexically_normal().string();
	}
}

// Looks for the plugin as OBS 29 does: libobs's own search paths (the system plugin folders it was built with),
// plus the per-user folder that OBS's frontend adds (~/.config/obs-studio/plugins/%module%/bin/64bit and /data).
// A package that installs somewhere OBS never looks is not found here either.
FoundModule find_installed_module()
{
	char user[512];
	if (os_get_config_path(user, sizeof(user), "obs-studio/plugins/%module%") > 0) {
		const std::string base = user;
		obs_add_module_path((base + "/bin/64bit").c_str(), (base + "/data").c_str());
	}
	FoundModule found;
	obs_find_modules2(take_first_sse_module, &found);
	return found;
}

obs_source_t *create_input(const HostOptions &o)
{
	obs_data_t *settings = obs_data_create();
	obs_source_t *source = nullptr;
	switch (o.input) {
	case AudioInput::Tone:
		obs_data_set_double(settings, kToneFrequencyKey, o.tone_hz);
		obs_data_set_int(settings, kToneMarksKey, o.tone_marks_ms);
		source = obs_source_create(kToneSourceId, "tone", settings, nullptr);
		break;
	case AudioInput::File:
		if (load_system_plugin(o, "obs-ffmpeg")) {
			obs_data_set_bool(settings, "is_local_file", true);
			obs_data_set_string(settings, "local_file", o.file.c_str());
			obs_data_set_bool(settings, "looping", true);
			obs_data_set_bool(settings, "restart_on_activate", false);
			source = obs_source_create("ffmpeg_source", "file", settings, nullptr);
		}
		break;
	case AudioInput::Capture:
		if (load_system_plugin(o, "linux-pulseaudio")) {
			obs_data_set_string(settings, "device_id", o.capture_device.c_str());
			source = obs_source_create("pulse_input_capture", "capture", settings, nullptr);
		}
		break;
	}
	obs_data_release(settings);
	return source;
}

obs_data_t *output_settings(const HostOptions &o)
{
	obs_data_t *s = obs_data_create();
	if (o.port)
		obs_data_set_int(s, "port", *o.port);
	if (o.bitrate)
		obs_data_set_int(s, "bitrate", *o.bitrate);
	if (o.timeout)
		obs_data_set_int(s, "timeout", *o.timeout);
	if (o.mixer)
		obs_data_set_int(s, "mixer", *o.mixer - 1);
	if (o.max_listeners)
		obs_data_set_int(s, "max_listeners", *o.max_listeners);
	if (o.bind_address)
		obs_data_set_string(s, "bind_address", o.bind_address->c_str());
	if (o.access_key)
		obs_data_set_string(s, "access_key", o.access_key->c_str());
	if (o.title)
		obs_data_set_string(s, "title", o.title->c_str());
	if (o.max_listeners_per_address)
		obs_data_set_int(s, "max_listeners_per_address", *o.max_listeners_per_address);
	if (o.relay_url)
		obs_data_set_string(s, "relay_url", o.relay_url->c_str());
	if (o.allowed_origins)
		obs_data_set_string(s, "allowed_origins", o.allowed_origins->c_str());
	if (o.relay_key)
		obs_data_set_string(s, "relay_key", o.relay_key->c_str());
	if (o.serve_listeners)
		obs_data_set_bool(s, "serve_listeners", *o.serve_listeners);
	return s;
}

bool start_output(obs_output_t *output)
{
	if (obs_output_start(output)) {
		obs_data_t *s = obs_output_get_settings(output);
		std::string host = obs_data_get_string(s, "bind_address");
		if (host == "0.0.0.0" || host == "::")
			host = "127.0.0.1";
		else if (host.find(':') != std::string::npos)
			host = "[" + host + "]";
		const auto port = obs_data_get_int(s, "port");
		std::string key = obs_data_get_string(s, "access_key");
		obs_data_release(s);
		const std::string url = "http://" + host + ":" + std::to_string(port) + "/";
		say("listening: " + url + (key.empty() ? "" : "?key=" + key));
		say("stream: " + url + "stream.mp3" + (key.empty() ? "" : "?key=" + key));
		say("READY " + std::to_string(port));
		return true;
	}
	const char *error = obs_output_get_last_error(output);
	say(std::string("START FAILED: ") + (error ? error : "unknown error"));
	return false;
}

// Starts looking for the tone's marks in the mix the output streams, once the tone's sample clock has begun (its
// thread starts with the source). Before the output starts, so that the plugin's callback, connected later, runs
// first (see ToneMarkWatcher::receive). nullptr when the tone did not begin within 5 s.
std::unique_ptr<ToneMarkWatcher> watch_tone_marks(const HostOptions &o, obs_source_t *tone)
{
	ToneMarkConfig config;
	for (int i = 0; i < 500 && config.tone_start_ns == 0; i++) {
		config.tone_start_ns = tone_start_ns(tone);
		if (config.tone_start_ns == 0)
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	if (config.tone_start_ns == 0)
		return nullptr;
	struct obs_audio_info audio = {};
	obs_get_audio_info(&audio);
	config.sample_rate = audio.samples_per_sec;
	config.every_ms = static_cast<uint32_t>(o.tone_marks_ms);
	config.tone_hz = o.tone_hz;
	config.mixer = o.mixer ? static_cast<size_t>(*o.mixer - 1) : 0; // the plugin's default: track 1
	return std::make_unique<ToneMarkWatcher>(config);
}

// Prints `MARK <capture_ms>` for each mark found since the last call (main thread: the audio thread only hands
// them over).
void print_marks(ToneMarkWatcher *watcher, std::vector<int64_t> &scratch)
{
	if (!watcher)
		return;
	scratch.clear();
	watcher->take(scratch);
	for (const int64_t capture_ms : scratch)
		say("MARK " + std::to_string(capture_ms));
}

// Reads one command line from standard input without blocking longer than `timeout_ms`. It reads the descriptor
// itself: std::cin would buffer every line of one read, and poll() cannot see lines left in that buffer, so a
// second command sent together with the first would wait for more input.
bool read_command(std::string &line, int timeout_ms)
{
	static std::string pending;
	static bool stdin_open = true;
	const auto take_line = [&line]() {
		const size_t newline = pending.find('\n');
		if (newline == std::string::npos)
			return false;
		line = pending.substr(0, newline);
		if (!line.empty() && line.back() == '\r')
			line.pop_back();
		pending.erase(0, newline + 1);
		return true;
	};
	if (take_line())
		return true;
	if (!stdin_open) {
		usleep(static_cast<useconds_t>(timeout_ms) * 1000);
		return false;
	}
	struct pollfd fd = {STDIN_FILENO, POLLIN, 0};
	if (poll(&fd, 1, timeout_ms) <= 0)
		return false;
	char buffer[512];
	const ssize_t got = read(STDIN_FILENO, buffer, sizeof(buffer));
	if (got < 0 && errno == EINTR)
		return false;
	if (got <= 0) {
		stdin_open = false; // no terminal (e.g. started in the background): run until a signal or --duration
		line = std::move(pending); // a last command without a newline still counts
		pending.clear();
		return !line.empty();
	}
	pending.append(buffer, static_cast<size_t>(got));
	return take_line();
}

} // namespace

int main(int argc, char **argv)
{
	std::string error;
	const auto options = parse_host_options(argc, argv, error);
	if (!options) {
		std::cerr << "obs-sse-audio-host: " << error << "\n\n" << host_usage();
		return 2;
	}
	if (options->show_help) {
		std::cout << host_usage();
		return 0;
	}
	const HostOptions &o = *options;
	if (!o.find_module && !std::filesystem::exists(o.module_path)) {
		std::cerr << "obs-sse-audio-host: plugin module not found: " << o.module_path
			  << " (build and install it, or pass --module)\n";
		return 2;
	}

	base_set_log_handler(log_to_stderr, nullptr);
	std::signal(SIGINT, on_signal);
	std::signal(SIGTERM, on_signal);

	const auto config_dir =
		std::filesystem::temp_directory_path() / ("obs-sse-audio-host-" + std::to_string(getpid()));
	if (!obs_startup("en-US", config_dir.c_str(), nullptr)) {
		say("error: libobs failed to start");
		return 1;
	}
	int exit_code = 0;
	obs_output_t *output = nullptr;
	obs_source_t *input = nullptr;
	std::unique_ptr<ToneMarkWatcher> marks;
	std::vector<int64_t> mark_lines;
	do {
		struct obs_audio_info audio = {};
		audio.samples_per_sec = static_cast<uint32_t>(o.sample_rate);
		audio.speakers = o.speaker_channels == 1   ? SPEAKERS_MONO
				 : o.speaker_channels == 6 ? SPEAKERS_5POINT1
							   : SPEAKERS_STEREO;
		if (!obs_reset_audio(&audio)) {
			say("error: libobs could not set up audio");
			exit_code = 1;
			break;
		}
		// libobs needs a video mix before any output can exist, even an audio-only one; a tiny canvas will do.
		struct obs_video_info video = {};
		video.graphics_module = "libobs-opengl";
		video.fps_num = 30;
		video.fps_den = 1;
		video.base_width = video.output_width = 64;
		video.base_height = video.output_height = 64;
		video.output_format = VIDEO_FORMAT_NV12;
		video.gpu_conversion = true;
		video.colorspace = VIDEO_CS_709;
		video.range = VIDEO_RANGE_PARTIAL;
		video.scale_type = OBS_SCALE_BICUBIC;
		if (obs_reset_video(&video) != OBS_VIDEO_SUCCESS) {
			say("error: libobs could not set up video (is there an X display? run under xvfb-run -a)");
			exit_code = 1;
			break;
		}

		register_tone_source();
		std::string module_path = o.module_path;
		std::string module_data = o.module_data;
		if (o.find_module) {
			const FoundModule found = find_installed_module();
			if (found.bin.empty()) {
				say("error: OBS's plugin folders hold no obs-sse-audio module");
				exit_code = 1;
				break;
			}
			module_path = found.bin;
			module_data = found.data;
			say("module: " + module_path + " (data: " + module_data + ")");
		}
		if (!load_module(module_path, module_data)) {
			exit_code = 1;
			break;
		}
		obs_post_load_modules();

		input = create_input(o);
		if (!input) {
			say("error: could not create the audio input");
			exit_code = 1;
			break;
		}
		obs_set_output_source(0, input);
		if (o.tone_marks_ms > 0) {
			marks = watch_tone_marks(o, input);
			if (!marks) {
				say("error: the test tone did not start");
				exit_code = 1;
				break;
			}
		}

		obs_data_t *settings = output_settings(o);
		output = obs_output_create("sse_audio_output", "sse-audio", settings, nullptr);
		obs_data_release(settings);
		if (!output) {
			say("error: the plugin did not register output type sse_audio_output");
			exit_code = 1;
			break;
		}
		if (!start_output(output)) {
			exit_code = 1;
			break;
		}

		const auto started = std::chrono::steady_clock::now();
		while (!g_quit) {
			print_marks(marks.get(), mark_lines);
			if (o.duration_seconds > 0 && std::chrono::steady_clock::now() - started >=
							      std::chrono::duration<double>(o.duration_seconds))
				break;
			std::string command;
			// With marks, a shorter wait: a MARK line follows its mark's block within a block and 20 ms.
			if (!read_command(command, marks ? 20 : 100))
				continue;
			if (command == "quit") {
				break;
			} else if (command == "stop") {
				obs_output_stop(output);
				say("STOPPED");
			} else if (command == "start") {
				start_output(output);
			} else if (command == "restart") {
				obs_output_stop(output);
				start_output(output);
			} else if (!command.empty()) {
				say("unknown command: " + command);
			}
		}
	} while (false);

	if (output) {
		obs_output_stop(output);
		obs_output_release(output);
	}
	if (marks) {
		print_marks(marks.get(), mark_lines);
		const ToneMarkWatcher::Figures f = marks->figures();
		std::fprintf(
			stderr,
			"tone marks: %llu found, %llu missing between them, %llu not printed; at most %llu frames from "
			"where their time stamps put them\n",
			static_cast<unsigned long long>(f.found), static_cast<unsigned long long>(f.skipped),
			static_cast<unsigned long long>(f.lost), static_cast<unsigned long long>(f.max_shift));
		marks.reset();
	}
	obs_set_output_source(0, nullptr);
	if (input)
		obs_source_release(input);
	obs_shutdown();
	std::error_code ec;
	std::filesystem::remove_all(config_dir, ec);
	say("EXITED");
	return exit_code;
}
