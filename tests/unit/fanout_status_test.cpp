// The fan-out's own figures in /status.json (writes, writes per second, wake-to-done time), through a real server
// on 127.0.0.1. No assertion here is about how long anything takes.
#include "audio/sse_format.hpp"
#include "base/wall_clock.hpp"
#include "serve/stream_server.hpp"
#include "http_test_support.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using namespace test;

bool greeted(const std::string &body)
{
	return body.find("\n\n") != std::string::npos;
}

class FanoutStatusTest : public ::testing::Test {
protected:
	void SetUp() override { hub_ = make_test_hub(); }

	ServerConfig base_config() const
	{
		ServerConfig config;
		config.bind_address = "127.0.0.1";
		config.timeout_seconds = 5;
		config.max_listeners = 8;
		config.web_root = web_.web();
		// No heartbeat while a test counts writes.
		config.heartbeat = 60s;
		config.version = "unit-test";
		return config;
	}

	::testing::AssertionResult start(ServerConfig config)
	{
		auto started = start_on_free_port(config, hub_, [] { return ChannelStats{}; });
		if (!started)
			return ::testing::AssertionFailure() << "server did not start: " << started.error();
		server_ = std::move(*started);
		port_ = config.port;
		return ::testing::AssertionSuccess();
	}

	void publish_one() { hub_->publish(std::vector<uint8_t>(200, 0x42), wall_clock_ms(), 1152); }

	// The fan-out counts a write once the call returned, which can be after the bytes reached the listener.
	uint64_t writes_once_sent(uint64_t events)
	{
		const auto counted_by = Clock::now() + 3s;
		while (server_->stats().events_sent < events && Clock::now() < counted_by)
			std::this_thread::sleep_for(5ms);
		return server_->stats().fanout_writes;
	}

	nlohmann::json status() const { return nlohmann::json::parse(server_->status_json()); }

	TempWebRoot web_;
	std::shared_ptr<StreamHub> hub_;
	std::unique_ptr<StreamServer> server_;
	int port_ = 0;
};

TEST_F(FanoutStatusTest, WritesAndPassTimeMoveWithTheListeners)
{
	ASSERT_TRUE(start(base_config()));
	EXPECT_EQ(status()["fanout"]["writes"], 0) << "nobody to write to";

	std::vector<std::unique_ptr<StreamClient>> listeners;
	listeners.push_back(std::make_unique<StreamClient>(port_, "/stream"));
	ASSERT_TRUE(listeners[0]->wait_for_body(greeted));
	for (size_t i = 1; i <= 5; i++) {
		publish_one();
		ASSERT_TRUE(
			listeners[0]->wait_for_body([i](const std::string &b) { return count_audio_events(b) >= i; }));
	}
	const uint64_t with_one = writes_once_sent(5);
	EXPECT_GE(with_one, 6u) << "the response head, then each lone event in a write of its own";

	for (int i = 0; i < 3; i++) {
		listeners.push_back(std::make_unique<StreamClient>(port_, "/stream"));
		ASSERT_TRUE(listeners.back()->wait_for_body([](const std::string &b) {
			return count_audio_events(b) >= 4;
		})) << "the burst";
	}
	for (size_t i = 1; i <= 5; i++) {
		publish_one();
		for (const auto &listener : listeners)
			ASSERT_TRUE(listener->wait_for_body(
				[i](const std::string &b) { return count_audio_events(b) >= 4 + i; }));
	}
	const uint64_t with_four = writes_once_sent(5 + 3 * 4 + 4 * 5) - with_one;
	EXPECT_GE(with_four, 4u * 5u) << "each event is written to each of the four";
	EXPECT_GT(with_four, with_one) << "more listeners, more writes";

	const auto doc = status();
	EXPECT_GE(doc["fanout"]["writes"].get<uint64_t>(), with_one + with_four);
	const auto &pass = doc["fanout"]["wake_to_done_us"];
	EXPECT_GE(pass["count"].get<uint64_t>(), 10u) << "a pass at least per event published";
	EXPECT_LE(pass["p50"].get<uint64_t>(), pass["p99"].get<uint64_t>());
	EXPECT_LE(pass["p99"].get<uint64_t>(), pass["max"].get<uint64_t>());
	ASSERT_EQ(doc["per_channel"].size(), 1u);
	EXPECT_GE(doc["per_channel"][0]["fanout"]["writes"].get<uint64_t>(), with_one + with_four);
	EXPECT_TRUE(doc["per_channel"][0]["fanout"]["wake_to_done_us"].contains("p99"));

	// The rate covers about the last second: keep writing until one has passed with writes in it.
	double per_second = 0;
	const auto rate_by = Clock::now() + 5s;
	while (per_second <= 0 && Clock::now() < rate_by) {
		publish_one();
		std::this_thread::sleep_for(20ms);
		per_second = status()["fanout"]["writes_per_second"].get<double>();
	}
	EXPECT_GT(per_second, 0.0);
	EXPECT_LE(per_second, static_cast<double>(status()["fanout"]["writes"].get<uint64_t>()))
		<< "a rate over about a second is not above the total";
	EXPECT_GE(status()["per_channel"][0]["fanout"]["writes_per_second"].get<double>(), 0.0);
}

} // namespace
} // namespace sse_audio
