#include "stream_server.hpp"

#include "sse_format.hpp"
#include "thread_name.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <system_error>

#ifndef _WIN32
#include <sys/socket.h>
#endif

namespace sse_audio {

namespace {

using Clock = std::chrono::steady_clock;

// Extra pool threads beyond max_listeners: page, status and refused requests are served while every listener
// slot is taken.
constexpr size_t kSpareThreads = 8;
// Longest a stream handler waits for events before it looks at the stop flag and the peer again.
constexpr auto kWaitSlice = std::chrono::milliseconds(250);
constexpr int kRetryAfterSeconds = 5;

void set_stream_headers(httplib::Response &res)
{
	res.set_header("Cache-Control", "no-cache, no-store");
	// Tell nginx and similar proxies not to buffer: a buffered event stream is a delayed one.
	res.set_header("X-Accel-Buffering", "no");
	res.set_header("Access-Control-Allow-Origin", "*");
}

const char *reason_phrase(int status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 413:
		return "Payload Too Large";
	case 414:
		return "URI Too Long";
	case 503:
		return "Service Unavailable";
	default:
		return status >= 500 ? "Server Error" : "Error";
	}
}

nlohmann::json to_json(const LatencySummary &s)
{
	return {{"count", s.count}, {"p50", s.p50}, {"p99", s.p99}, {"max", s.max}};
}

} // namespace

bool keys_equal(const std::string &expected, const std::string &given)
{
	// Touch every byte of `expected` whatever `given` holds; only the lengths' equality can leak.
	unsigned char diff = expected.size() == given.size() ? 0 : 1;
	for (size_t i = 0; i < expected.size(); i++) {
		const unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
		diff |= static_cast<unsigned char>(static_cast<unsigned char>(expected[i]) ^ g);
	}
	return diff == 0;
}

// Counts a listener from the moment its stream is accepted until its response is destroyed.
class StreamServer::ListenerSlot {
public:
	ListenerSlot(StreamServer &server, StreamKind kind) : server_(server), kind_(kind)
	{
		counter().fetch_add(1);
		server_.connections_total_.fetch_add(1);
	}
	~ListenerSlot()
	{
		counter().fetch_sub(1);
		server_.listeners_now_.fetch_sub(1);
	}
	ListenerSlot(const ListenerSlot &) = delete;
	ListenerSlot &operator=(const ListenerSlot &) = delete;

private:
	std::atomic<uint64_t> &counter()
	{
		return kind_ == StreamKind::Sse ? server_.sse_listeners_ : server_.mp3_listeners_;
	}

	StreamServer &server_;
	StreamKind kind_;
};

StreamServer::StreamServer() = default;

StreamServer::~StreamServer()
{
	stop();
}

Status StreamServer::start(const ServerConfig &config, std::shared_ptr<StreamHub> hub, ChannelStatsSource channel_stats)
{
	stop();
	auto assets = WebAssets::load(config.web_root);
	if (!assets)
		return Error{assets.error()};

	config_ = config;
	hub_ = std::move(hub);
	channel_stats_ = std::move(channel_stats);
	assets_ = std::move(*assets);
	stopping_ = false;
	listeners_now_ = listeners_peak_ = sse_listeners_ = mp3_listeners_ = 0;
	connections_total_ = rejected_full_ = rejected_auth_ = listeners_left_ = listeners_timed_out_ = bytes_sent_ =
		events_sent_ = 0;
	send_delay_ms_.reset();

	http_ = std::make_unique<httplib::Server>();
	const size_t threads = static_cast<size_t>(config_.max_listeners) + kSpareThreads;
	http_->new_task_queue = [threads] {
		return new httplib::ThreadPool(threads);
	};
	http_->set_write_timeout(config_.timeout_seconds, 0);
	http_->set_tcp_nodelay(true);
	// cpp-httplib's default sets SO_REUSEPORT, which would let a second server share our port silently.
	// SO_REUSEADDR alone still allows a quick restart while old connections sit in TIME_WAIT.
	http_->set_socket_options([](socket_t sock) {
		int yes = 1;
#ifdef _WIN32
		setsockopt(sock, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char *>(&yes), sizeof(yes));
#else
		setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
#endif
	});
	install_routes();

	errno = 0;
	if (!http_->bind_to_port(config_.bind_address, config_.port)) {
		const int err = errno;
		http_.reset();
		std::string reason = err == EADDRINUSE      ? "the port is already in use by another program"
				     : err == EACCES        ? "permission denied (ports below 1024 need special rights)"
				     : err == EADDRNOTAVAIL ? "this machine has no such address"
				     : err != 0             ? std::generic_category().message(err)
							    : "the address could not be used";
		return Error{"Cannot listen on " + config_.bind_address + " port " + std::to_string(config_.port) +
			     ": " + reason};
	}

	started_ms_ = wall_clock_ms();
	thread_ = std::thread([this] {
		set_current_thread_name("sse-http-accept");
		http_->listen_after_bind();
	});
	// stop() only works once the accept loop runs; wait for it so that an immediate stop cannot be lost.
	for (int i = 0; i < 2000 && !http_->is_running(); i++)
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
	running_ = true;
	return {};
}

