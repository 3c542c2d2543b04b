#pragma once

#include "audio_channel.hpp"
#include "latency_histogram.hpp"
#include "result.hpp"
#include "web_assets.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace httplib {
class Server;
struct Request;
struct Response;
} // namespace httplib

namespace sse_audio {

struct ServerConfig {
	std::string bind_address = "0.0.0.0";
	int port = 8330;
	int timeout_seconds = 15;                  // a listener whose socket accepts nothing this long is dropped
	int max_listeners = 100;                   // /stream and /stream.mp3 together
	std::string access_key;                    // empty = open
	std::string web_root;                      // folder holding the player's files
	std::chrono::milliseconds heartbeat{5000}; // comment line after this long without an event
	int retry_ms = 1000;                       // EventSource reconnect delay hint
	std::string version;                       // shown in /status.json
	std::string title = "OBS";                 // the stream's name, shown by the player (/status.json "title")
};

// Listener-side figures for /status.json and the dock.
struct ServerStats {
	bool running = false;
	int64_t started_ms = 0;
	uint64_t listeners_now = 0;
	uint64_t listeners_peak = 0;
	uint64_t sse_listeners = 0;
	uint64_t mp3_listeners = 0;
	uint64_t connections_total = 0;
	uint64_t rejected_full = 0;       // 503: max_listeners reached
	uint64_t rejected_auth = 0;       // 401: missing or wrong key
	uint64_t listeners_left = 0;      // streams the listener closed (not a drop)
	uint64_t listeners_timed_out = 0; // listeners dropped because their connection accepted nothing for `timeout`
	uint64_t bytes_sent = 0;
	uint64_t events_sent = 0;
	LatencySummary send_delay_ms; // capture of an event's first sample → written to a listener's socket
};

// Supplies the figures of the channel being served; called on /status.json requests.
using ChannelStatsSource = std::function<ChannelStats()>;

// The embedded HTTP server (cpp-httplib): the player page, the SSE stream, the plain MP3 stream and the status.
// Each listener holds one pool thread for as long as it listens; the pool is sized for max_listeners.
class StreamServer {
public:
	StreamServer();
	~StreamServer();
	StreamServer(const StreamServer &) = delete;
	StreamServer &operator=(const StreamServer &) = delete;

	// Binds and starts serving `hub`. Fails with a message a streamer can act on (port in use, bad address,
	// player files missing). Nothing is left running on failure.
	Status start(const ServerConfig &config, std::shared_ptr<StreamHub> hub, ChannelStatsSource channel_stats);

	// Ends every listener's response and joins every thread; returns within about a second plus, for a
	// listener whose socket is stalled mid-write, the write timeout. Safe to call more than once.
	void stop();

	[[nodiscard]] bool running() const { return running_.load(); }
	[[nodiscard]] int port() const { return config_.port; }
	[[nodiscard]] ServerStats stats() const;
	// The /status.json document.
	[[nodiscard]] std::string status_json() const;

private:
	class ListenerSlot;
	enum class StreamKind { Sse, Mp3 };

	void install_routes();
	bool authorized(const httplib::Request &req) const;
	void handle_stream(const httplib::Request &req, httplib::Response &res, StreamKind kind);

	ServerConfig config_;
	std::unique_ptr<httplib::Server> http_;
	std::thread thread_;
	std::shared_ptr<StreamHub> hub_;
	ChannelStatsSource channel_stats_;
	WebAssets assets_;
	std::atomic<bool> running_{false};
	std::atomic<bool> stopping_{false};
	int64_t started_ms_ = 0;

	std::atomic<uint64_t> listeners_now_{0};
	std::atomic<uint64_t> listeners_peak_{0};
	std::atomic<uint64_t> sse_listeners_{0};
	std::atomic<uint64_t> mp3_listeners_{0};
	std::atomic<uint64_t> connections_total_{0};
	std::atomic<uint64_t> rejected_full_{0};
	std::atomic<uint64_t> rejected_auth_{0};
	std::atomic<uint64_t> listeners_left_{0};
	std::atomic<uint64_t> listeners_timed_out_{0};
	std::atomic<uint64_t> bytes_sent_{0};
	std::atomic<uint64_t> events_sent_{0};
	LatencyHistogram send_delay_ms_;
};

// Constant-time comparison, so response timing does not reveal how much of a guessed key was right.
bool keys_equal(const std::string &expected, const std::string &given);

} // namespace sse_audio
