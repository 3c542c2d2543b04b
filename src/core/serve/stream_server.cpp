#include "serve/stream_server.hpp"

#include "serve/listener_admission.hpp"
#include "serve/player_status.hpp"
#include "net/request_gate.hpp"
#include "net/request_head.hpp"
#include "audio/sse_format.hpp"
#include "net/takeover_server.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <utility>

#ifndef _WIN32
#include <sys/socket.h>
#endif

namespace sse_audio {

namespace {

// Request bodies: nothing here takes one, so anything more than a little is refused with 413.
constexpr size_t kMaxPayloadBytes = 4096;

using HeaderFields = std::vector<std::pair<std::string, std::string>>;

// The embeddable player's entry (docs/embedding.md): the one web file every origin may load.
constexpr const char *kEmbedEntry = "/embed.js";

// A refusal that passes: the client may try again after kRetryAfterSeconds (the player does so by itself).
void refuse_for_now(httplib::Response &res, int status, const char *text)
{
	res.status = status;
	res.set_header("Retry-After", std::to_string(kRetryAfterSeconds));
	res.set_content(text, "text/plain");
}

// Cross-origin reading (CORS) as the origin policy allows it for this request; nothing for a same-origin one.
void add_allow_origin(HeaderFields &fields, const std::string &allow_origin)
{
	if (allow_origin.empty())
		return;
	fields.emplace_back("Access-Control-Allow-Origin", allow_origin);
	if (allow_origin != "*")
		fields.emplace_back("Vary", "Origin");
}

void set_allow_origin(httplib::Response &res, const std::string &allow_origin)
{
	HeaderFields fields;
	add_allow_origin(fields, allow_origin);
	for (const auto &[name, value] : fields)
		res.set_header(name, value);
}

// The header fields of a stream response, in one list for both ways one is written: by httplib (a HEAD request)
// and as raw bytes by the fan-out (stream_response_head).
HeaderFields stream_header_fields(ListenerKind kind, const std::string &allow_origin)
{
	HeaderFields fields = {
		{"Content-Type", kind == ListenerKind::Sse ? "text/event-stream; charset=utf-8" : "audio/mpeg"},
		{"Cache-Control", "no-cache, no-store"},
		// Tell nginx and similar proxies not to buffer: a buffered event stream is a delayed one.
		{"X-Accel-Buffering", "no"},
		{"X-Content-Type-Options", "nosniff"},
	};
	add_allow_origin(fields, allow_origin);
	return fields;
}

void set_stream_headers(httplib::Response &res, ListenerKind kind, const std::string &allow_origin)
{
	for (const auto &[name, value] : stream_header_fields(kind, allow_origin))
		res.set_header(name, value);
}

// The head of a stream response, written by the fan-out. The body runs until the connection closes (no chunked
// framing): every HTTP/1.x client, EventSource and radio players read such a body, and it costs nothing per event.
std::string stream_response_head(ListenerKind kind, const std::string &allow_origin)
{
	std::string head = "HTTP/1.1 200 OK\r\n";
	for (const auto &[name, value] : stream_header_fields(kind, allow_origin))
		head.append(name).append(": ").append(value).append("\r\n");
	head += "Connection: close\r\n\r\n";
	return head;
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

Result<std::unique_ptr<StreamServer>> StreamServer::start(const ServerConfig &config, std::shared_ptr<StreamHub> hub,
							  ChannelStatsSource channel_stats,
							  RelayStatsSource relay_stats)
{
	return start(config,
		     {{kSingleChannelId, "", std::move(hub), std::move(channel_stats), std::move(relay_stats)}});
}

Result<std::unique_ptr<StreamServer>> StreamServer::start(const ServerConfig &config,
							  std::vector<ServedChannel> channels)
{
	if (channels.empty())
		return Error{"The server has no channel to serve"};
	auto assets = WebAssets::load(config.web_root);
	if (!assets)
		return assets.failure();
	std::unique_ptr<StreamServer> server(new StreamServer(config, std::move(channels), std::move(*assets)));
	// Every listener holds a descriptor; the soft limit is often 1024.
	net::raise_descriptor_limit();

	// Before the port is bound: a stream request may be answered as soon as it is.
	FanoutConfig fanout;
	fanout.heartbeat = config.heartbeat;
	fanout.timeout = std::chrono::seconds(config.timeout_seconds);
	for (Channel &channel : server->channels_)
		channel.fanout = ListenerFanout::start(channel.served.hub, fanout);
	server->admission_ =
		std::make_unique<ListenerAdmission>(config.max_listeners, config.max_listeners_per_address);
	server->started_ms_ = wall_clock_ms();

	TakeoverServerLimits limits;
	limits.connection.write_timeout_ms = config.timeout_seconds * 1000;
	limits.gate.max_connections = static_cast<size_t>(config.max_listeners) * 2 + 256;
	auto http = TakeoverServer::start(limits, config.bind_address, config.port,
					  [raw = server.get()](TakeoverServer &started) { raw->configure(started); });
	if (!http)
		return http.failure(); // the server's destructor stops the fan-out
	server->http_ = std::move(*http);
	server->running_ = true;
	return server;
}

StreamServer::StreamServer(const ServerConfig &config, std::vector<ServedChannel> channels, WebAssets assets)
	: config_(config),
	  assets_(std::move(assets)),
	  own_names_(config_.origins.allows_any() ? std::vector<std::string>{} : own_host_names())
{
	for (auto &served : channels)
		channels_.push_back({std::move(served), nullptr});
}

StreamServer::~StreamServer()
{
	stop();
}

void StreamServer::stop()
{
	// The parts stay until the destructor, so that stats() and status_json() can be called at any time.
	running_ = false;
	// New requests first, so that no listener is handed to the fan-out after it stopped; then the listeners.
	if (http_)
		http_->stop();
	for (Channel &channel : channels_)
		if (channel.fanout)
			channel.fanout->stop();
}

void StreamServer::configure(TakeoverServer &http)
{
	requests_ = &http;
	httplib::Server &server = http.server();
	server.set_payload_max_length(kMaxPayloadBytes);
	server.set_tcp_nodelay(true);
#ifdef _WIN32
	// cpp-httplib's accept loop on Windows wakes every 10 ms to look for a stop (POSIX blocks in accept()); a
	// closed listening socket ends its wait anyway, so 100 ms only bounds the case where it would not.
	server.set_idle_interval(0, 100000);
#endif
	// cpp-httplib's default sets SO_REUSEPORT, which would let a second server share our port silently.
	// SO_REUSEADDR alone still allows a quick restart while old connections sit in TIME_WAIT.
	server.set_socket_options([](socket_t sock) {
		int yes = 1;
#ifdef _WIN32
		setsockopt(sock, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char *>(&yes), sizeof(yes));
#else
		setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
#endif
	});
	install_routes(server);
}

void StreamServer::install_routes(httplib::Server &server)
{
	// Before any route: a Host this server does not serve is a page on another name that points its name here
	// (DNS rebinding), to which the browser would then grant the server's own origin.
	server.set_pre_routing_handler([this](const httplib::Request &req, httplib::Response &res) {
		if (config_.origins.serves_host(req.get_header_value("Host"), own_names_))
			return httplib::Server::HandlerResponse::Unhandled;
		rejected_host_.fetch_add(1);
		res.status = 421;
		res.set_content("421 Misdirected Request: this server does not answer to that name; add its origin to "
				"the allowed origins\n",
				"text/plain");
		return httplib::Server::HandlerResponse::Handled;
	});
	server.Get("/stream", [this](const httplib::Request &req, httplib::Response &res) {
		handle_stream(req, res, ListenerKind::Sse);
	});
	server.Get("/stream.mp3", [this](const httplib::Request &req, httplib::Response &res) {
		handle_stream(req, res, ListenerKind::Mp3);
	});
	// The documents: behind the key, where the streams are, and never cached (they change every moment).
	using Document = std::string (StreamServer::*)() const;
	const std::pair<const char *, Document> documents[] = {{"/status.json", &StreamServer::status_json},
							       {"/channels.json", &StreamServer::channels_json}};
	for (const auto &route : documents) {
		server.Get(route.first,
			   [this, document = route.second](const httplib::Request &req, httplib::Response &res) {
				   if (!admit_key(req, res))
					   return;
				   res.set_header("Cache-Control", "no-cache");
				   set_allow_origin(res, allow_origin(req));
				   res.set_content((this->*document)(), "application/json");
			   });
	}
	server.Get("/[^/]*", [this](const httplib::Request &req, httplib::Response &res) {
		const WebAsset *asset = assets_.find(req.path);
		if (!asset) {
			res.status = 404;
			return;
		}
		res.set_header("Cache-Control", "no-cache");
		res.set_header("X-Content-Type-Options", "nosniff");
		// A page of another origin that embeds the player loads its modules (and the worklet) with CORS. The
		// entry, embed.js, holds no engine and goes to any page, so that on a page the streamer has not allowed it
		// still runs and says why nothing plays; the other files go to the allowed origins only, like the stream.
		if (req.path == kEmbedEntry) {
			set_allow_origin(res, "*");
		} else {
			const std::string allowed = allow_origin(req);
			set_allow_origin(res, allowed); // with Vary: Origin when it names one
			if (allowed.empty())
				res.set_header("Vary", "Origin");
		}
		res.set_content(asset->body, asset->content_type);
	});
	server.set_error_handler([](const httplib::Request &, httplib::Response &res) {
		if (res.body.empty())
			res.set_content(std::to_string(res.status) + " " + http_status_text(res.status) + "\n",
					"text/plain");
	});
}

std::string StreamServer::allow_origin(const httplib::Request &req) const
{
	return config_.origins.allow_origin_header(req.get_header_value("Origin"));
}

bool StreamServer::admit_key(const httplib::Request &req, httplib::Response &res)
{
	if (authorized(req))
		return true;
	// No detail: which part was wrong is nobody's business.
	rejected_auth_.fetch_add(1);
	res.status = 401;
	res.set_content("Unauthorized\n", "text/plain");
	return false;
}

bool StreamServer::authorized(const httplib::Request &req) const
{
	if (config_.access_key.empty())
		return true;
	if (req.has_param("key") && keys_equal(config_.access_key, req.get_param_value("key")))
		return true;
	const std::string auth = req.get_header_value("Authorization");
	const auto token = bearer_token(auth);
	return token && keys_equal(config_.access_key, std::string(*token));
}

const StreamServer::Channel *StreamServer::requested_channel(const httplib::Request &req) const
{
	if (!req.has_param("channel"))
		return &channels_.front();
	const std::string id = req.get_param_value("channel");
	for (const Channel &channel : channels_)
		if (channel.served.id == id)
			return &channel;
	return nullptr;
}

void StreamServer::handle_stream(const httplib::Request &req, httplib::Response &res, ListenerKind kind)
{
	if (!admit_key(req, res))
		return;
	const Channel *channel = requested_channel(req);
	if (!channel) {
		// Before any header of the stream: a player that names a channel gone since gets a plain answer.
		res.status = 404;
		res.set_content("No such channel\n", "text/plain");
		return;
	}
	const std::string allowed_origin = allow_origin(req);
	set_stream_headers(res, kind, allowed_origin);
	if (req.method == "HEAD")
		return; // the head of a stream, without taking a listener's place
	switch (admission_->admit(req.remote_addr)) {
	case Admission::Admitted:
		break;
	case Admission::Full:
		rejected_full_.fetch_add(1);
		refuse_for_now(res, 503, "The stream is full; try again shortly\n");
		return;
	case Admission::TooManyFromAddress:
		rejected_per_address_.fetch_add(1);
		refuse_for_now(res, 429, "Too many streams from this address\n");
		return;
	}

	std::optional<uint64_t> last_id;
	if (kind == ListenerKind::Sse) {
		// EventSource sends the header on reconnects; the query form serves clients that cannot set headers.
		const std::string header = req.get_header_value("Last-Event-ID");
		last_id = parse_last_event_id(header.empty() ? req.get_param_value("lastEventId") : header);
	}
	NewListener listener;
	listener.kind = kind;
	listener.next_id = channel->served.hub->start(last_id).next_id;
	listener.preamble = stream_response_head(kind, allowed_origin);
	if (kind == ListenerKind::Sse)
		listener.preamble += format_sse_retry(config_.retry_ms) + format_sse_comment("obs-sse-audio");
	listener.on_end = [admission = admission_.get(), address = req.remote_addr] {
		admission->release(address);
	};
	connections_total_.fetch_add(1);

	auto shared = std::make_shared<NewListener>(std::move(listener));
	const bool taken = TakeoverServer::take_over([fanout = channel->fanout.get(), shared](socket_t sock) {
		shared->sock = sock;
		fanout->add(std::move(*shared));
	});
	if (!taken) {
		admission_->release(req.remote_addr);
		res.status = 500;
	}
}

namespace {

// Adds a fan-out's figures to `s`.
void add_fanout(ServerStats &s, const ListenerFanout &fanout)
{
	const FanoutStats f = fanout.stats();
	s.sse_listeners += f.sse_now;
	s.mp3_listeners += f.mp3_now;
	s.listeners_now += f.sse_now + f.mp3_now;
	s.listeners_left += f.left;
	s.listeners_timed_out += f.timed_out;
	s.bytes_sent += f.bytes_sent;
	s.events_sent += f.events_sent;
	s.fanout_writes += f.writes;
	s.fanout_writes_per_second += f.writes_per_second;
}

// Several summaries as one: the counts added, each percentile the worst (what a streamer must see).
void add_worst(LatencySummary &into, const LatencySummary &d, bool first)
{
	if (first) {
		into = d;
		return;
	}
	into.count += d.count;
	into.p50 = std::max(into.p50, d.p50);
	into.p99 = std::max(into.p99, d.p99);
	into.max = std::max(into.max, d.max);
}

nlohmann::json fanout_json(const ServerStats &s)
{
	return {{"writes", s.fanout_writes},
		{"writes_per_second", std::round(s.fanout_writes_per_second * 10.0) / 10.0},
		{"wake_to_done_us", to_json(s.fanout_wake_us)}};
}

} // namespace

ServerStats StreamServer::stats() const
{
	ServerStats s;
	s.running = running_.load();
	s.started_ms = started_ms_;
	s.connections_total = connections_total_.load();
	s.rejected_full = rejected_full_.load();
	s.rejected_per_address = rejected_per_address_.load();
	s.rejected_auth = rejected_auth_.load();
	s.rejected_host = rejected_host_.load();
	if (admission_)
		s.listeners_peak = admission_->peak();
	if (requests_) {
		s.refused_requests = requests_->refused();
		s.evicted_connections = requests_->evicted();
	}
	// One channel's summary as it is; several: the worst of each figure, which is what a streamer must see.
	bool first = true;
	for (const Channel &channel : channels_) {
		if (!channel.fanout)
			continue;
		add_fanout(s, *channel.fanout);
		add_worst(s.send_delay_ms, channel.fanout->send_delay_ms(), first);
		add_worst(s.fanout_wake_us, channel.fanout->wake_to_done_us(), first);
		first = false;
	}
	return s;
}

ServerStats StreamServer::channel_stats(size_t index) const
{
	ServerStats s;
	s.running = running_.load();
	s.started_ms = started_ms_;
	if (index < channels_.size() && channels_[index].fanout) {
		add_fanout(s, *channels_[index].fanout);
		s.send_delay_ms = channels_[index].fanout->send_delay_ms();
		s.fanout_wake_us = channels_[index].fanout->wake_to_done_us();
	}
	return s;
}

std::string StreamServer::channels_json() const
{
	std::vector<ChannelListEntry> list;
	for (size_t i = 0; i < channels_.size(); i++)
		list.push_back({channels_[i].served.id, channels_[i].served.name, channel_stats(i).listeners_now});
	return channel_list_document(list);
}

std::string StreamServer::status_json() const
{
	const ServerStats server = stats();
	std::vector<ChannelStats> figures;
	for (const Channel &channel : channels_)
		figures.push_back(channel.served.stats ? channel.served.stats() : ChannelStats{});
	// The document's top level describes the first channel, as before channels existed; the drops count every
	// channel's, so that none is lost from sight.
	const ChannelStats &first = figures.front();
	uint64_t pcm_dropped = 0;
	uint64_t encoder_bytes = 0;
	uint64_t listener_skips = 0;
	for (const ChannelStats &f : figures) {
		pcm_dropped += f.frames_dropped;
		encoder_bytes += f.encoder_skipped_bytes;
		listener_skips += f.listener_skips;
	}
	const int64_t now = wall_clock_ms();
	nlohmann::json doc = player_status_json({config_.version, config_.title, server.running && !first.failed, now,
						 first.sample_rate, first.bitrate_kbps, server.listeners_now});
	doc["uptime_seconds"] = server.running ? double(now - server.started_ms) / 1000.0 : 0.0;
	doc["listeners"].update(nlohmann::json{{"peak", server.listeners_peak},
					       {"sse", server.sse_listeners},
					       {"mp3", server.mp3_listeners},
					       {"max", config_.max_listeners},
					       {"max_per_address", config_.max_listeners_per_address},
					       {"connections_total", server.connections_total},
					       {"left", server.listeners_left}});
	const auto &first_hub = channels_.front().served.hub;
	doc.update(nlohmann::json{
		{"events",
		 {{"published", first.events_published},
		  {"sent", server.events_sent},
		  {"last_id", first_hub ? first_hub->newest_id() : 0}}},
		{"bytes_sent", server.bytes_sent},
		{"fanout", fanout_json(server)},
		{"drops",
		 {{"pcm_frames", pcm_dropped},
		  {"encoder_bytes", encoder_bytes},
		  {"listener_skips", listener_skips},
		  {"listeners_timed_out", server.listeners_timed_out},
		  {"rejected_full", server.rejected_full},
		  {"rejected_per_address", server.rejected_per_address},
		  {"refused_requests", server.refused_requests},
		  {"evicted_connections", server.evicted_connections},
		  {"rejected_host", server.rejected_host},
		  {"rejected_auth", server.rejected_auth}}},
		{"audio",
		 {{"frames_in", first.frames_in},
		  {"mp3_frames", first.mp3_frames},
		  {"encode_speed", first.encode_speed}}},
		{"timing",
		 {{"callback_ns", to_json(first.callback_ns)},
		  {"publish_delay_ms", to_json(first.publish_delay_ms)},
		  {"send_delay_ms", to_json(server.send_delay_ms)}}},
		{"access_key_required", !config_.access_key.empty()},
		{"error", first.failed ? nlohmann::json(first.error) : nlohmann::json(nullptr)},
	});
	if (const auto relay = channels_.front().served.relay ? channels_.front().served.relay() : std::nullopt)
		doc["relay"] = relay_status(*relay);

	nlohmann::json list = nlohmann::json::array();
	for (size_t i = 0; i < channels_.size(); i++) {
		const ChannelStats &f = figures[i];
		const ServerStats listeners = channel_stats(i);
		const auto &hub = channels_[i].served.hub;
		nlohmann::json entry = {
			{"id", channels_[i].served.id},
			{"name", channels_[i].served.name},
			{"running", server.running && !f.failed},
			{"listeners",
			 {{"now", listeners.listeners_now},
			  {"sse", listeners.sse_listeners},
			  {"mp3", listeners.mp3_listeners}}},
			{"events",
			 {{"published", f.events_published},
			  {"sent", listeners.events_sent},
			  {"last_id", hub ? hub->newest_id() : 0}}},
			{"bytes_sent", listeners.bytes_sent},
			{"fanout", fanout_json(listeners)},
			{"drops",
			 {{"pcm_frames", f.frames_dropped},
			  {"encoder_bytes", f.encoder_skipped_bytes},
			  {"listener_skips", f.listener_skips},
			  {"listeners_timed_out", listeners.listeners_timed_out}}},
			{"audio",
			 {{"frames_in", f.frames_in}, {"mp3_frames", f.mp3_frames}, {"encode_speed", f.encode_speed}}},
			{"timing",
			 {{"callback_ns", to_json(f.callback_ns)},
			  {"publish_delay_ms", to_json(f.publish_delay_ms)},
			  {"send_delay_ms", to_json(listeners.send_delay_ms)}}},
			{"error", f.failed ? nlohmann::json(f.error) : nlohmann::json(nullptr)},
		};
		if (const auto relay = channels_[i].served.relay ? channels_[i].served.relay() : std::nullopt)
			entry["relay"] = relay_status(*relay);
		list.push_back(std::move(entry));
	}
	doc["per_channel"] = std::move(list);
	return dump_document(doc);
}

} // namespace sse_audio
