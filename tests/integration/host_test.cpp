#include "host_test.hpp"

#include <cstdlib>
#include <iostream>
#include <thread>

#ifndef SSE_AUDIO_TEST_HOST
#error "SSE_AUDIO_TEST_HOST must name the obs-sse-audio-host binary"
#endif
#ifndef SSE_AUDIO_TEST_MODULE
#error "SSE_AUDIO_TEST_MODULE must name the obs-sse-audio module"
#endif
#ifndef SSE_AUDIO_TEST_DATA
#error "SSE_AUDIO_TEST_DATA must name the plugin's data folder"
#endif

namespace sse_audio::itest {

void HostTest::SetUp()
{
	const char *display = std::getenv("DISPLAY");
	if (!display || !*display)
		GTEST_SKIP() << "DISPLAY is not set: libobs needs an X display. Run the integration tests under "
				"`xvfb-run -a ctest -L integration`.";
}

void HostTest::TearDown()
{
	if (HasFailure()) {
		for (const auto &host : hosts_)
			std::cout << describe(*host);
	}
	// Destroying a host sends SIGTERM, waits, then SIGKILL, and reaps it.
	hosts_.clear();
}

HostProcess &HostTest::launch(std::vector<std::string> args, int port)
{
	HostLaunch launch;
	launch.host_binary = SSE_AUDIO_TEST_HOST;
	launch.module_path = SSE_AUDIO_TEST_MODULE;
	launch.data_dir = SSE_AUDIO_TEST_DATA;
	launch.port = port;
	launch.args = std::move(args);
	hosts_.push_back(std::make_unique<HostProcess>(std::move(launch)));
	HostProcess &host = *hosts_.back();
	std::string error;
	if (!host.start(&error))
		ADD_FAILURE() << "could not run " << SSE_AUDIO_TEST_HOST << ": " << error;
	return host;
}

::testing::AssertionResult HostTest::ready(HostProcess &host)
{
	const auto line = host.wait_for_start(kStartTimeout);
	if (!line)
		return ::testing::AssertionFailure()
		       << "the host printed neither READY nor START FAILED within " << kStartTimeout.count() << " s";
	if (*line != "READY " + std::to_string(host.port()))
		return ::testing::AssertionFailure()
		       << "expected \"READY " << host.port() << "\", got \"" << *line << "\"";
	return ::testing::AssertionSuccess();
}

HostProcess *HostTest::start_tone_host(std::vector<std::string> args)
{
	bool has_input = false;
	for (const auto &arg : args)
		has_input = has_input || arg == "--tone" || arg == "--file" || arg == "--capture" ||
			    arg == "--track-tone";
	if (!has_input)
		args.insert(args.begin(), {"--tone", "440"});
	HostProcess &host = launch(std::move(args));
	const auto result = ready(host);
	if (!result) {
		ADD_FAILURE() << result.message();
		return nullptr;
	}
	return &host;
}

std::string HostTest::describe(HostProcess &host)
{
	std::string text = "---- host on port " + std::to_string(host.port()) + ":";
	for (const auto &arg : host.command_line())
		text += " " + arg;
	// libobs logs to standard output, so the host's status lines appear among its log lines.
	text += "\n---- the end of its standard output:\n" + host.output_tail(60);
	text += "---- the end of its standard error:\n" + host.log_tail(20) + "----\n";
	return text;
}

std::optional<nlohmann::json> fetch_status(int port, std::string *error)
{
	const auto response = http_get(port, "/status.json", std::chrono::seconds(3), error);
	if (!response)
		return std::nullopt;
	if (response->head.status != 200) {
		if (error)
			*error = "HTTP " + std::to_string(response->head.status);
		return std::nullopt;
	}
	auto doc = nlohmann::json::parse(response->body, nullptr, false);
	if (doc.is_discarded()) {
		if (error)
			*error = "not JSON: " + response->body.substr(0, 200);
		return std::nullopt;
	}
	return doc;
}

void pause_for(std::chrono::milliseconds duration)
{
	std::this_thread::sleep_for(duration);
}

void report(const std::string &line)
{
	std::cout << "[figures] " << line << std::endl;
}

} // namespace sse_audio::itest
