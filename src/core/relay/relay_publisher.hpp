#pragma once

#include "base/latency_histogram.hpp"
#include "relay/relay_channel_list.hpp"
#include "relay/relay_messages.hpp"
#include "relay/relay_stats.hpp"
#include "relay/relay_url.hpp"
#include "base/result.hpp"
#include "audio/stream_hub.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace httplib {
class Client;
} // namespace httplib

namespace sse_audio {

struct RelayConfig {
	std::string url; // the nchan publisher location, http:// only (parse_relay_url)
	std::string key; // sent as `Authorization: Bearer <key>` when not empty
	// Short: a stop cannot cut a connect in progress short, so this bounds how long a stop waits for a relay
	// that never accepts. A relay on the LAN or the same machine connects in milliseconds.
	std::chrono::milliseconds connect_timeout{500};
	// A request that takes longer than this counts as failed. Short, because audio queued behind it ages.
	std::chrono::milliseconds io_timeout{3000};
	std::chrono::milliseconds backoff_first{250}; // the first retry's pause; doubles on each further failure
	std::chrono::milliseconds backoff_max{5000};
	size_t max_events_per_message = 16; // hub events merged into one message when the relay is behind

	// Every `status_every` a small status document (title, bitrate, nchan's subscriber count) is published to
	// `<url path>-status`, for nginx to serve as the player's /status.json. Zero: none.
	std::chrono::milliseconds status_every{2000};
	std::string title = "OBS";
	std::string version;
	int sample_rate = 0;
	int bitrate_kbps = 0;

	// With a channel list (docs/channels.md): this relay's place in the list, where it reports nchan's count of its
	// listeners. The relay given `channel_list_url` (the first channel's) also publishes the list there, with its
	// status document.
	std::shared_ptr<RelayChannelList> channel_list;
	size_t channel_index = 0;
	std::string channel_list_url; // empty: this relay does not publish the list
};

// Publishes every event of a hub to an nchan publisher location, over one kept-alive HTTP connection, on its own
// thread: it reads the hub like a listener does, so the encoder never waits for it. A failed request is retried
// with back-off; while it waits, the hub's ring keeps the last seconds, and what falls out of it is counted as lost.
class RelayPublisher {
public:
	// Checks the URL and starts the thread. The hub is read from its live edge.
	static Result<std::unique_ptr<RelayPublisher>> start(const RelayConfig &config, std::shared_ptr<StreamHub> hub);
	~RelayPublisher();
	RelayPublisher(const RelayPublisher &) = delete;
	RelayPublisher &operator=(const RelayPublisher &) = delete;

	// Once the hub is closed the relay sends what is left and a `stopped` event by itself; unless the relay is
	// failing (it would receive nothing) this waits up to `grace` for that, then cuts off any request in flight
	// and joins the thread, which is at most inside one connect attempt (connect_timeout). Safe to call more than
	// once.
	void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(500));

	[[nodiscard]] RelayStats stats() const;

private:
	RelayPublisher(const RelayConfig &config, RelayUrl url, std::shared_ptr<StreamHub> hub);

	void run();
	bool send(const RelayMessage &message);
	bool post(const std::string &path, const std::string &event, const std::string &body, const char *content_type);
	void publish_status(bool running);
	void record_failure(Error error);
	bool pause_before_retry(std::chrono::milliseconds pause);
	[[nodiscard]] bool stop_requested() const { return stop_requested_.load(std::memory_order_acquire); }

	RelayConfig config_;
	RelayUrl url_;
	std::string status_path_;
	std::string channel_list_path_; // on the relay's host; empty: none
	std::shared_ptr<StreamHub> hub_;
	std::unique_ptr<httplib::Client> client_;
	std::thread thread_;
	std::atomic<bool> stop_requested_{false};
	bool stopped_ = false;

	std::mutex wake_mutex_;
	std::condition_variable wake_cv_;
	bool finished_ = false; // the thread has sent everything (under wake_mutex_)

	mutable std::mutex stats_mutex_;
	RelayStats stats_;
	LatencyHistogram delay_ms_;
};

} // namespace sse_audio
