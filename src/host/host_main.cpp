// obs-sse-audio-host: real libobs without a window. It loads the plugin module the way OBS does, feeds it audio
// (a test tone, a file or a capture device), starts the output and prints the listener URL. The README's run
// command uses it on machines without a desktop, and the integration tests drive the real plugin through it.

#include <obs-module.h>
#include <obs.h>
#include <obs.hpp>
#include <util/platform.h>

#include "host_options.hpp"
#include "tone_marks.hpp"
#include "tone_source.hpp"
#include "tiny_video_mix.hpp"

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
#include <optional>
#include <string>
#include <thread>
#include <variant>
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

// --track-tone's sources: each a tone mixed into its one track only (OBS's Advanced Audio Properties do the same).
std::vector<obs_source_t *> create_track_tones(const HostOptions &o)
{
	std::vector<obs_source_t *> sources;
	for (const TrackTone &tone : o.track_tones) {
		const OBSDataAutoRelease settings = obs_data_create();
		obs_data_set_double(settings, kToneFrequencyKey, tone.hz);
		const std::string name = "tone " + std::to_string(tone.track + 1);
		obs_source_t *source = obs_source_create(kToneSourceId, name.c_str(), settings, nullptr);
		if (!source)
			break;
		obs_source_set_audio_mixers(source, 1u << tone.track);
		sources.push_back(source);
	}
	return sources;
}

