// The core Stream: channel, relay and server started in order as one value. A part that fails takes the parts
// before it down and start() says why, leaving nothing behind; a running stream carries audio to a listener and
// its stop ends every listener's stream. No libobs involved.

#include "failing_encoder.hpp"
#include "http_test_support.hpp"
#include "process_counts.hpp"
#include "stream.hpp"
#include "test_audio.hpp"
#include "test_sockets.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;

struct Counts {
	size_t threads = test::thread_count();
	size_t fds = test::descriptor_count();
};

// Threads end a moment after join() returns in the kernel's view: wait (bounded) for the counts to come back.
bool back_to(const Counts &before)
{
	for (int i = 0; i < 100; i++) {
		const Counts now;
		if (now.threads <= before.threads && now.fds <= before.fds)
			return true;
		std::this_thread::sleep_for(10ms);
	}
	return false;
}

StreamConfig config_for(int port, const std::string &web_root)
{
	StreamConfig config;
	config.settings.bind_address = "127.0.0.1";
	config.settings.port = port;
	config.web_root = web_root;
	config.version = "test";
	config.default_title = "OBS";
	return config;
}

TEST(Stream, AFailedPartTakesTheOthersDownAndSaysWhy)
{
	test::TempWebRoot web;
	// The server's port is held by another program: the channel (and relay) started before it go again.
	const socket_t holder = test::tcp_socket();
	sockaddr_in addr = test::ipv4_address("127.0.0.1", 0);
	socklen_t len = sizeof(addr);
	ASSERT_EQ(bind(holder, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)), 0);
	ASSERT_EQ(listen(holder, 4), 0);
	ASSERT_EQ(getsockname(holder, reinterpret_cast<sockaddr *>(&addr), &len), 0);
	const int port = ntohs(addr.sin_port);

	// One attempt first: what a process sets up once and keeps (a sanitizer's helper thread, the resolver's state)
	// is not a leak of the stream's; from then on, failed starts must leave nothing behind.
	const auto attempt = [&] {
		StreamConfig config = config_for(port, web.web());
		config.settings.relay_url = "http://127.0.0.1:9/pub/obs"; // started, then stopped with the rest
		return Stream::start(std::move(config));
	};
	ASSERT_FALSE(attempt());
	const Counts before;
	for (int i = 0; i < 10; i++) {
		auto stream = attempt();
		ASSERT_FALSE(stream) << "started on a port another program holds";
		EXPECT_NE(stream.error().find(std::to_string(port)), std::string::npos) << stream.error();
	}
	// A malformed relay URL fails the relay, after the channel started.
	StreamConfig bad_relay = config_for(test::free_port(), web.web());
	bad_relay.settings.relay_url = "ftp://relay.example.org/pub";
	auto refused = Stream::start(std::move(bad_relay));
	ASSERT_FALSE(refused);
	EXPECT_NE(refused.error().find("http://"), std::string::npos) << refused.error();
	EXPECT_TRUE(back_to(before)) << "threads " << before.threads << " -> " << Counts{}.threads << ", fds "
				     << before.fds << " -> " << Counts{}.fds;
	test::close_socket(holder);
}

