// An encoder that fails mid-stream: the channel must say so (stats and callback), close its hub so listeners end,
// publish nothing after the failure, and still stop cleanly.

#include "audio/audio_channel.hpp"
#include "failing_encoder.hpp"
#include "audio/mp3_encoder.hpp"
#include "test_audio.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char *kFault = test::kEncoderFault;

// What the failure callback saw: how often it ran, with which message, on which thread.
struct FailureReport {
	std::mutex mutex;
	std::condition_variable cv;
	int calls = 0;
	std::string message;
	std::thread::id thread;

	bool wait(std::chrono::milliseconds timeout)
	{
		std::unique_lock lock(mutex);
		return cv.wait_for(lock, timeout, [&] { return calls > 0; });
	}
};

ChannelConfig failing_config(int good_calls, FailureReport &report)
{
	ChannelConfig config;
	config.make_encoder = [good_calls](const EncoderSettings &settings) {
		return test::FailingEncoder::make(settings, good_calls);
	};
	config.on_failure = [&report](const Error &failure) {
		std::lock_guard lock(report.mutex);
		report.calls++;
		report.message = failure.message;
		report.thread = std::this_thread::get_id();
		report.cv.notify_all();
	};
	return config;
}

TEST(EncoderFailure, IsReportedOnceTheHubClosesAndNothingIsPublishedAfterIt)
{
	FailureReport report;
	constexpr int kGoodBlocks = 30; // 30 blocks of 1024 frames: 0.64 s of audio encoded before the fault
	auto started = AudioChannel::start(failing_config(kGoodBlocks, report));
	ASSERT_TRUE(started) << started.error();
	AudioChannel &channel = **started;
	const auto hub = channel.hub();
	uint64_t first = hub->start(std::nullopt).next_id;

	constexpr uint32_t kBlock = 1024;
	// Twice as many blocks as the encoder takes; the pushes after the fault must be harmless.
	for (int i = 0; i < 2 * kGoodBlocks; i++) {
		const auto pcm = test::make_sine(440, 440, 48000, kBlock, size_t{kBlock} * static_cast<size_t>(i));
		channel.push(pcm.left.data(), pcm.right.data(), kBlock);
		std::this_thread::sleep_for(2ms);
	}
	ASSERT_TRUE(report.wait(5s)) << "the failure callback never ran";
	EXPECT_TRUE(hub->closed()) << "listeners are ended when the encoder fails";

	const ChannelStats failed = channel.stats();
	EXPECT_TRUE(failed.failed);
	EXPECT_EQ(failed.error, kFault);
	{
		std::lock_guard lock(report.mutex);
		EXPECT_EQ(report.calls, 1);
		EXPECT_EQ(report.message, kFault);
		EXPECT_NE(report.thread, std::this_thread::get_id()) << "reported from the encoder thread";
	}

	// What was encoded before the fault was published in order, whole frames; nothing after.
	const uint64_t published = hub->published();
	EXPECT_GT(published, 10u) << "about 26 frames come out of 30 blocks";
	EXPECT_LE(published, uint64_t{kGoodBlocks} * kBlock / 1152 + 1);
	const uint64_t first_id = first;
	const HubRead read = hub->read(first, 10ms);
	ASSERT_EQ(read.events.size(), published);
	for (size_t i = 0; i < read.events.size(); i++) {
		EXPECT_EQ(read.events[i]->id, first_id + i);
		EXPECT_EQ(test::count_whole_frames(read.events[i]->mp3, 48000, 128), 1) << "event " << i;
	}

	const auto begin = Clock::now();
	channel.stop();
	channel.stop();
	EXPECT_LT(Clock::now() - begin, 500ms) << "stopping a failed channel does not wait for anything";
	EXPECT_EQ(hub->published(), published) << "stop does not flush a failed encoder into the stream";
	std::lock_guard lock(report.mutex);
	EXPECT_EQ(report.calls, 1) << "reported once";
}

TEST(EncoderFailure, AFailingFactoryRefusesToStartWithItsMessage)
{
	ChannelConfig config;
	config.make_encoder = [](const EncoderSettings &) -> Result<std::unique_ptr<FrameEncoder>> {
		return Error{"LAME could not be initialised (out of memory)"};
	};
	const auto refused = AudioChannel::start(config);
	ASSERT_FALSE(refused);
	EXPECT_EQ(refused.error(), "LAME could not be initialised (out of memory)");
}

TEST(EncoderFailure, AHealthyChannelNeverCallsTheFailureCallback)
{
	FailureReport report;
	auto started = AudioChannel::start(failing_config(1'000'000, report));
	ASSERT_TRUE(started) << started.error();
	AudioChannel &channel = **started;
	for (int i = 0; i < 20; i++) {
		const auto pcm = test::make_sine(440, 440, 48000, 1024, size_t{1024} * static_cast<size_t>(i));
		channel.push(pcm.left.data(), pcm.right.data(), 1024);
	}
	channel.stop();
	EXPECT_GT(channel.hub()->published(), 10u);
	EXPECT_FALSE(channel.stats().failed);
	std::lock_guard lock(report.mutex);
	EXPECT_EQ(report.calls, 0);
}

} // namespace
} // namespace sse_audio
