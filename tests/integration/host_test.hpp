#pragma once

// The fixture every integration test uses: starts obs-sse-audio-host (real libobs, the real plugin module) on a
// free loopback port, and on failure prints what the host said and the end of libobs's log.

#include "host_process.hpp"
#include "http_stream.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sse_audio::itest {

inline constexpr auto kStartTimeout = std::chrono::seconds(20);
inline constexpr auto kCommandTimeout = std::chrono::seconds(10);

class HostTest : public ::testing::Test {
protected:
	void SetUp() override;
	void TearDown() override;

	// Forks a host with `args` (port 0: a free one). The host belongs to the fixture, which ends it at teardown.
	HostProcess &launch(std::vector<std::string> args, int port = 0);
	// Waits for `READY <port>`.
	::testing::AssertionResult ready(HostProcess &host);
	// launch() + ready() with a 440 Hz tone unless `args` chooses otherwise.
	HostProcess *start_tone_host(std::vector<std::string> args = {});

	// What the host printed and the end of its log, for failure messages.
	static std::string describe(HostProcess &host);

private:
	std::vector<std::unique_ptr<HostProcess>> hosts_;
};

// GET /status.json and parse it; nullopt with `error` set on any failure.
std::optional<nlohmann::json> fetch_status(int port, std::string *error);

// Sleeps for `duration` (a readable name for waits that let the ring fill or the stream run).
void pause_for(std::chrono::milliseconds duration);

// Prints a line of measured figures, visible in `ctest -V` and in the test log.
void report(const std::string &line);

} // namespace sse_audio::itest
