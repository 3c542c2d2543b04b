#include "audio/audio_channel.hpp"
#include "audio/mp3_encoder.hpp"
#include "test_audio.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Collects every event of a hub from `next_id` on, in a thread, until the hub closes (or a deadline passes).
class HubCollector {
public:
	HubCollector(std::shared_ptr<StreamHub> hub, uint64_t next_id)
		: hub_(std::move(hub)),
		  done_(std::async(std::launch::async, [this, next_id] { return collect(next_id); }))
	{
	}

	~HubCollector()
	{
		abandon_ = true;
		if (done_.valid())
			done_.wait();
	}
	HubCollector(const HubCollector &) = delete;
	HubCollector &operator=(const HubCollector &) = delete;

	// The events, once the hub has closed; empty with `closed` false when it did not close in time.
	std::pair<std::vector<HubEventPtr>, bool> finish(std::chrono::seconds wait)
	{
		if (done_.wait_for(wait) != std::future_status::ready)
			return {{}, false};
		return done_.get();
	}

private:
	std::pair<std::vector<HubEventPtr>, bool> collect(uint64_t next)
	{
		std::vector<HubEventPtr> events;
		const auto deadline = Clock::now() + 30s;
		while (Clock::now() < deadline && !abandon_) {
			HubRead read = hub_->read(next, 100ms);
			if (read.outcome == HubRead::Outcome::Closed)
				return {events, true};
			events.insert(events.end(), read.events.begin(), read.events.end());
		}
		return {events, false};
	}

	std::shared_ptr<StreamHub> hub_;
	std::atomic<bool> abandon_{false};
	std::future<std::pair<std::vector<HubEventPtr>, bool>> done_;
};

int lame_encoder_delay(int rate, int kbps)
{
	auto encoder = Mp3Encoder::create({rate, kbps});
	return encoder ? (*encoder)->encoder_delay() : -1;
}

TEST(AudioChannel, RefusesSettingsTheEncoderCannotUse)
{
	ChannelConfig bad_bitrate;
	bad_bitrate.bitrate_kbps = 100;
	const auto refused = AudioChannel::start(bad_bitrate);
	ASSERT_FALSE(refused);
	EXPECT_NE(refused.error().find("100"), std::string::npos) << refused.error();
	EXPECT_NE(refused.error().find("kbps"), std::string::npos) << refused.error();

	ChannelConfig bad_rate;
	bad_rate.sample_rate = 22050;
	const auto refused_rate = AudioChannel::start(bad_rate);
	ASSERT_FALSE(refused_rate);
	EXPECT_NE(refused_rate.error().find("22050"), std::string::npos) << refused_rate.error();
}

// The whole path at real-time pace, the way OBS drives it: 1024-frame blocks every 21.3 ms.
// The clock capture times come from: the system's wall clock, which time synchronisation or a virtual machine can
// set back. This one runs with the blocks and is set back 30 ms before block 20.
std::atomic<int64_t> g_test_clock_ms{1'700'000'000'000};
int64_t test_clock_ms()
{
	return g_test_clock_ms.load();
}

// The capture times listeners see (timing events, delay figures) never go back, even when the clock does.
TEST(AudioChannel, CaptureTimesNeverGoBackWhenTheClockIsSetBack)
{
	ChannelConfig config;
	config.clock_ms = &test_clock_ms;
	auto started = AudioChannel::start(config);
	ASSERT_TRUE(started) << started.error();
	AudioChannel &channel = **started;
	const auto hub = channel.hub();
	HubCollector collector(hub, hub->start(std::nullopt).next_id);
	constexpr uint32_t kBlock = 1024;
	for (int i = 0; i < 40; i++) {
		g_test_clock_ms += i == 20 ? -30 : 21; // a block lasts 21.3 ms
		const auto pcm = test::make_sine(440, 440, 48000, kBlock, size_t{kBlock} * static_cast<size_t>(i));
		channel.push(pcm.left.data(), pcm.right.data(), kBlock);
		std::this_thread::sleep_for(2ms); // lets the encoder take blocks one by one, as it does live
	}
	channel.stop();
	const auto [events, closed] = collector.finish(10s);
	ASSERT_TRUE(closed);
	ASSERT_GT(events.size(), 30u);
	for (size_t i = 1; i < events.size(); i++)
		ASSERT_GE(events[i]->capture_ms, events[i - 1]->capture_ms) << "capture time went back at event " << i;
}

