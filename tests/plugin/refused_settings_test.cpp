// A settings file the plugin refuses, as a hand edit can leave it, with "start with OBS" on: the output controller
// keeps the stream stopped and says why, and never serves it with a more open default (no access key, every
// network) in place of the refused value.

#include "output_controller.hpp"
#include "settings_store.hpp"

#include "host_process.hpp"
#include "http_stream.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace sse_audio::obs {
namespace {

using namespace std::chrono_literals;

class RefusedSettings : public ::testing::Test {
protected:
	void SetUp() override
	{
		folder_ = std::filesystem::temp_directory_path() / ("sse-audio-refused-" + std::to_string(getpid()));
		std::filesystem::create_directories(folder_);
		port_ = itest::pick_free_port();
	}
	void TearDown() override
	{
		std::error_code ec;
		std::filesystem::remove_all(folder_, ec);
	}
	std::string write_settings(const std::string &json)
	{
		const std::string path = (folder_ / "settings.json").string();
		std::ofstream(path) << json;
		return path;
	}

	std::filesystem::path folder_;
	int port_ = 0;
};

// The controller's first start, as "start with OBS" makes it, with `json` as the settings file.
void expect_refused(const std::string &path, int port, const std::string &reason)
{
	OutputController controller(path);
	StreamState state = controller.state();
	EXPECT_EQ(state.phase, StreamPhase::Error) << "the refusal is shown before anything starts";
	EXPECT_NE(state.error.message.find(reason), std::string::npos) << state.error.message;

	controller.start();
	state = controller.wait_settled(10s);
	EXPECT_EQ(state.phase, StreamPhase::Error);
	EXPECT_NE(state.error.message.find(reason), std::string::npos) << state.error.message;
	EXPECT_FALSE(itest::can_connect(port, 1s)) << "nothing may be served with refused settings";
	controller.shutdown();
}

TEST_F(RefusedSettings, ARefusedAccessKeyNeverOpensTheStream)
{
	const std::string path = write_settings(R"({"port": )" + std::to_string(port_) +
						R"(, "bind_address": "127.0.0.1", "access_key": "has spaces",
						   "start_with_obs": true})");
	expect_refused(path, port_, "Access key");
	// The file is left as the streamer wrote it, to be corrected in the dock.
	EXPECT_EQ(load_plugin_settings(path).stream.access_key, "has spaces");
}

TEST_F(RefusedSettings, ARefusedBindAddressNeverBecomesEveryNetwork)
{
	const std::string path = write_settings(R"({"port": )" + std::to_string(port_) +
						R"(, "bind_address": "localhost", "start_with_obs": true})");
	expect_refused(path, port_, "Bind address");
}

// The same settings once corrected start and serve: the refusal above is about the values, not the path.
TEST_F(RefusedSettings, CorrectedSettingsStart)
{
	const std::string path = write_settings(R"({"port": )" + std::to_string(port_) +
						R"(, "bind_address": "127.0.0.1", "access_key": "no-spaces"})");
	OutputController controller(path);
	EXPECT_NE(controller.state().phase, StreamPhase::Error);
	controller.start();
	EXPECT_EQ(controller.wait_settled(10s).phase, StreamPhase::Live);
	EXPECT_TRUE(itest::can_connect(port_, 2s));
	controller.shutdown();
}

} // namespace
} // namespace sse_audio::obs