void StreamServer::stop()
{
	if (!http_)
		return;
	stopping_ = true;
	// Let each SSE listener end its stream with the stopped event: a handler sees stopping_ within one wait slice,
	// while once http_->stop() has run, cpp-httplib no longer calls it. Bounded: a listener whose connection is
	// stalled is cut off by http_->stop() below.
	const auto drain_until = Clock::now() + kWaitSlice + std::chrono::milliseconds(250);
	while (sse_listeners_.load() > 0 && Clock::now() < drain_until)
		std::this_thread::sleep_for(std::chrono::milliseconds(5));
	http_->stop();
	if (thread_.joinable())
		thread_.join();
	http_.reset();
	running_ = false;
}

void StreamServer::install_routes()
{
	http_->Get("/stream", [this](const httplib::Request &req, httplib::Response &res) {
		handle_stream(req, res, StreamKind::Sse);
	});
	http_->Get("/stream.mp3", [this](const httplib::Request &req, httplib::Response &res) {
		handle_stream(req, res, StreamKind::Mp3);
	});
	http_->Get("/status.json", [this](const httplib::Request &req, httplib::Response &res) {
		if (!authorized(req)) {
			rejected_auth_.fetch_add(1);
			res.status = 401;
			res.set_content("Unauthorized\n", "text/plain");
			return;
		}
		res.set_header("Cache-Control", "no-cache");
		res.set_header("Access-Control-Allow-Origin", "*");
		res.set_content(status_json(), "application/json");
	});
	http_->Get("/[^/]*", [this](const httplib::Request &req, httplib::Response &res) {
		const WebAsset *asset = assets_.find(req.path);
		if (!asset) {
			res.status = 404;
			return;
		}
		res.set_header("Cache-Control", "no-cache");
		res.set_header("X-Content-Type-Options", "nosniff");
		res.set_content(asset->body, asset->content_type);
	});
	http_->set_error_handler([](const httplib::Request &, httplib::Response &res) {
		if (res.body.empty())
			res.set_content(std::to_string(res.status) + " " + reason_phrase(res.status) + "\n",
					"text/plain");
	});
}

bool StreamServer::authorized(const httplib::Request &req) const
{
	if (config_.access_key.empty())
		return true;
	if (req.has_param("key") && keys_equal(config_.access_key, req.get_param_value("key")))
		return true;
	const std::string auth = req.get_header_value("Authorization");
	constexpr std::string_view kBearer = "Bearer ";
	return auth.size() > kBearer.size() && auth.compare(0, kBearer.size(), kBearer) == 0 &&
	       keys_equal(config_.access_key, auth.substr(kBearer.size()));
}

