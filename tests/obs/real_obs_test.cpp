// The plugin in Debian's real OBS Studio under Xvfb, in a fresh user folder: OBS loads it, "start with OBS" serves
// the scene's 440 Hz tone on / , /stream and /stream.mp3, obs-websocket's vendor requests stop, start and report it,
// the Tools-menu entry shows the dock, the dock's button and obs-websocket stop and start it several times with
// listeners attached, File > Exit stops it cleanly with a listener connected, and a second run in Chinese starts it
// again from the saved settings. Screenshots go to tests/artifacts/.

#include "desktop.hpp"
#include "obs_home.hpp"
#include "obs_process.hpp"
#include "websocket_client.hpp"

#include "audio_analysis.hpp"
#include "host_process.hpp"
#include "http_stream.hpp"
#include "mp3_decoder.hpp"
#include "payload_checks.hpp"
#include "sse_reader.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#ifndef SSE_AUDIO_TEST_MODULE
#error "SSE_AUDIO_TEST_MODULE must name the built obs-sse-audio.so"
#endif
#ifndef SSE_AUDIO_TEST_DATA
#error "SSE_AUDIO_TEST_DATA must name the plugin's data folder"
#endif
#ifndef SSE_AUDIO_TEST_ARTIFACTS
#error "SSE_AUDIO_TEST_ARTIFACTS must name the folder for screenshots"
#endif

