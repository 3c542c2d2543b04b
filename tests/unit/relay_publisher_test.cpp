// The relay publisher against a stand-in for nchan's publisher location (cpp-httplib on 127.0.0.1): every event
// arrives in order with its event name, the key travels as a bearer token, failures are retried and counted, an
// unreachable relay never holds up the hub, and the stream ends with the stopped event.

#include "relay/relay_publisher.hpp"

#include "base/base64.hpp"
#include "http_test_support.hpp"
#include "stream.hpp"
#include "test_audio.hpp"
#include "test_sockets.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;

struct Published {
	std::string path;
	std::string event;
	std::string authorization;
	std::string body;
};

// Answers publishes like nchan (202 with the channel's figures as JSON), or with `fail_status` while it is set.
class FakeNchan {
public:
	static constexpr const char *kWarmUpPath = "/warm-up"; // served, not recorded

	explicit FakeNchan(int port) : port_(port) { start(); }
	~FakeNchan() { stop(); }
	FakeNchan(const FakeNchan &) = delete;
	FakeNchan &operator=(const FakeNchan &) = delete;

	void start()
	{
		server_ = std::make_unique<httplib::Server>();
		server_->Post(".*", [this](const httplib::Request &req, httplib::Response &res) {
			if (req.path == kWarmUpPath)
				return;
			{
				std::lock_guard lock(mutex_);
				attempts_++;
				const int fail = fail_status.load();
				if (fail != 0) {
					res.status = fail;
					return;
				}
				published_.push_back({req.path, req.get_header_value("X-EventSource-Event"),
						      req.get_header_value("Authorization"), req.body});
			}
			res.status = 202;
			res.set_content("{\"messages\": 3, \"requested\": -1, \"subscribers\": 7, \"last_message_id\": "
					"\"1:0\" }",
					"text/json");
		});
		ASSERT_TRUE(server_->bind_to_port("127.0.0.1", port_));
		thread_ = std::thread([this] { server_->listen_after_bind(); });
		for (int i = 0; i < 200 && !server_->is_running(); i++)
			std::this_thread::sleep_for(5ms);
		// One request before the test's own. Debian's cpp-httplib is a compiled library TSan does not instrument:
		// a function-local static it builds at its first request (its regex code) is published to later requests
		// by an inline check TSan cannot see, so two first requests on two workers at once (two channels'
		// relays) read as a race in 1 run of 12 under TSan, with frames in libcpp-httplib only.
		httplib::Client warm_up("127.0.0.1", port_);
		warm_up.set_connection_timeout(2, 0);
		warm_up.Post(kWarmUpPath, "", "text/plain");
	}
	void stop()
	{
		if (!server_)
			return;
		server_->stop();
		if (thread_.joinable())
			thread_.join();
		server_.reset();
	}
	std::vector<Published> published(const std::string &path = "/pub/obs")
	{
		std::lock_guard lock(mutex_);
		std::vector<Published> out;
		for (const auto &p : published_)
			if (p.path == path)
				out.push_back(p);
		return out;
	}
	int attempts()
	{
		std::lock_guard lock(mutex_);
		return attempts_;
	}

	std::atomic<int> fail_status{0};

private:
	int port_;
	std::unique_ptr<httplib::Server> server_;
	std::thread thread_;
	std::mutex mutex_;
	std::vector<Published> published_;
	int attempts_ = 0;
};

template <typename Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout = 5000ms)
{
	const auto deadline = std::chrono::steady_clock::now() + timeout;
	while (std::chrono::steady_clock::now() < deadline) {
		if (pred())
			return true;
		std::this_thread::sleep_for(5ms);
	}
	return pred();
}

std::shared_ptr<StreamHub> make_hub(size_t capacity = 256, size_t timing_every = 10)
{
	HubConfig config;
	config.capacity_events = capacity;
	config.first_id = 1000;
	config.timing_every_events = timing_every;
	return std::make_shared<StreamHub>(config);
}

std::vector<uint8_t> frame_bytes(size_t i)
{
	return std::vector<uint8_t>(20 + i % 7, static_cast<uint8_t>(i));
}

