// Listeners that stop reading, crowds, and stopping and starting under load: none of it may delay the other
// listeners or the publisher, leave threads or descriptors behind, or hold up stop().

#include "http_test_support.hpp"
#include "process_counts.hpp"
#include "raw_connection.hpp"
#include "serve/stream_server.hpp"
#include "test_sockets.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;
using namespace test;
using Clock = std::chrono::steady_clock;

// A listener that asks for the stream and never reads a byte of it, with a tiny receive window so that the
// server's socket fills within a moment.
class StalledListener {
public:
	explicit StalledListener(int port)
	{
		fd_ = connect_loopback(port, 4096);
		connected_ = valid(fd_) && send_all(fd_, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
	}
	~StalledListener()
	{
		if (valid(fd_))
			close_socket(fd_);
	}
	StalledListener(const StalledListener &) = delete;
	StalledListener &operator=(const StalledListener &) = delete;
	[[nodiscard]] bool connected() const { return connected_; }

private:
	socket_t fd_ = net::kInvalidSocket;
	bool connected_ = false;
};

// Publishes events of `bytes` bytes every `every` from its own thread, timing each publish.
class Publisher {
public:
	Publisher(std::shared_ptr<StreamHub> hub, size_t bytes, std::chrono::milliseconds every)
		: hub_(std::move(hub)), thread_([this, bytes, every] {
			  std::vector<uint8_t> payload(bytes, 0x5a);
			  while (!stop_) {
				  const auto began = Clock::now();
				  hub_->publish(payload, 0, 1152);
				  slowest_ = std::max(slowest_.load(), Clock::now() - began);
				  std::this_thread::sleep_for(every);
			  }
		  })
	{
	}
	~Publisher()
	{
		stop_ = true;
		thread_.join();
	}
	[[nodiscard]] Clock::duration slowest() const { return slowest_.load(); }

private:
	std::shared_ptr<StreamHub> hub_;
	std::atomic<bool> stop_{false};
	std::atomic<Clock::duration> slowest_{Clock::duration::zero()};
	std::thread thread_;
};

class SlowListenersTest : public ::testing::Test {
protected:
	void start(ServerConfig config = {})
	{
		config.bind_address = "127.0.0.1";
		config.web_root = web_.web();
		auto started = start_on_free_port(config, hub_, [] { return ChannelStats{}; });
		ASSERT_TRUE(started.ok()) << started.error();
		server_ = std::move(*started);
		port_ = config.port;
	}

	bool wait_for_listeners(uint64_t n, std::chrono::milliseconds within)
	{
		const auto until = Clock::now() + within;
		while (Clock::now() < until) {
			if (server_->stats().listeners_now == n)
				return true;
			std::this_thread::sleep_for(10ms);
		}
		return false;
	}