TEST(Stream, CarriesAudioToAListenerAndItsStopEndsTheListenersStream)
{
	test::TempWebRoot web;
	const int port = test::free_port();
	auto started = Stream::start(config_for(port, web.web()));
	ASSERT_TRUE(started) << started.error();
	Stream &stream = **started;
	EXPECT_FALSE(stream.relaying());

	test::StreamClient listener(port, "/stream");
	ASSERT_TRUE(listener.wait_for_headers());
	EXPECT_EQ(listener.status(), 200);
	// Half a second of a tone, in OBS's 1024-frame blocks.
	for (size_t first = 0; first < 24000; first += 1024) {
		const test::StereoPcm block = test::make_sine(440, 440, 48000, 1024, first);
		stream.push(0, block.left.data(), block.right.data(), block.frames());
	}
	ASSERT_TRUE(listener.wait_for_body([](const std::string &body) { return test::count_audio_events(body) >= 5; }))
		<< listener.body();
	EXPECT_GE(stream.stats().channel.frames_in, 24000U);
	EXPECT_EQ(stream.stats().server.listeners_now, 1U);

	const StreamStats last = stream.stop();
	EXPECT_TRUE(listener.wait_finished(3s));
	bool ended = false;
	for (const auto &block : test::parse_sse(listener.body()))
		ended = ended || block.event == "stopped";
	EXPECT_TRUE(ended) << "the listener was told the stream stopped";
	EXPECT_GE(last.channel.events_published, 5U);
	EXPECT_GE(last.server.events_sent, 5U);
	EXPECT_EQ(test::raw_get_status(port, "/"), -1) << "the server is gone";
	// A second stop (the destructor's) changes nothing and reports the same figures.
	EXPECT_EQ(stream.stop().channel.events_published, last.channel.events_published);
}

// Channels: each takes its own track, and a channel whose encoder fails ends its own listeners and is reported by
// its index, while the others go on.
TEST(Stream, AFailedChannelEndsItsListenersAndTheOthersGoOn)
{
	test::TempWebRoot web;
	const int port = test::free_port();
	StreamConfig config = config_for(port, web.web());
	config.settings.channels = {{"floor", "Floor", 0}, {"en", "English", 2}};
	// The second encoder made (the "en" channel's, made after the floor's) fails after 10 blocks.
	std::atomic<int> made{0};
	config.make_encoder = [&made](const EncoderSettings &settings) {
		return test::FailingEncoder::make(settings, made.fetch_add(1) == 1 ? 10 : 1'000'000);
	};
	std::mutex mutex;
	std::condition_variable reported;
	std::vector<size_t> failed;
	config.on_failure = [&](size_t channel, const Error &failure) {
		EXPECT_EQ(failure.message, test::kEncoderFault);
		std::lock_guard lock(mutex);
		failed.push_back(channel);
		reported.notify_all();
	};
	auto started = Stream::start(std::move(config));
	ASSERT_TRUE(started) << started.error();
	Stream &stream = **started;
	EXPECT_EQ(stream.tracks(), (std::vector<size_t>{0, 2}));

	test::StreamClient floor(port, "/stream?channel=floor");
	test::StreamClient english(port, "/stream?channel=en");
	ASSERT_TRUE(floor.wait_for_headers());
	ASSERT_TRUE(english.wait_for_headers());
	// One second on each track; track 1 feeds no channel and is ignored.
	for (size_t first = 0; first < 48000; first += 1024) {
		const test::StereoPcm block = test::make_sine(440, 440, 48000, 1024, first);
		for (size_t track = 0; track < 3; track++)
			stream.push(track, block.left.data(), block.right.data(), block.frames());
	}
	{
		std::unique_lock lock(mutex);
		ASSERT_TRUE(reported.wait_for(lock, 5s, [&] { return !failed.empty(); }));
		EXPECT_EQ(failed, std::vector<size_t>{1});
	}
	EXPECT_TRUE(english.wait_finished(3s)) << "the failed channel's listener gets the end of its stream";
	EXPECT_FALSE(floor.wait_finished(200ms)) << "the other channel's listener stays";
	EXPECT_EQ(stream.channels_running(), 1U);

	const StreamStats stats = stream.stats();
	ASSERT_EQ(stats.channels.size(), 2U);
	EXPECT_FALSE(stats.channels[0].channel.failed);
	EXPECT_GE(stats.channels[0].channel.frames_in, 48000U);
	EXPECT_TRUE(stats.channels[1].channel.failed);
	EXPECT_EQ(stats.channels[1].channel.error, test::kEncoderFault);
	EXPECT_EQ(stats.channels[0].listeners.listeners_now, 1U);
	stream.stop();
	EXPECT_TRUE(floor.wait_finished(3s));
}

} // namespace
} // namespace sse_audio