RelayConfig config_for(int port)
{
	RelayConfig config;
	config.url = "http://127.0.0.1:" + std::to_string(port) + "/pub/obs";
	config.backoff_first = 20ms;
	config.backoff_max = 100ms;
	config.status_every = 100ms;
	config.title = "Choir";
	config.sample_rate = 48000;
	config.bitrate_kbps = 128;
	return config;
}

// The audio bytes the relay delivered, in order.
std::vector<uint8_t> delivered_audio(const std::vector<Published> &published)
{
	std::vector<uint8_t> bytes;
	for (const auto &p : published) {
		if (p.event != "audio")
			continue;
		const auto decoded = base64_decode(p.body);
		EXPECT_TRUE(decoded) << "audio data must be padded base64";
		if (decoded)
			bytes.insert(bytes.end(), decoded->begin(), decoded->end());
	}
	return bytes;
}

TEST(RelayPublisher, RelaysEveryEventInOrderWithItsNameAndKey)
{
	const int port = test::free_port();
	ASSERT_NE(port, 0);
	FakeNchan nchan(port);
	auto hub = make_hub();
	RelayConfig config = config_for(port);
	config.key = "s3cret-key";
	auto relay = RelayPublisher::start(config, hub);
	ASSERT_TRUE(relay) << relay.error();

	std::vector<uint8_t> expected;
	for (size_t i = 0; i < 50; i++) {
		auto bytes = frame_bytes(i);
		expected.insert(expected.end(), bytes.begin(), bytes.end());
		hub->publish(std::move(bytes), 1'700'000'000'000 + static_cast<int64_t>(i) * 24, 1152);
		std::this_thread::sleep_for(1ms);
	}
	ASSERT_TRUE(wait_until([&] { return (*relay)->stats().events_relayed == 50; }));
	const auto published = nchan.published();
	EXPECT_EQ(delivered_audio(published), expected);
	size_t timing = 0;
	for (size_t i = 0; i < published.size(); i++) {
		EXPECT_EQ(published[i].authorization, "Bearer s3cret-key");
		ASSERT_TRUE(published[i].event == "audio" || published[i].event == "timing") << published[i].event;
		if (published[i].event == "timing") {
			timing++;
			const auto doc = nlohmann::json::parse(published[i].body);
			EXPECT_TRUE(doc.contains("capture_ms") && doc.contains("server_ms"));
			ASSERT_LT(i + 1, published.size());
			EXPECT_EQ(published[i + 1].event, "audio") << "a timing message comes right before its audio";
		}
	}
	EXPECT_EQ(timing, 5u); // every 10th event, the first included

	const RelayStats stats = (*relay)->stats();
	EXPECT_EQ(stats.state, RelayStats::State::Connected);
	EXPECT_EQ(stats.subscribers, 7u) << "read from nchan's JSON answer";
	EXPECT_EQ(stats.failed_attempts, 0u);
	EXPECT_EQ(stats.events_lost, 0u);
	EXPECT_GE(stats.delay_ms.count, 1u);

	// The player's status document, on the channel beside the stream's.
	ASSERT_TRUE(wait_until([&] { return !nchan.published("/pub/obs-status").empty(); }));
	const auto status = nlohmann::json::parse(nchan.published("/pub/obs-status").back().body);
	EXPECT_EQ(status.at("title"), "Choir");
	EXPECT_EQ(status.at("running"), true);
	EXPECT_EQ(status.at("bitrate_kbps"), 128);
	EXPECT_EQ(status.at("sample_rate"), 48000);
	EXPECT_TRUE(status.at("listeners").contains("now"));

	const auto json = nlohmann::json::parse(relay_status_json(stats));
	EXPECT_EQ(json.at("state"), "connected");
	EXPECT_EQ(json.at("events_relayed"), 50);
	EXPECT_TRUE(json.at("last_error").is_null());
}

TEST(RelayPublisher, ClosingTheHubEndsWithTheStoppedEvent)
{
	const int port = test::free_port();
	FakeNchan nchan(port);
	auto hub = make_hub();
	auto relay = RelayPublisher::start(config_for(port), hub);
	ASSERT_TRUE(relay);
	for (size_t i = 0; i < 5; i++)
		hub->publish(frame_bytes(i), 1'700'000'000'000, 1152);
	hub->close();
	const auto begin = std::chrono::steady_clock::now();
	(*relay)->stop(3000ms);
	EXPECT_LT(std::chrono::steady_clock::now() - begin, 2000ms) << "the relay finishes by itself once closed";
	const auto published = nchan.published();
	ASSERT_FALSE(published.empty());
	EXPECT_EQ(published.back().event, "stopped");
	EXPECT_EQ(published.back().body, "{}");
	EXPECT_EQ((*relay)->stats().events_relayed, 5u);
	EXPECT_EQ((*relay)->stats().state, RelayStats::State::Stopped);
	const auto status = nlohmann::json::parse(nchan.published("/pub/obs-status").back().body);
	EXPECT_EQ(status.at("running"), false);
}