namespace sse_audio::obstest {
namespace {

namespace fs = std::filesystem;
using itest::Clock;
using namespace std::chrono_literals;

constexpr auto kLoadTimeout = 60s;
constexpr auto kExitTimeout = 30s;
// Stop/start rounds from the dock, and as many again from obs-websocket, before File > Exit.
constexpr int kStopStartRounds = 3;
constexpr const char *kVendor = "obs-sse-audio";

double seconds_since(Clock::time_point start)
{
	return std::chrono::duration<double>(Clock::now() - start).count();
}

void report(const std::string &line)
{
	std::cout << "[figure] " << line << std::endl;
}

std::string artifact(const std::string &name)
{
	fs::create_directories(SSE_AUDIO_TEST_ARTIFACTS);
	return (fs::path(SSE_AUDIO_TEST_ARTIFACTS) / name).string();
}

// Waits for /status.json to answer with running == true.
bool wait_until_served(int port, std::chrono::milliseconds timeout)
{
	const auto deadline = Clock::now() + timeout;
	do {
		if (const auto status = itest::http_get(port, "/status.json", 2s)) {
			const auto json = nlohmann::json::parse(status->body, nullptr, false);
			if (status->head.status == 200 && !json.is_discarded() && json.value("running", false))
				return true;
		}
		std::this_thread::sleep_for(100ms);
	} while (Clock::now() < deadline);
	return false;
}

// Reads about two seconds of /stream, decodes every event's MP3 and returns the decoder.
void expect_sse_tone(int port)
{
	std::string error;
	auto client = itest::SseClient::open(port, "/stream", {}, 5s, &error);
	ASSERT_TRUE(client) << error;
	ASSERT_EQ(client->head().status, 200);
	ASSERT_TRUE(client->read_events(80, Clock::now() + 15s)) << "fewer than 80 audio events in 15 s";
	itest::Mp3Decoder decoder;
	for (const auto &event : client->parser().events()) {
		if (event.type != "audio")
			continue;
		const auto bytes = itest::strict_base64_decode(event.data);
		ASSERT_TRUE(bytes) << "event data is not strict base64";
		ASSERT_GE(decoder.feed(*bytes), 0) << decoder.error();
	}
	ASSERT_GT(decoder.frames(), 48000U);
	const std::span<const float> tail(decoder.left().data() + decoder.frames() - 48000, 48000);
	EXPECT_NEAR(itest::dominant_frequency(tail, static_cast<int>(decoder.sample_rate())), 440.0, 3.0)
		<< "the stream must carry the scene's 440 Hz tone";
	EXPECT_GT(itest::rms(tail), 0.1)
		<< "the tone is at half scale; near silence means OBS's mix is not reaching us";
}

void expect_mp3_tone(int port)
{
	std::string error;
	auto stream = itest::HttpStream::open(port, "/stream.mp3", {}, 5s, &error);
	ASSERT_TRUE(stream) << error;
	ASSERT_EQ(stream->head().status, 200);
	EXPECT_EQ(stream->head().header("Content-Type"), "audio/mpeg");
	std::string body;
	itest::Mp3Decoder decoder;
	const auto deadline = Clock::now() + 15s;
	while (decoder.frames() < 72000 && Clock::now() < deadline) {
		body.clear();
		if (stream->read_body(body, deadline) != itest::BodyRead::Data)
			break;
		ASSERT_GE(decoder.feed({reinterpret_cast<const uint8_t *>(body.data()), body.size()}), 0);
	}
	ASSERT_GE(decoder.frames(), 72000U) << "less than 1.5 s of MP3 in 15 s";
	const std::span<const float> tail(decoder.left().data() + decoder.frames() - 48000, 48000);
	EXPECT_NEAR(itest::dominant_frequency(tail, static_cast<int>(decoder.sample_rate())), 440.0, 3.0);
}

nlohmann::json vendor_call(ObsWebsocket &ws, const std::string &request)
{
	std::string error;
	const auto reply = ws.call_vendor(kVendor, request, 20s, &error);
	EXPECT_TRUE(reply) << error;
	if (!reply)
		return {};
	EXPECT_TRUE(reply->at("requestStatus").value("result", false))
		<< request << " failed: " << reply->at("requestStatus").dump();
	// CallVendorRequest wraps the vendor's answer: {vendorName, requestType, responseData}.
	return reply->value("responseData", nlohmann::json::object()).value("responseData", nlohmann::json::object());
}

// Waits until the plugin's obs-websocket status reports `state` ("live", "stopped", ...).
bool wait_for_state(ObsWebsocket &ws, const std::string &state, std::chrono::milliseconds timeout)
{
	const auto deadline = Clock::now() + timeout;
	do {
		std::string error;
		const auto reply = ws.call_vendor(kVendor, "status", 5s, &error);
		if (reply && reply->value("responseData", nlohmann::json::object())
					     .value("responseData", nlohmann::json::object())
					     .value("state", "") == state)
			return true;
		std::this_thread::sleep_for(100ms);
	} while (Clock::now() < deadline);
	return false;
}

// `count` listeners on /stream that have each received audio.
std::vector<std::unique_ptr<itest::SseClient>> attach_listeners(int port, int count)
{
	std::vector<std::unique_ptr<itest::SseClient>> listeners;
	for (int i = 0; i < count; i++) {
		std::string error;
		auto client = itest::SseClient::open(port, "/stream", {}, 5s, &error);
		EXPECT_TRUE(client) << error;
		if (!client)
			break;
		EXPECT_TRUE(client->read_events(5, Clock::now() + 10s)) << "listener " << i << " got no audio";
		listeners.push_back(std::move(client));
	}
	return listeners;
}

// File > Exit with the keyboard, as a person would; returns OBS's exit code and how long it took.
std::pair<std::optional<int>, double> exit_through_menu(ObsProcess &obs)
{
	focus_main_window();
	press_keys({"Escape", "alt+f"});
	std::this_thread::sleep_for(500ms);
	// Exit is the File menu's last entry: Up from the closed selection wraps to it.
	const auto began = Clock::now();
	press_keys({"Up", "Return"});
	const auto code = obs.wait_exit(kExitTimeout);
	return {code, seconds_since(began)};
}

void expect_clean_shutdown(const std::string &log)
{
	EXPECT_NE(log.find("==== Shutting down"), std::string::npos) << "OBS did not shut down through its exit path";
	EXPECT_NE(log.find("[obs-sse-audio] shut down for exit"), std::string::npos);
	EXPECT_NE(log.find("[obs-sse-audio] unloaded"), std::string::npos);
	EXPECT_NE(log.find("Number of memory leaks: 0"), std::string::npos);
}

class RealObs : public ::testing::Test {
protected:
	void SetUp() override
	{
		const char *display = std::getenv("DISPLAY");
		if (!display || !*display)
			GTEST_SKIP() << "DISPLAY is not set: run under xvfb-run -a -s \"-screen 0 1280x800x24\"";
		if (!program_exists("obs"))
			GTEST_SKIP()
				<< "OBS Studio is not installed (scripts/install-deps.sh test installs obs-studio)";
		for (const char *tool : {"xdotool", "ffmpeg"})
			ASSERT_TRUE(program_exists(tool)) << tool << " is missing (scripts/install-deps.sh test)";
		home_ = fs::temp_directory_path() / ("sse-audio-real-obs-" + std::to_string(getpid()));
		fs::remove_all(home_);
		fs::create_directories(home_);
	}
	void TearDown() override
	{
		if (obs_) {
			if (HasFailure())
				std::cout
					<< "---- OBS log (end) ----\n"
					<< obs_->log().substr(obs_->log().size() > 6000 ? obs_->log().size() - 6000 : 0)
					<< std::endl;
			obs_.reset(); // kills OBS if it is still running
		}
		std::error_code ec;
		if (!home_.empty() && !HasFailure())
			fs::remove_all(home_, ec);
		else if (!home_.empty())
			std::cout << "OBS's folder kept for inspection: " << home_ << std::endl;
	}

