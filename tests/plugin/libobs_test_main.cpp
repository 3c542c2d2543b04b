#include "libobs_test_main.hpp"

#include <obs.h>
#include <obs-module.h>

#include "sse_output.hpp"
#include "tiny_video_mix.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#ifndef SSE_AUDIO_TEST_DATA
#error "SSE_AUDIO_TEST_DATA must name the plugin's data folder"
#endif

// What the plugin's code asks of its module (OBS_DECLARE_MODULE and OBS_MODULE_USE_DEFAULT_LOCALE define these in
// the plugin). This program is a module of no folder, which shows the locale keys themselves; its output types are
// given the repository's player files instead.
extern "C" obs_module_t *obs_current_module(void)
{
	return nullptr;
}

extern "C" const char *obs_module_text(const char *key)
{
	return key;
}

namespace sse_audio::obs {

std::string test_web_root()
{
	return std::string(SSE_AUDIO_TEST_DATA) + "/web";
}

namespace {

class Libobs : public ::testing::Environment {
public:
	void SetUp() override
	{
		config_ =
			std::filesystem::temp_directory_path() / ("sse-audio-libobs-test-" + std::to_string(getpid()));
		ASSERT_TRUE(obs_startup("en-US", config_.c_str(), nullptr));
		struct obs_audio_info audio = {};
		audio.samples_per_sec = 48000;
		audio.speakers = SPEAKERS_STEREO;
		ASSERT_TRUE(obs_reset_audio(&audio));
		ASSERT_EQ(reset_tiny_video_mix(), OBS_VIDEO_SUCCESS) << "is there an X display? run under xvfb-run -a";
		register_sse_output(kOutputId, {{}, test_web_root()});
	}
	void TearDown() override
	{
		obs_shutdown();
		std::error_code ec;
		std::filesystem::remove_all(config_, ec);
	}

private:
	std::filesystem::path config_;
};

} // namespace
} // namespace sse_audio::obs

int main(int argc, char **argv)
{
	::testing::InitGoogleTest(&argc, argv);
	::testing::AddGlobalTestEnvironment(new sse_audio::obs::Libobs);
	return RUN_ALL_TESTS();
}