TEST(RelayPublisher, RefusedPublishesAreRetriedWithBackOffAndCounted)
{
	const int port = test::free_port();
	FakeNchan nchan(port);
	nchan.fail_status = 403;
	auto hub = make_hub();
	auto relay = RelayPublisher::start(config_for(port), hub);
	ASSERT_TRUE(relay);
	for (size_t i = 0; i < 20; i++)
		hub->publish(frame_bytes(i), 1'700'000'000'000, 1152);
	ASSERT_TRUE(wait_until([&] { return (*relay)->stats().failed_attempts >= 4; }));
	RelayStats stats = (*relay)->stats();
	EXPECT_EQ(stats.state, RelayStats::State::Retrying);
	EXPECT_NE(stats.last_error.message.find("403"), std::string::npos) << stats.last_error.message;
	EXPECT_NE(stats.last_error.message.find("relay key"), std::string::npos) << stats.last_error.message;
	EXPECT_GT(stats.retry_in_ms, 0);
	EXPECT_LE(stats.retry_in_ms, 100);
	// Back-off: 4 failures take at least 20 + 40 + 80 ms, so far fewer attempts than a busy loop would make.
	std::this_thread::sleep_for(300ms);
	EXPECT_LT(nchan.attempts(), 20);

	nchan.fail_status = 0;
	ASSERT_TRUE(wait_until([&] { return (*relay)->stats().events_relayed == 20; }));
	stats = (*relay)->stats();
	EXPECT_EQ(stats.state, RelayStats::State::Connected);
	EXPECT_EQ(stats.events_lost, 0u);
	EXPECT_FALSE(stats.last_error.message.empty()) << "the last failure stays visible after recovery";
	std::vector<uint8_t> expected;
	for (size_t i = 0; i < 20; i++) {
		const auto bytes = frame_bytes(i);
		expected.insert(expected.end(), bytes.begin(), bytes.end());
	}
	EXPECT_EQ(delivered_audio(nchan.published()), expected);
}

TEST(RelayPublisher, AnUnreachableRelayNeverHoldsUpTheHubAndCountsWhatFellOut)
{
	const int port = test::free_port();
	auto hub = make_hub(16, 0);
	auto relay = RelayPublisher::start(config_for(port), hub);
	ASSERT_TRUE(relay);
	hub->publish(frame_bytes(0), 1'700'000'000'000, 1152);
	ASSERT_TRUE(wait_until([&] { return (*relay)->stats().failed_attempts >= 1; }));
	const auto begin = std::chrono::steady_clock::now();
	for (size_t i = 1; i < 100; i++)
		hub->publish(frame_bytes(i), 1'700'000'000'000, 1152);
	EXPECT_LT(std::chrono::steady_clock::now() - begin, 200ms) << "publishing must not wait for the relay";
	EXPECT_NE((*relay)->stats().last_error.message.find("cannot reach"), std::string::npos);

	FakeNchan nchan(port); // the relay comes back
	ASSERT_TRUE(wait_until([&] {
		const RelayStats s = (*relay)->stats();
		return s.events_relayed + s.events_lost == 100;
	}));
	const RelayStats stats = (*relay)->stats();
	EXPECT_GT(stats.events_lost, 0u) << "the ring holds 16 events; the rest fell out while the relay was down";
	EXPECT_GE(stats.events_relayed, 16u);
	EXPECT_EQ(stats.state, RelayStats::State::Connected);
}