	// Starts OBS and waits until the module loaded and the stream is served; the seconds that took.
	double launch_and_wait_served(int port)
	{
		obs_ = std::make_unique<ObsProcess>(home_);
		std::string error;
		const auto began = Clock::now();
		if (!obs_->start(&error)) {
			ADD_FAILURE() << error;
			return -1;
		}
		if (!obs_->wait_for_log("[obs-sse-audio] loaded version", kLoadTimeout)) {
			// The one case where OBS cannot start at all here; anything later is a failure.
			ADD_FAILURE() << "OBS did not load the plugin within 60 s; OBS's output:\n" << obs_->log();
			return -1;
		}
		report("OBS start to module loaded: " + std::to_string(seconds_since(began)) + " s");
		EXPECT_TRUE(wait_until_served(port, kLoadTimeout)) << "start with OBS did not serve the stream";
		return seconds_since(began);
	}

	fs::path home_;
	std::unique_ptr<ObsProcess> obs_;
};

TEST_F(RealObs, StartsWithObsServesAudioAnswersWebsocketAndExitsCleanly)
{
	const int port = itest::pick_free_port();
	ObsHomeConfig config;
	config.websocket_port = itest::pick_free_port();
	// obs-websocket 5.1 cannot be bound to loopback alone, so it gets a password nobody else knows.
	config.websocket_password =
		"t" + std::to_string(getpid()) + std::to_string(Clock::now().time_since_epoch().count());
	config.plugin_module = SSE_AUDIO_TEST_MODULE;
	config.plugin_data = SSE_AUDIO_TEST_DATA;
	config.settings_json = R"({"port": )" + std::to_string(port) +
			       R"(, "bind_address": "127.0.0.1", "bitrate": 128, "start_with_obs": true})";
	std::string error;
	ASSERT_TRUE(prepare_obs_home(home_, config, &error)) << error;

	// ---- First run, in English ----
	const double served = launch_and_wait_served(port);
	ASSERT_GT(served, 0);
	report("OBS start to stream served (start with OBS): " + std::to_string(served) + " s");
	const std::string log = obs_->log();
	EXPECT_NE(log.find("obs-sse-audio.so"), std::string::npos);
	EXPECT_NE(log.find("[obs-sse-audio] starting with OBS"), std::string::npos);
	EXPECT_NE(log.find("[obs-sse-audio] obs-websocket vendor \"obs-sse-audio\" registered"), std::string::npos);

	const auto page = itest::http_get(port, "/", 5s, &error);
	ASSERT_TRUE(page) << error;
	EXPECT_EQ(page->head.status, 200);
	EXPECT_NE(page->body.find("<html"), std::string::npos);
	expect_sse_tone(port);
	expect_mp3_tone(port);

	// obs-websocket: the same output, driven without the dock ever having been opened.
	auto ws = ObsWebsocket::connect(config.websocket_port, config.websocket_password, 15s, &error);
	ASSERT_TRUE(ws) << error;
	auto status = vendor_call(*ws, "status");
	EXPECT_EQ(status.value("state", ""), "live") << status.dump();
	EXPECT_EQ(status.value("url", ""), "http://127.0.0.1:" + std::to_string(port) + "/");
	EXPECT_GT(status.value("bytes_sent", 0LL), 0) << "the streams read above were counted";
	EXPECT_GE(status["listeners"].value("peak", 0), 1);
	auto stopped = vendor_call(*ws, "stop");
	EXPECT_TRUE(stopped.value("ok", false)) << stopped.dump();
	EXPECT_EQ(stopped.value("state", ""), "stopped");
	EXPECT_FALSE(itest::can_connect(port, 1s)) << "the server must be gone after stop";
	const auto restart_began = Clock::now();
	auto started = vendor_call(*ws, "start");
	EXPECT_TRUE(started.value("ok", false)) << started.dump();
	EXPECT_EQ(started.value("state", ""), "live");
	EXPECT_TRUE(wait_until_served(port, 10s));
	report("obs-websocket start to served: " + std::to_string(seconds_since(restart_began)) + " s");

	// A listener, so the dock's figures have something to show.
	auto listener = itest::SseClient::open(port, "/stream", {}, 5s, &error);
	ASSERT_TRUE(listener) << error;

	// The Tools menu, then the dock it opens.
	focus_main_window();
	ASSERT_TRUE(press_keys({"alt+t", "Up"})); // Up from the closed selection: the last entry, the plugin's
	std::this_thread::sleep_for(800ms);
	EXPECT_TRUE(screenshot(artifact("tools-menu-en.png")));
	ASSERT_TRUE(press_keys({"Return"}));
	const std::string title = locale_value(fs::path(SSE_AUDIO_TEST_DATA) / "locale" / "en-US.ini", "Dock.Title");
	ASSERT_TRUE(wait_for_window(title, 10s)) << "the Tools-menu entry did not show a window titled " << title;
	std::this_thread::sleep_for(1500ms); // one refresh of the live figures
	EXPECT_TRUE(screenshot(artifact("dock-en.png")));

	// Stop and start from the dock (opened from the Tools menu, its Start/Stop button has the focus: Space presses
	// it), then from obs-websocket, several times with listeners attached. Each stop ends the listeners' streams
	// and leaves OBS able to start the output again, and at the end, to exit.
	const auto cycles_began = Clock::now();
	for (int round = 0; round < kStopStartRounds; round++) {
		SCOPED_TRACE("dock round " + std::to_string(round));
		auto attached = attach_listeners(port, 2);
		ASSERT_TRUE(focus_window(title));
		ASSERT_TRUE(press_keys({"space"}));
		EXPECT_TRUE(wait_for_state(*ws, "stopped", 15s)) << "the dock's button did not stop the stream";
		for (auto &client : attached)
			EXPECT_TRUE(client->read_to_end(Clock::now() + 5s)) << "a listener's stream did not end";
		EXPECT_FALSE(itest::can_connect(port, 1s)) << "the server must be gone after the dock's Stop";
		ASSERT_TRUE(focus_window(title));
		ASSERT_TRUE(press_keys({"space"}));
		EXPECT_TRUE(wait_for_state(*ws, "live", 15s)) << "the dock's button did not start the stream";
		EXPECT_TRUE(wait_until_served(port, 10s));
	}
	for (int round = 0; round < kStopStartRounds; round++) {
		SCOPED_TRACE("obs-websocket round " + std::to_string(round));
		auto attached = attach_listeners(port, 2);
		EXPECT_EQ(vendor_call(*ws, "stop").value("state", ""), "stopped");
		for (auto &client : attached)
			EXPECT_TRUE(client->read_to_end(Clock::now() + 5s)) << "a listener's stream did not end";
		EXPECT_EQ(vendor_call(*ws, "start").value("state", ""), "live");
		EXPECT_TRUE(wait_until_served(port, 10s));
	}
	report(std::to_string(kStopStartRounds) + " stop/start rounds from the dock and " +
	       std::to_string(kStopStartRounds) +
	       " from obs-websocket, 2 listeners each: " + std::to_string(seconds_since(cycles_began)) + " s");
	std::this_thread::sleep_for(1500ms);
	EXPECT_TRUE(screenshot(artifact("dock-en-after-restarts.png")));

	// File > Exit while a listener is connected.
	listener = itest::SseClient::open(port, "/stream", {}, 5s, &error);
	ASSERT_TRUE(listener) << error;
	ASSERT_TRUE(listener->read_events(10, Clock::now() + 10s));
	status = vendor_call(*ws, "status");
	EXPECT_GE(status["listeners"].value("now", 0), 1);
	ws.reset();
	const auto [code, exit_seconds] = exit_through_menu(*obs_);
	ASSERT_TRUE(code) << "OBS did not exit within 30 s of File > Exit with a listener connected";
	EXPECT_EQ(*code, 0);
	report("File > Exit to OBS gone, one listener connected: " + std::to_string(exit_seconds) + " s");
	EXPECT_TRUE(listener->read_to_end(Clock::now() + 5s)) << "the listener's stream must end, not hang";
	bool told = false;
	for (const auto &comment : listener->parser().comments())
		told = told || comment.text == "stream stopped";
	EXPECT_TRUE(told) << "the listener is told the stream stopped";
	expect_clean_shutdown(obs_->log());
	std::ofstream(artifact("obs-log-en.txt")) << obs_->log();

	// The settings file is still the plugin's (OBS's exit must not lose it).
	std::ifstream saved(plugin_settings_path(home_));
	const auto settings = nlohmann::json::parse(saved, nullptr, false);
	ASSERT_FALSE(settings.is_discarded());
	EXPECT_EQ(settings.value("port", 0), port);
	EXPECT_TRUE(settings.value("start_with_obs", false));

	// ---- Second run, in Chinese: the settings survive, OBS restores the dock where it was ----
	ASSERT_TRUE(set_obs_language(home_, "zh-CN"));
	const double served_again = launch_and_wait_served(port);
	ASSERT_GT(served_again, 0);
	report("OBS restart to stream served (zh-CN): " + std::to_string(served_again) + " s");
	const std::string zh_title = locale_value(fs::path(SSE_AUDIO_TEST_DATA) / "locale" / "zh-CN.ini", "Dock.Title");
	EXPECT_TRUE(wait_for_window(zh_title, 20s)) << "OBS should restore the dock left open, titled " << zh_title;
	std::this_thread::sleep_for(1500ms);
	EXPECT_TRUE(screenshot(artifact("dock-zh.png")));
	focus_main_window();
	press_keys({"alt+t", "Up"});
	std::this_thread::sleep_for(800ms);
	EXPECT_TRUE(screenshot(artifact("tools-menu-zh.png")));
	press_keys({"Escape"});
	const auto [code_zh, exit_zh] = exit_through_menu(*obs_);
	ASSERT_TRUE(code_zh) << "OBS did not exit within 30 s";
	EXPECT_EQ(*code_zh, 0);
	report("File > Exit to OBS gone (zh-CN): " + std::to_string(exit_zh) + " s");
	expect_clean_shutdown(obs_->log());
	std::ofstream(artifact("obs-log-zh.txt")) << obs_->log();
}

} // namespace
} // namespace sse_audio::obstest
