#pragma once

#include "audio/audio_channel.hpp"
#include "base/latency_histogram.hpp"
#include "serve/listener_fanout.hpp"
#include "serve/origin_policy.hpp"
#include "relay/relay_stats.hpp"
#include "base/result.hpp"
#include "serve/web_assets.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
} // namespace httplib

namespace sse_audio {

class TakeoverServer;
class ListenerAdmission;

struct ServerConfig {
	std::string bind_address = "0.0.0.0";
	int port = 8330;
	int timeout_seconds = 15;                  // a listener whose socket accepts nothing this long is dropped
	int max_listeners = 100;                   // /stream and /stream.mp3 together
	int max_listeners_per_address = 0;         // listeners from one address; 0 = no limit
	std::string access_key;                    // empty = open
	std::string web_root;                      // folder holding the player's files
	std::chrono::milliseconds heartbeat{5000}; // comment line after this long without an event
	int retry_ms = 250;        // EventSource reconnect delay hint: a cut connection resumes after about this long
	std::string version;       // shown in /status.json
	std::string title = "OBS"; // the stream's name, shown by the player (/status.json "title")
	// Which pages of other origins may read the streams and the status, and which Host names are served. The
	// server's own default takes every page and name; the plugin passes its `allowed_origins` setting, which by
	// default allows the server's own origin only.
	OriginPolicy origins = OriginPolicy::any();
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
	uint64_t rejected_full = 0;        // 503: max_listeners reached
	uint64_t rejected_per_address = 0; // 429: max_listeners_per_address reached
	uint64_t refused_requests = 0;     // refused before routing: malformed or oversized, too slow, or no room
	uint64_t evicted_connections = 0;  // silent connections let go to make room for newcomers
	uint64_t rejected_host = 0;        // 421: a Host name this server does not serve (DNS rebinding)
	uint64_t rejected_auth = 0;        // 401: missing or wrong key
	uint64_t listeners_left = 0;       // streams the listener closed (not a drop)
	uint64_t listeners_timed_out = 0;  // listeners dropped because their connection accepted nothing for `timeout`
	uint64_t bytes_sent = 0;
	uint64_t events_sent = 0;
	LatencySummary send_delay_ms;          // capture of an event's first sample → written to a listener's socket
	uint64_t fanout_writes = 0;            // send calls on listener sockets
	double fanout_writes_per_second = 0.0; // over about the last second
	LatencySummary fanout_wake_us;         // one pass of a fan-out thread, from its wake-up to its last write
};

// Supplies the figures of the channel being served; called on /status.json requests.
using ChannelStatsSource = std::function<ChannelStats()>;
// Supplies the relay's figures when the channel is also relayed (nothing otherwise); called on /status.json requests.
using RelayStatsSource = std::function<std::optional<RelayStats>()>;

// One channel the server serves (docs/channels.md): listeners pick it with `?channel=ID`.
struct ServedChannel {
	std::string id;   // in URLs: letters, digits, '-' and '_'
	std::string name; // shown to listeners; empty for the one channel of a stream without a channel list
	std::shared_ptr<StreamHub> hub;
	ChannelStatsSource stats;
	RelayStatsSource relay; // empty: this channel is not relayed
};

// The id of the one channel served by the single-hub start().
inline constexpr const char *kSingleChannelId = "main";

// The embedded HTTP server: the player page, the SSE stream, the plain MP3 stream and the status.
// Requests are parsed and answered by cpp-httplib on a small pool of workers; a stream request, once accepted,
// leaves its worker and is written by the ListenerFanout thread together with every other listener.
class StreamServer {
public:
	// Binds and starts serving `channels` (at least one; the first is served without `?channel=`); it serves until
	// stop() or the destructor. Fails with a message a streamer can act on (port in use, bad address, player files
	// missing). Nothing is left running on failure.
	static Result<std::unique_ptr<StreamServer>> start(const ServerConfig &config,
							   std::vector<ServedChannel> channels);
	// One channel, `hub` (id kSingleChannelId).
	static Result<std::unique_ptr<StreamServer>> start(const ServerConfig &config, std::shared_ptr<StreamHub> hub,
							   ChannelStatsSource channel_stats,
							   RelayStatsSource relay_stats = {});
	~StreamServer();
	StreamServer(const StreamServer &) = delete;
	StreamServer &operator=(const StreamServer &) = delete;

	// Gives every SSE listener the stopped event where its connection takes it at once, closes every connection
	// and joins every thread; returns within a few hundred milliseconds whatever the listeners do. Safe to call
	// more than once. stats() and status_json() still answer afterwards.
	void stop();

	[[nodiscard]] bool running() const { return running_.load(); }
	[[nodiscard]] int port() const { return config_.port; }
	// Every channel's listeners together.
	[[nodiscard]] ServerStats stats() const;
	// The listener-side figures of channel `index` (in start()'s order): its listeners, bytes and events.
	[[nodiscard]] ServerStats channel_stats(size_t index) const;
	// The /status.json document.
	[[nodiscard]] std::string status_json() const;
	// The /channels.json document: each channel's id, name and listeners.
	[[nodiscard]] std::string channels_json() const;

private:
	struct Channel {
		ServedChannel served;
		std::unique_ptr<ListenerFanout> fanout;
	};

	StreamServer(const ServerConfig &config, std::vector<ServedChannel> channels, WebAssets assets);
	// Routes and options, set before the first request can arrive (TakeoverServer::start).
	void configure(TakeoverServer &http);
	void install_routes(httplib::Server &server);
	bool authorized(const httplib::Request &req) const;
	// Answers 401 (counted) when the request lacks the access key; true when it may go on.
	bool admit_key(const httplib::Request &req, httplib::Response &res);
	void handle_stream(const httplib::Request &req, httplib::Response &res, ListenerKind kind);
	// The channel a request names (`?channel=`), the first without one; null for an id not served.
	[[nodiscard]] const Channel *requested_channel(const httplib::Request &req) const;
	// Access-Control-Allow-Origin for this request's Origin under config_.origins; empty: no header.
	[[nodiscard]] std::string allow_origin(const httplib::Request &req) const;

	const ServerConfig config_;
	// One fan-out per channel: a channel whose encoder failed ends its own listeners only.
	std::vector<Channel> channels_;
	const WebAssets assets_;
	std::unique_ptr<ListenerAdmission> admission_;
	std::unique_ptr<TakeoverServer> http_; // only start() and stop() touch the pointer itself
	// http_'s object, for stats(): set by configure(), before the first request, whereas http_ is set only once
	// TakeoverServer::start returns, and a /status.json request may be served before that.
	const TakeoverServer *requests_ = nullptr;
	std::atomic<bool> running_{false};
	int64_t started_ms_ = 0;
	std::vector<std::string> own_names_; // this computer's names, for the Host check

	std::atomic<uint64_t> connections_total_{0};
	std::atomic<uint64_t> rejected_full_{0};
	std::atomic<uint64_t> rejected_per_address_{0};
	std::atomic<uint64_t> rejected_auth_{0};
	std::atomic<uint64_t> rejected_host_{0};
};

// Constant-time comparison, so response timing does not reveal how much of a guessed key was right.
bool keys_equal(const std::string &expected, const std::string &given);

} // namespace sse_audio