TEST(RelayPublisher, StopIsBoundedWhileTheRelayIsDown)
{
	const int port = test::free_port();
	auto hub = make_hub();
	RelayConfig config = config_for(port);
	config.backoff_first = 2000ms;
	config.backoff_max = 5000ms;
	auto relay = RelayPublisher::start(config, hub);
	ASSERT_TRUE(relay);
	hub->publish(frame_bytes(0), 1'700'000'000'000, 1152);
	ASSERT_TRUE(wait_until([&] { return (*relay)->stats().state == RelayStats::State::Retrying; }));
	hub->close();
	const auto begin = std::chrono::steady_clock::now();
	(*relay)->stop(200ms);
	EXPECT_LT(std::chrono::steady_clock::now() - begin, 1000ms);
	EXPECT_EQ((*relay)->stats().state, RelayStats::State::Stopped);
}

// A relay whose listening socket never accepts: its accept queue is full, so the kernel drops further SYNs and a
// connect waits for its time-out. Listening on 127.0.0.1 only.
class NeverAcceptingRelay {
public:
	NeverAcceptingRelay()
	{
		listener_ = test::tcp_socket();
		sockaddr_in addr = test::ipv4_address("127.0.0.1", 0);
		socklen_t len = sizeof(addr);
		if (!test::valid(listener_) || ::bind(listener_, reinterpret_cast<sockaddr *>(&addr), len) != 0 ||
		    ::listen(listener_, 0) != 0 ||
		    ::getsockname(listener_, reinterpret_cast<sockaddr *>(&addr), &len) != 0)
			return;
		port_ = ntohs(addr.sin_port);
		// Fill the queue: connects complete until it is full; then one stays pending (bounded attempts).
		for (int i = 0; i < 8; i++) {
			const socket_t filler = test::tcp_socket();
			net::set_non_blocking(filler);
			fillers_.push_back(filler);
			::connect(filler, reinterpret_cast<sockaddr *>(&addr), sizeof(addr));
		}
	}
	~NeverAcceptingRelay()
	{
		for (const socket_t filler : fillers_)
			test::close_socket(filler);
		if (test::valid(listener_))
			test::close_socket(listener_);
	}
	NeverAcceptingRelay(const NeverAcceptingRelay &) = delete;
	NeverAcceptingRelay &operator=(const NeverAcceptingRelay &) = delete;
	[[nodiscard]] int port() const { return port_; }

private:
	socket_t listener_ = net::kInvalidSocket;
	int port_ = 0;
	std::vector<socket_t> fillers_;
};

// Stopping the stream (and OBS's exit, on its UI thread) must not wait on a relay that never answers: within 1 s
// whatever the relay does, here one whose connects hang until they time out.
TEST(RelayPublisher, StopReturnsWithinASecondWhenTheRelayNeverAccepts)
{
	NeverAcceptingRelay never;
	ASSERT_GT(never.port(), 0);
	auto hub = make_hub();
	auto relay = RelayPublisher::start(config_for(never.port()), hub);
	ASSERT_TRUE(relay);
	hub->publish(frame_bytes(0), 1'700'000'000'000, 1152);
	ASSERT_TRUE(wait_until([&] { return (*relay)->stats().failed_attempts >= 1; }))
		<< "the relay's connects did not fail";
	EXPECT_NE((*relay)->stats().last_error.message.find("cannot reach"), std::string::npos)
		<< (*relay)->stats().last_error.message;
	hub->close();
	const auto begin = std::chrono::steady_clock::now();
	(*relay)->stop(); // the grace the plugin gives
	const auto took =
		std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin);
	std::printf("stop with a relay that never accepts: %lld ms\n", static_cast<long long>(took.count()));
	EXPECT_LT(took, 1000ms);
}

// A token in the relay URL's query (a common way to protect an nchan publisher) appears in no status document and
// no error message; the rest of the URL does, so the streamer can tell which relay it is.
TEST(RelayPublisher, TheUrlsQueryIsNeverShown)
{
	const int port = test::free_port();
	RelayConfig config = config_for(port);
	config.url += "?token=s3cret-t0ken";
	auto relay = RelayPublisher::start(config, make_hub());
	ASSERT_TRUE(relay);
	const RelayStats stats = (*relay)->stats();
	EXPECT_EQ(stats.url.find("s3cret"), std::string::npos) << stats.url;
	EXPECT_EQ(stats.url.rfind("http://127.0.0.1:" + std::to_string(port) + "/pub/obs?", 0), 0u) << stats.url;
	EXPECT_EQ(relay_status_json(stats).find("s3cret"), std::string::npos);
	(*relay)->stop();

	const auto refused = parse_relay_url("https://relay.example.org/pub/obs?token=s3cret-t0ken");
	ASSERT_FALSE(refused);
	EXPECT_EQ(refused.error().find("s3cret"), std::string::npos) << refused.error();
	EXPECT_EQ(relay_url_for_display("http://h/p?token=x#y"), "http://h/p?\u2026");
	EXPECT_EQ(relay_url_for_display("http://h/p"), "http://h/p");
}