TEST(AudioChannel, EncodesRealTimePushesIntoConsecutiveWholeFrameEvents)
{
	ChannelConfig config; // 48000 Hz, 128 kbps, one frame per event
	auto started = AudioChannel::start(config);
	ASSERT_TRUE(started) << started.error();
	AudioChannel &channel = **started;
	const auto hub = channel.hub();
	ASSERT_NE(hub, nullptr);
	const HubStart start = hub->start(std::nullopt);
	EXPECT_EQ(start.next_id, hub->config().first_id) << "nothing published before the first push";
	const int64_t now_ms = wall_clock_ms();
	EXPECT_NEAR(double(hub->config().first_id), double(now_ms), 10'000.0) << "ids start at the wall clock";
	HubCollector collector(hub, start.next_id);

	constexpr uint32_t kBlock = 1024;
	constexpr int kPushes = 94; // ~2 s
	std::vector<int64_t> push_ms;
	const auto begin = Clock::now();
	for (int i = 0; i < kPushes; i++) {
		std::this_thread::sleep_until(begin +
					      std::chrono::microseconds(int64_t{i} * kBlock * 1'000'000 / 48000));
		const auto pcm = test::make_sine(440, 440, 48000, kBlock, size_t{kBlock} * static_cast<size_t>(i));
		push_ms.push_back(wall_clock_ms());
		channel.push(pcm.left.data(), pcm.right.data(), kBlock);
	}
	const uint64_t pushed = uint64_t{kBlock} * kPushes;
	channel.stop();
	channel.stop(); // twice is fine
	EXPECT_TRUE(hub->closed()) << "stop closes the hub so listeners end";

	const auto [events, closed] = collector.finish(10s);
	ASSERT_TRUE(closed) << "the collector saw the hub close";
	ASSERT_FALSE(events.empty());

	// Ids consecutive from the first; each event one whole frame at the configured format.
	std::vector<uint8_t> all;
	int64_t previous_capture = 0;
	for (size_t i = 0; i < events.size(); i++) {
		const HubEvent &e = *events[i];
		ASSERT_EQ(e.id, start.next_id + i) << "event " << i;
		EXPECT_EQ(test::count_whole_frames(e.mp3, 48000, 128), 1) << "event " << i;
		EXPECT_EQ(e.sample_frames, 1152u);
		EXPECT_GE(e.capture_ms, previous_capture) << "capture times never go back, event " << i;
		previous_capture = e.capture_ms;
		// The frame's first sample entered the output when its block was pushed (give or take LAME's delay).
		const size_t block = std::min<size_t>(i * 1152 / kBlock, push_ms.size() - 1);
		EXPECT_NEAR(double(e.capture_ms), double(push_ms[block]), 200.0) << "event " << i;
		all.insert(all.end(), e.mp3.begin(), e.mp3.end());
	}
	EXPECT_EQ(hub->published(), events.size()) << "the collector saw every event";

	// What a listener hears: the tone, for as long as it was pushed.
	const auto decoded = test::decode_mp3(all);
	ASSERT_TRUE(decoded.ok) << decoded.error;
	EXPECT_EQ(decoded.sample_rate, 48000);
	EXPECT_EQ(decoded.channels, 2);
	const int delay = lame_encoder_delay(48000, 128);
	ASSERT_GT(delay, 0);
	EXPECT_GE(decoded.frames(), pushed + static_cast<uint64_t>(delay)) << "the flushed tail reached the hub";
	EXPECT_LE(decoded.frames(), pushed + static_cast<uint64_t>(delay) + 2 * 1152);
	const size_t skip = 4800 + static_cast<size_t>(delay) + 529;
	ASSERT_GE(decoded.frames(), skip + 48000);
	const std::span<const float> second(decoded.left.data() + skip, 48000);
	EXPECT_NEAR(test::estimate_frequency(second, 48000), 440.0, 2.0);
	EXPECT_NEAR(test::rms(second), 0.354, 0.05);

	const ChannelStats stats = channel.stats();
	EXPECT_EQ(stats.sample_rate, 48000);
	EXPECT_EQ(stats.bitrate_kbps, 128);
	EXPECT_EQ(stats.frames_in, pushed);
	EXPECT_EQ(stats.frames_dropped, 0u);
	EXPECT_EQ(stats.callback_ns.count, static_cast<uint64_t>(kPushes));
	EXPECT_GT(stats.callback_ns.max, 0u);
	EXPECT_EQ(stats.mp3_frames, events.size());
	EXPECT_EQ(stats.events_published, events.size());
	EXPECT_EQ(stats.encoder_skipped_bytes, 0u);
	EXPECT_GT(stats.encode_speed, 1.0) << "LAME keeps up with real time";
	EXPECT_EQ(stats.publish_delay_ms.count, events.size());
	EXPECT_LT(stats.publish_delay_ms.p50, 200u);
	EXPECT_FALSE(stats.failed) << stats.error;
	EXPECT_TRUE(stats.error.empty());
}

TEST(AudioChannel, GroupsSeveralFramesPerEventWhenAsked)
{
	ChannelConfig config;
	config.sample_rate = 44100;
	config.bitrate_kbps = 192;
	config.frames_per_event = 3;
	auto started = AudioChannel::start(config);
	ASSERT_TRUE(started) << started.error();
	AudioChannel &channel = **started;
	const auto hub = channel.hub();
	HubCollector collector(hub, hub->start(std::nullopt).next_id);
	constexpr uint32_t kBlock = 1024;
	for (int i = 0; i < 40; i++) {
		const auto pcm = test::make_sine(440, 440, 44100, kBlock, size_t{kBlock} * static_cast<size_t>(i));
		channel.push(pcm.left.data(), pcm.right.data(), kBlock);
		std::this_thread::sleep_for(5ms); // faster than real time, slow enough for a 128-block queue
	}
	channel.stop();
	const auto [events, closed] = collector.finish(10s);
	ASSERT_TRUE(closed);
	ASSERT_GE(events.size(), 2u);
	long frames = 0;
	for (size_t i = 0; i < events.size(); i++) {
		const long n = test::count_whole_frames(events[i]->mp3, 44100, 192);
		if (i + 1 < events.size()) {
			EXPECT_EQ(n, 3) << "event " << i;
		} else {
			EXPECT_TRUE(n >= 1 && n <= 3) << "the last event holds what was left: " << n;
		}
		EXPECT_EQ(events[i]->sample_frames, static_cast<uint32_t>(n) * 1152);
		frames += n;
	}
	EXPECT_EQ(static_cast<uint64_t>(frames), channel.stats().mp3_frames);
	EXPECT_EQ(channel.stats().frames_dropped, 0u);
}

TEST(AudioChannel, CountsFramesDroppedWhenPushesOutrunTheEncoder)
{
	ChannelConfig config;
	config.queue_blocks = 2;
	auto started = AudioChannel::start(config);
	ASSERT_TRUE(started) << started.error();
	AudioChannel &channel = **started;
	constexpr uint32_t kBlock = 1024;
	constexpr int kPushes = 200; // 4.3 s of audio in a tight loop: far faster than LAME can take it
	const auto pcm = test::make_sine(440, 440, 48000, kBlock);
	for (int i = 0; i < kPushes; i++)
		channel.push(pcm.left.data(), pcm.right.data(), kBlock);
	channel.stop();

	const ChannelStats stats = channel.stats();
	const uint64_t pushed = uint64_t{kBlock} * kPushes;
	EXPECT_EQ(stats.frames_in, pushed);
	EXPECT_GT(stats.frames_dropped, 0u);
	EXPECT_LT(stats.frames_dropped, pushed);
	EXPECT_EQ(stats.frames_dropped % kBlock, 0u) << "whole 1024-frame pushes were dropped";
	EXPECT_EQ(stats.callback_ns.count, static_cast<uint64_t>(kPushes));
	// What was not dropped was encoded: the frames out cover exactly the frames kept (plus LAME's delay).
	const uint64_t kept = pushed - stats.frames_dropped;
	const int delay = lame_encoder_delay(48000, 128);
	EXPECT_GE(stats.mp3_frames * 1152, kept);
	EXPECT_LE(stats.mp3_frames * 1152, kept + static_cast<uint64_t>(delay) + 2 * 1152);
	EXPECT_FALSE(stats.failed) << stats.error;
}

TEST(AudioChannel, DestroyingARunningChannelStopsIt)
{
	ChannelConfig config;
	auto started = AudioChannel::start(config);
	ASSERT_TRUE(started) << started.error();
	const auto hub = (*started)->hub();
	const auto pcm = test::make_sine(440, 440, 48000, 1024);
	for (int i = 0; i < 5; i++)
		(*started)->push(pcm.left.data(), pcm.right.data(), 1024);
	const auto begin = Clock::now();
	started.value().reset();
	EXPECT_LT(Clock::now() - begin, 2s);
	EXPECT_TRUE(hub->closed());
	EXPECT_GE(hub->published(), 4u) << "queued audio was encoded and flushed before the channel ended";
}

} // namespace
} // namespace sse_audio