obs_source_t *create_input(const HostOptions &o)
{
	const OBSDataAutoRelease settings = obs_data_create();
	obs_source_t *source = nullptr;
	switch (o.input) {
	case AudioInput::TrackTones:
		break; // create_track_tones
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
	return source;
}

// The output's settings from the command line (the flags of setting_fields()); the rest keep the plugin's defaults.
obs_data_t *output_settings(const HostOptions &o)
{
	obs_data_t *s = obs_data_create();
	for (const auto &[key, value] : o.output_settings) {
		if (const auto *number = std::get_if<long long>(&value))
			obs_data_set_int(s, key.c_str(), *number);
		else if (const auto *text = std::get_if<std::string>(&value))
			obs_data_set_string(s, key.c_str(), text->c_str());
		else
			obs_data_set_bool(s, key.c_str(), std::get<bool>(value));
	}
	if (!o.channels.empty()) {
		const OBSDataArrayAutoRelease list = obs_data_array_create();
		for (const HostChannel &c : o.channels) {
			const OBSDataAutoRelease item = obs_data_create();
			obs_data_set_string(item, "id", c.id.c_str());
			obs_data_set_string(item, "name", c.name.c_str());
			obs_data_set_int(item, "mixer", c.mixer);
			obs_data_array_push_back(list, item);
		}
		obs_data_set_array(s, "channels", list);
	}
	return s;
}

bool start_output(obs_output_t *output)
{
	if (obs_output_start(output)) {
		const OBSDataAutoRelease s = obs_output_get_settings(output);
		std::string host = obs_data_get_string(s, "bind_address");
		if (host == "0.0.0.0" || host == "::")
			host = "127.0.0.1";
		else if (host.find(':') != std::string::npos)
			host = "[" + host + "]";
		const auto port = obs_data_get_int(s, "port");
		const std::string key = obs_data_get_string(s, "access_key");
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
	config.mixer = output_mixer(o);
	return std::make_unique<ToneMarkWatcher>(config);
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

// libobs from obs_startup to obs_shutdown, with the temporary configuration folder it was given.
class ObsSession {
public:
	ObsSession()
		: config_dir_(std::filesystem::temp_directory_path() /
			      ("obs-sse-audio-host-" + std::to_string(getpid()))),
		  started_(obs_startup("en-US", config_dir_.c_str(), nullptr))
	{
	}
	~ObsSession()
	{
		if (started_)
			obs_shutdown();
		std::error_code ec;
		std::filesystem::remove_all(config_dir_, ec);
	}
	ObsSession(const ObsSession &) = delete;
	ObsSession &operator=(const ObsSession &) = delete;
	[[nodiscard]] bool started() const { return started_; }

private:
	std::filesystem::path config_dir_;
	bool started_;
};

// The audio inputs on OBS's output channels (what the mix hears) while this lives.
class MixedInput {
public:
	// Each source on an output channel of its own (0, 1, ...), so that all of them are mixed.
	explicit MixedInput(const std::vector<obs_source_t *> &sources)
	{
		for (obs_source_t *source : sources) {
			obs_set_output_source(static_cast<uint32_t>(sources_.size()), source);
			sources_.emplace_back(source);
		}
	}
	~MixedInput()
	{
		for (size_t i = 0; i < sources_.size(); i++)
			obs_set_output_source(static_cast<uint32_t>(i), nullptr);
	}
	MixedInput(const MixedInput &) = delete;
	MixedInput &operator=(const MixedInput &) = delete;
	// The first source (the one --tone-marks watches); null when there is none.
	[[nodiscard]] obs_source_t *get() const { return sources_.empty() ? nullptr : sources_.front().Get(); }

private:
	std::vector<OBSSourceAutoRelease> sources_;
};

// The plugin's output, stopped before it is released.
class PluginOutput {
public:
	explicit PluginOutput(obs_output_t *output) : output_(output) {}
	~PluginOutput()
	{
		if (output_)
			obs_output_stop(output_);
	}
	PluginOutput(const PluginOutput &) = delete;
	PluginOutput &operator=(const PluginOutput &) = delete;
	[[nodiscard]] obs_output_t *get() const { return output_; }

private:
	OBSOutputAutoRelease output_;
};

// The tone's marks (--tone-marks): printed as they are found, the last ones and the watcher's figures at the end.
class MarkPrinter {
public:
	explicit MarkPrinter(std::unique_ptr<ToneMarkWatcher> watcher) : watcher_(std::move(watcher)) {}
	~MarkPrinter()
	{
		if (!watcher_)
			return;
		print_new();
		const ToneMarkWatcher::Figures f = watcher_->figures();
		std::fprintf(
			stderr,
			"tone marks: %llu found, %llu missing between them, %llu not printed; at most %llu frames from "
			"where their time stamps put them\n",
			static_cast<unsigned long long>(f.found), static_cast<unsigned long long>(f.skipped),
			static_cast<unsigned long long>(f.lost), static_cast<unsigned long long>(f.max_shift));
	}
	MarkPrinter(const MarkPrinter &) = delete;
	MarkPrinter &operator=(const MarkPrinter &) = delete;

	[[nodiscard]] bool watching() const { return watcher_ != nullptr; }
	// Prints `MARK <capture_ms>` for each mark found since the last call (main thread: the audio thread only hands
	// them over).
	void print_new()
	{
		if (!watcher_)
			return;
		scratch_.clear();
		watcher_->take(scratch_);
		for (const int64_t capture_ms : scratch_)
			say("MARK " + std::to_string(capture_ms));
	}

private:
	std::unique_ptr<ToneMarkWatcher> watcher_;
	std::vector<int64_t> scratch_;
};

// OBS's audio and the tiny video mix libobs needs before any output can exist, even an audio-only one. An error
// line, or nothing.
std::optional<std::string> reset_audio_and_video(const HostOptions &o)
{
	struct obs_audio_info audio = {};
	audio.samples_per_sec = static_cast<uint32_t>(o.sample_rate);
	audio.speakers = o.speaker_channels == 1   ? SPEAKERS_MONO
			 : o.speaker_channels == 6 ? SPEAKERS_5POINT1
						   : SPEAKERS_STEREO;
	if (!obs_reset_audio(&audio))
		return "error: libobs could not set up audio";
	if (sse_audio::obs::reset_tiny_video_mix() != OBS_VIDEO_SUCCESS)
		return "error: libobs could not set up video (is there an X display? run under xvfb-run -a)";
	return std::nullopt;
}

// Loads the plugin from --module/--data, or where OBS would find it (--find-module).
bool load_plugin(const HostOptions &o)
{
	if (!o.find_module)
		return load_module(o.module_path, o.module_data);
	const FoundModule found = find_installed_module();
	if (found.bin.empty()) {
		say("error: OBS's plugin folders hold no obs-sse-audio module");
		return false;
	}
	say("module: " + found.bin + " (data: " + found.data + ")");
	return load_module(found.bin, found.data);
}

// Until quit, a signal or --duration: prints marks and runs the commands read from standard input.
void serve_commands(const HostOptions &o, obs_output_t *output, MarkPrinter &marks)
{
	const auto started = std::chrono::steady_clock::now();
	while (!g_quit) {
		marks.print_new();
		if (o.duration_seconds > 0 &&
		    std::chrono::steady_clock::now() - started >= std::chrono::duration<double>(o.duration_seconds))
			return;
		std::string command;
		// With marks, a shorter wait: a MARK line follows its mark's block within a block and 20 ms.
		if (!read_command(command, marks.watching() ? 20 : 100))
			continue;
		if (command == "quit") {
			return;
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
}

// libobs up, the plugin loaded, the input mixed and the output started, then the commands; every step that fails
// says why and returns 1. What was set up is taken down in reverse order on the way out, whichever way that is.
int run(const HostOptions &o)
{
	const ObsSession session;
	if (!session.started()) {
		say("error: libobs failed to start");
		return 1;
	}
	if (const auto failed = reset_audio_and_video(o)) {
		say(*failed);
		return 1;
	}
	register_tone_source();
	if (!load_plugin(o))
		return 1;
	obs_post_load_modules();

	const MixedInput input(o.input == AudioInput::TrackTones ? create_track_tones(o)
								 : std::vector<obs_source_t *>{create_input(o)});
	if (!input.get()) {
		say("error: could not create the audio input");
		return 1;
	}
	MarkPrinter marks(o.tone_marks_ms > 0 ? watch_tone_marks(o, input.get()) : nullptr);
	if (o.tone_marks_ms > 0 && !marks.watching()) {
		say("error: the test tone did not start");
		return 1;
	}

	const OBSDataAutoRelease settings = output_settings(o);
	const PluginOutput output(obs_output_create("sse_audio_output", "sse-audio", settings, nullptr));
	if (!output.get()) {
		say("error: the plugin did not register output type sse_audio_output");
		return 1;
	}
	if (!start_output(output.get()))
		return 1;
	serve_commands(o, output.get(), marks);
	return 0;
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
	const int exit_code = run(o);
	say("EXITED");
	return exit_code;
}