TEST(RelayPublisher, AMalformedUrlIsRefusedAtStart)
{
	RelayConfig config;
	config.url = "https://relay.example.org/pub/obs";
	auto relay = RelayPublisher::start(config, make_hub());
	ASSERT_FALSE(relay);
	EXPECT_NE(relay.error().find("http://"), std::string::npos);
}

// A stream with channels publishes each to <relay_url>/<id>, with its status document beside it (docs/channels.md).
TEST(RelayPublisher, EachChannelIsPublishedToItsOwnLocation)
{
	const int port = test::free_port();
	FakeNchan nchan(port);
	test::TempWebRoot web;
	StreamConfig config;
	config.settings.relay_url = "http://127.0.0.1:" + std::to_string(port) + "/pub/obs/";
	config.settings.serve_listeners = false;
	config.settings.channels = {{"floor", "Floor", 0}, {"en", "English", 1}};
	config.web_root = web.web();
	config.version = "test";
	config.default_title = "OBS";
	auto started = Stream::start(std::move(config));
	ASSERT_TRUE(started) << started.error();
	for (size_t first = 0; first < 24000; first += 1024) {
		const test::StereoPcm block = test::make_sine(440, 440, 48000, 1024, first);
		(*started)->push(0, block.left.data(), block.right.data(), block.frames());
		(*started)->push(1, block.left.data(), block.right.data(), block.frames());
	}
	const auto audio_at = [&](const std::string &path) {
		size_t audio = 0;
		for (const auto &p : nchan.published(path))
			audio += p.event == "audio" ? 1 : 0;
		return audio;
	};
	EXPECT_TRUE(wait_until([&] { return audio_at("/pub/obs/floor") >= 1 && audio_at("/pub/obs/en") >= 1; }))
		<< audio_at("/pub/obs/floor") << " and " << audio_at("/pub/obs/en")
		<< " audio messages (a message may carry several events)";
	EXPECT_TRUE(wait_until([&] { return !nchan.published("/pub/obs/en-status").empty(); }));
	EXPECT_TRUE(nchan.published("/pub/obs").empty()) << "nothing goes to the bare location once there are channels";
	// The list for nginx's /channels.json, from the first channel's relay, with each channel's listeners as nchan
	// counted them (the fake answers 7); it goes out with the status documents, every 2 s.
	const auto list_counted = [&] {
		const auto lists = nchan.published("/pub/obs/channels.json");
		if (lists.empty())
			return false;
		const auto doc = nlohmann::json::parse(lists.back().body, nullptr, false);
		return doc.is_object() && doc["channels"].is_array() && doc["channels"].size() == 2 &&
		       doc["channels"][0].value("listeners", 0) == 7 && doc["channels"][1].value("listeners", 0) == 7;
	};
	EXPECT_TRUE(wait_until(list_counted, std::chrono::seconds(6)));
	const auto lists = nchan.published("/pub/obs/channels.json");
	ASSERT_FALSE(lists.empty());
	const auto list = nlohmann::json::parse(lists.back().body);
	EXPECT_EQ(list["channels"][0].value("id", ""), "floor");
	EXPECT_EQ(list["channels"][0].value("name", ""), "Floor");
	EXPECT_EQ(list["channels"][1].value("id", ""), "en");
	EXPECT_EQ(list["channels"][1].value("name", ""), "English");
	EXPECT_TRUE(nchan.published("/pub/obs/en/channels.json").empty()) << "only the first channel's relay sends it";
	const StreamStats last = (*started)->stop();
	ASSERT_EQ(last.channels.size(), 2U);
	ASSERT_TRUE(last.channels[1].relay.has_value());
	EXPECT_EQ(last.channels[1].relay->url, "http://127.0.0.1:" + std::to_string(port) + "/pub/obs/en");
}

} // namespace
} // namespace sse_audio