void StreamServer::handle_stream(const httplib::Request &req, httplib::Response &res, StreamKind kind)
{
	if (!authorized(req)) {
		rejected_auth_.fetch_add(1);
		res.status = 401;
		res.set_content("Unauthorized\n", "text/plain");
		return;
	}
	if (listeners_now_.fetch_add(1) >= static_cast<uint64_t>(config_.max_listeners)) {
		listeners_now_.fetch_sub(1);
		rejected_full_.fetch_add(1);
		res.status = 503;
		res.set_header("Retry-After", std::to_string(kRetryAfterSeconds));
		res.set_content("The stream is full; try again shortly\n", "text/plain");
		return;
	}
	uint64_t now = listeners_now_.load();
	uint64_t peak = listeners_peak_.load();
	while (now > peak && !listeners_peak_.compare_exchange_weak(peak, now)) {
	}

	struct Listener {
		std::unique_ptr<ListenerSlot> slot;
		uint64_t next_id = 0;
		bool greeted = false;
		bool timed = false; // a timing block preceded an audio event on this connection
		Clock::time_point last_write;
	};
	auto listener = std::make_shared<Listener>();
	listener->slot = std::make_unique<ListenerSlot>(*this, kind);

	std::optional<uint64_t> last_id;
	if (kind == StreamKind::Sse) {
		// EventSource sends the header on reconnects; the query form serves clients that cannot set headers.
		const std::string header = req.get_header_value("Last-Event-ID");
		last_id = parse_last_event_id(header.empty() ? req.get_param_value("lastEventId") : header);
	}
	listener->next_id = hub_->start(last_id).next_id;

	set_stream_headers(res);
	const char *content_type = kind == StreamKind::Sse ? "text/event-stream" : "audio/mpeg";
	res.set_chunked_content_provider(content_type, [this, listener, kind](size_t, httplib::DataSink &sink) {
		// A write (or writability check) fails at once when the listener has gone, and only after the write
		// timeout when its connection stalled: only the second is a drop.
		const auto count_end = [&](Clock::time_point began) {
			const bool stalled = Clock::now() - began >= std::chrono::seconds(config_.timeout_seconds) -
									     std::chrono::milliseconds(500);
			(stalled ? listeners_timed_out_ : listeners_left_).fetch_add(1);
			return false;
		};
		const auto write = [&](const std::string_view data) {
			const auto began = Clock::now();
			if (!sink.write(data.data(), data.size()))
				return count_end(began);
			bytes_sent_.fetch_add(data.size(), std::memory_order_relaxed);
			listener->last_write = Clock::now();
			return true;
		};
		// The stopped event lets the player say that the broadcaster stopped (not that the network failed). The
		// server stops right after the channel closes, so both ways out of a stream write it.
		const auto end_of_stream = [&] {
			if (kind == StreamKind::Sse &&
			    !write(format_sse_text_event("stopped", "{}") + format_sse_comment("stream stopped")))
				return false;
			sink.done();
			return true;
		};
		if (stopping_)
			return end_of_stream();
		if (!listener->greeted) {
			listener->greeted = true;
			listener->last_write = Clock::now();
			if (kind == StreamKind::Sse)
				return write(format_sse_retry(config_.retry_ms) + format_sse_comment("obs-sse-audio"));
			return true;
		}
		const auto idle = Clock::now() - listener->last_write;
		const auto until_heartbeat =
			std::chrono::duration_cast<std::chrono::milliseconds>(config_.heartbeat - idle);
		const auto wait = std::clamp(until_heartbeat, std::chrono::milliseconds(1),
					     std::chrono::milliseconds(kWaitSlice));
		HubRead read = hub_->read(listener->next_id, wait);
		switch (read.outcome) {
		case HubRead::Outcome::Closed:
			return end_of_stream();
		case HubRead::Outcome::Timeout:
			if (kind == StreamKind::Sse && Clock::now() - listener->last_write >= config_.heartbeat)
				return write(format_sse_comment("heartbeat"));
			// Nothing to send: make sure the listener is still there, so a departed one frees its slot.
			if (const auto began = Clock::now(); !sink.is_writable())
				return count_end(began);
			return true;
		case HubRead::Outcome::Events:
			break;
		}
		// A listener that was moved forward lost the thread of capture times: it gets a timing block again.
		if (read.skipped_forward)
			listener->timed = false;
		for (const auto &event : read.events) {
			// The shared timing blocks come once a second; a new listener gets one before its first audio event
			// so that the player can show its delay at once.
			if (kind == StreamKind::Sse && !listener->timed && !event->timed &&
			    !write(format_sse_timing_event(event->capture_ms, wall_clock_ms())))
				return false;
			listener->timed = true;
			if (kind == StreamKind::Sse
				    ? !write(event->sse)
				    : !write({reinterpret_cast<const char *>(event->mp3.data()), event->mp3.size()}))
				return false;
			events_sent_.fetch_add(1, std::memory_order_relaxed);
			send_delay_ms_.record(
				static_cast<uint64_t>(std::max<int64_t>(wall_clock_ms() - event->capture_ms, 0)));
		}
		return true;
	});
}