	TempWebRoot web_;
	std::shared_ptr<StreamHub> hub_ = std::make_shared<StreamHub>(HubConfig{});
	std::unique_ptr<StreamServer> server_;
	int port_ = 0;
};

// The case: 20 listeners who read and 5 who never do. The readers get every event in order while the
// stalled ones fill their sockets; those are dropped once their sockets took nothing for `timeout`.
TEST_F(SlowListenersTest, StalledListenersAreDroppedAfterTheTimeoutAndDelayNoOne)
{
	ServerConfig config;
	config.timeout_seconds = 2;
	start(config);
	Publisher publisher(hub_, 8 * 1024, 10ms); // 800 KB/s: a stalled socket is full within a moment

	std::vector<std::unique_ptr<StreamClient>> readers;
	for (int i = 0; i < 20; i++)
		readers.push_back(std::make_unique<StreamClient>(port_, "/stream"));
	std::vector<std::unique_ptr<StalledListener>> stalled;
	for (int i = 0; i < 5; i++) {
		stalled.push_back(std::make_unique<StalledListener>(port_));
		ASSERT_TRUE(stalled.back()->connected());
	}
	ASSERT_TRUE(wait_for_listeners(25, 3s)) << "now " << server_->stats().listeners_now;

	// Every stalled listener must be gone within timeout + slack; readers keep reading meanwhile.
	const auto until = Clock::now() + 2s + 3s;
	while (server_->stats().listeners_timed_out < 5 && Clock::now() < until)
		std::this_thread::sleep_for(20ms);
	const auto settled = Clock::now();
	std::this_thread::sleep_for(300ms);
	const ServerStats stats = server_->stats();
	EXPECT_EQ(stats.listeners_timed_out, 5u) << "stalled listeners are dropped after the timeout";
	EXPECT_EQ(stats.listeners_now, 20u) << "the readers are all still there";
	EXPECT_LT(settled - (until - 5s), 4500ms);
	// Well under the 2 s timeout (and generous for sanitizer builds): the publisher never waits for a listener.
	EXPECT_LT(publisher.slowest(), 200ms) << "publishing never waits for a listener";

	for (auto &reader : readers) {
		const auto events = audio_events(reader->body());
		ASSERT_GT(events.size(), 100u) << "a reader kept receiving while others stalled";
		uint64_t previous = std::stoull(events.front().id);
		size_t gaps = 0;
		for (size_t i = 1; i < events.size(); i++) {
			const uint64_t id = std::stoull(events[i].id);
			gaps += id != previous + 1 ? 1 : 0;
			previous = id;
		}
		EXPECT_EQ(gaps, 0u) << "a reader's ids are consecutive";
		reader->stop();
	}
	EXPECT_EQ(hub_->skips(), 0u) << "no reader fell behind far enough to be moved forward";
}

TEST_F(SlowListenersTest, StopWithAHundredListenersAndStalledOnesTakesUnderASecond)
{
	ServerConfig config;
	config.timeout_seconds = 30; // long: stop must not wait for it
	config.max_listeners = 200;
	start(config);
	Publisher publisher(hub_, 8 * 1024, 10ms);
	std::vector<std::unique_ptr<RawConnection>> listeners;
	for (int i = 0; i < 100; i++) {
		listeners.push_back(std::make_unique<RawConnection>("127.0.0.1", port_, 2s));
		ASSERT_TRUE(listeners.back()->send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
	}
	std::vector<std::unique_ptr<StalledListener>> stalled;
	for (int i = 0; i < 5; i++)
		stalled.push_back(std::make_unique<StalledListener>(port_));
	ASSERT_TRUE(wait_for_listeners(105, 5s)) << "now " << server_->stats().listeners_now;
	std::this_thread::sleep_for(500ms); // the stalled sockets fill up

	const auto began = Clock::now();
	server_->stop();
	const auto took = Clock::now() - began;
	EXPECT_LT(took, 1s)
		<< "stop took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
	std::cout << "[ figures  ] stop with 105 listeners (5 stalled): "
		  << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
	for (auto &listener : listeners) {
		listener->read_until(Clock::now() + 1s);
		EXPECT_TRUE(listener->closed_by_peer());
	}
}

// Start and stop again and again with listeners connected: every thread and descriptor is given back.
TEST_F(SlowListenersTest, FiveHundredStartsAndStopsWithTenListenersLeaveNothingBehind)
{
	Publisher publisher(hub_, 400, 20ms);
	const size_t threads_before = thread_count();
	const size_t fds_before = descriptor_count();
	const auto began = Clock::now();
	int rounds = 0;
	for (; rounds < 500; rounds++) {
		ServerConfig config;
		config.bind_address = "127.0.0.1";
		config.web_root = web_.web();
		config.port = free_port();
		// A new one each round: its destructor must give everything back too.
		auto started = StreamServer::start(config, hub_, [] { return ChannelStats{}; });
		ASSERT_TRUE(started.ok()) << started.error();
		const std::unique_ptr<StreamServer> server = std::move(*started);
		std::vector<std::unique_ptr<RawConnection>> listeners;
		for (int i = 0; i < 10; i++) {
			listeners.push_back(std::make_unique<RawConnection>("127.0.0.1", config.port, 2s));
			ASSERT_TRUE(listeners.back()->send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
		}
		const auto until = Clock::now() + 3s;
		while (server->stats().listeners_now < 10 && Clock::now() < until)
			std::this_thread::sleep_for(1ms);
		ASSERT_EQ(server->stats().listeners_now, 10u) << "round " << rounds;
		server->stop();
	}
	const auto took = Clock::now() - began;
	std::this_thread::sleep_for(100ms);
	EXPECT_EQ(thread_count(), threads_before);
	EXPECT_LE(descriptor_count(), fds_before);
	std::cout << "[ figures  ] " << rounds << " start/stop rounds with 10 listeners in "
		  << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
}

TEST_F(SlowListenersTest, OneAddressCannotTakeEveryPlace)
{
	ServerConfig config;
	config.max_listeners = 10;
	config.max_listeners_per_address = 3;
	start(config);
	Publisher publisher(hub_, 400, 20ms);
	std::vector<std::unique_ptr<RawConnection>> mine;
	for (int i = 0; i < 3; i++) {
		mine.push_back(std::make_unique<RawConnection>("127.0.0.1", port_, 2s));
		ASSERT_TRUE(mine.back()->send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
	}
	ASSERT_TRUE(wait_for_listeners(3, 3s));
	RawConnection fourth("127.0.0.1", port_, 2s);
	fourth.send("GET /stream.mp3 HTTP/1.1\r\nHost: x\r\n\r\n");
	fourth.read_head(Clock::now() + 2s);
	EXPECT_EQ(fourth.status(), 429);
	EXPECT_NE(fourth.received().find("Retry-After: 5"), std::string::npos);

	RawConnection other("127.0.0.1", port_, 2s, "127.0.0.2");
	ASSERT_TRUE(other.connected());
	other.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
	other.read_head(Clock::now() + 2s);
	EXPECT_EQ(other.status(), 200) << "another address still gets in";
	EXPECT_EQ(server_->stats().rejected_per_address, 1u);

	mine.pop_back(); // one of the first three leaves: its place is free again
	std::this_thread::sleep_for(300ms);
	RawConnection again("127.0.0.1", port_, 2s);
	again.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
	again.read_head(Clock::now() + 2s);
	EXPECT_EQ(again.status(), 200);
}

} // namespace
} // namespace sse_audio
