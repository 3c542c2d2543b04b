// GET /status.json while someone listens: the figures a streamer and the dock rely on.

#include "host_test.hpp"
#include "sse_reader.hpp"

#include <atomic>
#include <sstream>
#include <thread>

namespace sse_audio::itest {
namespace {

using namespace std::chrono_literals;

class StatusTest : public HostTest {};

// A listener that keeps reading /stream on its own thread until stopped.
class BackgroundListener {
public:
	explicit BackgroundListener(std::unique_ptr<SseClient> client) : client_(std::move(client))
	{
		thread_ = std::thread([this] {
			while (!stop_ && !client_->ended()) {
				client_->read_until(Clock::now() + 50ms);
				if (!client_->parser().last_event_id().empty())
					last_id_ = std::stoull(client_->parser().last_event_id());
			}
		});
	}
	~BackgroundListener()
	{
		stop_ = true;
		thread_.join();
	}
	BackgroundListener(const BackgroundListener &) = delete;
	BackgroundListener &operator=(const BackgroundListener &) = delete;

	[[nodiscard]] uint64_t last_id() const { return last_id_; }

private:
	std::unique_ptr<SseClient> client_;
	std::atomic<bool> stop_{false};
	std::atomic<uint64_t> last_id_{0};
	std::thread thread_;
};

TEST_F(StatusTest, ReportsTheRunningStreamWhileSomeoneListens)
{
	HostProcess *host = start_tone_host();
	ASSERT_NE(host, nullptr);
	const int port = host->port();
	std::string error;
	auto client = SseClient::open(port, "/stream", {}, 5s, &error);
	ASSERT_TRUE(client) << error;
	BackgroundListener listener(std::move(client));
	pause_for(1000ms);

	const uint64_t seen_before = listener.last_id();
	const auto first = fetch_status(port, &error);
	ASSERT_TRUE(first) << error;
	pause_for(1000ms);
	const auto second = fetch_status(port, &error);
	ASSERT_TRUE(second) << error;
	const nlohmann::json &s = *second;
	SCOPED_TRACE("status.json: " + s.dump());

	EXPECT_EQ(s.at("running"), true);
	EXPECT_EQ(s.at("version"), SSE_AUDIO_TEST_VERSION) << "the CMake project version, as in the log and the dock";
	EXPECT_EQ(s.at("sample_rate"), 48000);
	EXPECT_EQ(s.at("bitrate_kbps"), 128);
	EXPECT_GE(s.at("listeners").at("now").get<int>(), 1);
	EXPECT_GE(s.at("listeners").at("sse").get<int>(), 1);
	EXPECT_GE(s.at("listeners").at("peak").get<int>(), 1);

	// About 42 events a second at one 24 ms frame each.
	const auto published_1 = first->at("events").at("published").get<uint64_t>();
	const auto published_2 = s.at("events").at("published").get<uint64_t>();
	EXPECT_GT(published_2, published_1);
	EXPECT_NEAR(static_cast<double>(published_2 - published_1), 41.7, 12.0);
	EXPECT_GT(s.at("events").at("sent").get<uint64_t>(), 0u);
	EXPECT_GE(s.at("events").at("last_id").get<uint64_t>(), seen_before);
	EXPECT_GT(s.at("bytes_sent").get<uint64_t>(), first->at("bytes_sent").get<uint64_t>());

	EXPECT_EQ(s.at("drops").at("pcm_frames"), 0);
	EXPECT_EQ(s.at("drops").at("encoder_bytes"), 0);
	const nlohmann::json &timing = s.at("timing");
	EXPECT_GT(timing.at("callback_ns").at("count").get<uint64_t>(), 0u);
	EXPECT_GT(timing.at("publish_delay_ms").at("count").get<uint64_t>(), 0u);
	EXPECT_GT(timing.at("send_delay_ms").at("count").get<uint64_t>(), 0u);
	EXPECT_GT(s.at("audio").at("encode_speed").get<double>(), 1.0) << "LAME must encode faster than real time";

	std::ostringstream figures;
	figures << "status.json: callback_ns p50 " << timing["callback_ns"]["p50"] << " max "
		<< timing["callback_ns"]["max"] << "; publish_delay_ms p50 " << timing["publish_delay_ms"]["p50"]
		<< " p99 " << timing["publish_delay_ms"]["p99"] << "; send_delay_ms p50 "
		<< timing["send_delay_ms"]["p50"] << " p99 " << timing["send_delay_ms"]["p99"] << "; encode_speed "
		<< s["audio"]["encode_speed"] << "x; events/s " << (published_2 - published_1);
	report(figures.str());
}

} // namespace
} // namespace sse_audio::itest