ServerStats StreamServer::stats() const
{
	ServerStats s;
	s.running = running_.load();
	s.started_ms = started_ms_;
	s.listeners_now = listeners_now_.load();
	s.listeners_peak = listeners_peak_.load();
	s.sse_listeners = sse_listeners_.load();
	s.mp3_listeners = mp3_listeners_.load();
	s.connections_total = connections_total_.load();
	s.rejected_full = rejected_full_.load();
	s.rejected_auth = rejected_auth_.load();
	s.listeners_left = listeners_left_.load();
	s.listeners_timed_out = listeners_timed_out_.load();
	s.bytes_sent = bytes_sent_.load();
	s.events_sent = events_sent_.load();
	s.send_delay_ms = send_delay_ms_.summary();
	return s;
}

std::string StreamServer::status_json() const
{
	const ServerStats server = stats();
	const ChannelStats channel = channel_stats_ ? channel_stats_() : ChannelStats{};
	const int64_t now = wall_clock_ms();
	nlohmann::json doc = {
		{"version", config_.version},
		{"title", config_.title},
		{"running", server.running && !channel.failed},
		{"uptime_seconds", server.running ? double(now - server.started_ms) / 1000.0 : 0.0},
		{"server_time_ms", now},
		{"sample_rate", channel.sample_rate},
		{"bitrate_kbps", channel.bitrate_kbps},
		{"channels", 2},
		{"listeners",
		 {{"now", server.listeners_now},
		  {"peak", server.listeners_peak},
		  {"sse", server.sse_listeners},
		  {"mp3", server.mp3_listeners},
		  {"max", config_.max_listeners},
		  {"connections_total", server.connections_total},
		  {"left", server.listeners_left}}},
		{"events",
		 {{"published", channel.events_published},
		  {"sent", server.events_sent},
		  {"last_id", hub_ ? hub_->newest_id() : 0}}},
		{"bytes_sent", server.bytes_sent},
		{"drops",
		 {{"pcm_frames", channel.frames_dropped},
		  {"encoder_bytes", channel.encoder_skipped_bytes},
		  {"listener_skips", channel.listener_skips},
		  {"listeners_timed_out", server.listeners_timed_out},
		  {"rejected_full", server.rejected_full},
		  {"rejected_auth", server.rejected_auth}}},
		{"audio",
		 {{"frames_in", channel.frames_in},
		  {"mp3_frames", channel.mp3_frames},
		  {"encode_speed", channel.encode_speed}}},
		{"timing",
		 {{"callback_ns", to_json(channel.callback_ns)},
		  {"publish_delay_ms", to_json(channel.publish_delay_ms)},
		  {"send_delay_ms", to_json(server.send_delay_ms)}}},
		{"access_key_required", !config_.access_key.empty()},
		{"error", channel.failed ? nlohmann::json(channel.error) : nlohmann::json(nullptr)},
	};
	// Replace, not throw, should a string ever hold bad UTF-8 (settings validation refuses it for the title).
	return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace sse_audio
