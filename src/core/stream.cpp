#include "stream.hpp"

#include "serve/origin_policy.hpp"

#include <chrono>
#include <thread>
#include <utility>

namespace sse_audio {

namespace {

// How long stop() lets listeners receive the end of their streams: up to 50 polls of 10 ms.
constexpr int kListenerEndPolls = 50;
// How long stop() waits for an unreachable relay.
constexpr std::chrono::milliseconds kRelayGrace{500};

ServerConfig server_config_for(const StreamConfig &config)
{
	const StreamSettings &s = config.settings;
	ServerConfig server;
	server.bind_address = s.bind_address;
	server.port = s.port;
	server.timeout_seconds = s.timeout_seconds;
	server.max_listeners = s.max_listeners;
	server.max_listeners_per_address = s.max_listeners_per_address;
	server.access_key = s.access_key;
	// Checked with the rest of the settings (validate_settings), so the parse succeeds.
	if (auto origins = OriginPolicy::parse(s.allowed_origins))
		server.origins = std::move(*origins);
	server.web_root = config.web_root;
	server.version = config.version;
	server.title = s.title.empty() ? config.default_title : s.title;
	return server;
}

} // namespace

Result<std::unique_ptr<Stream>> Stream::start(StreamConfig config)
{
	const StreamSettings &s = config.settings;
	std::unique_ptr<Stream> stream(new Stream());

	ChannelConfig channel;
	channel.sample_rate = config.sample_rate;
	channel.bitrate_kbps = s.bitrate_kbps;
	channel.make_encoder = std::move(config.make_encoder);
	channel.on_failure = std::move(config.on_failure);
	auto started = AudioChannel::start(channel);
	if (!started)
		return started.failure();
	stream->channel_ = std::move(*started);
	const ServerConfig server = server_config_for(config);

	// Before the server, so that the server's status can read the relay's figures from its first request. An
	// unreachable relay is not a start failure (it is retried and shown); only a malformed URL is.
	if (!s.relay_url.empty()) {
		RelayConfig relay;
		relay.url = s.relay_url;
		relay.key = s.relay_key;
		relay.title = server.title;
		relay.version = config.version;
		relay.sample_rate = config.sample_rate;
		relay.bitrate_kbps = s.bitrate_kbps;
		auto publisher = RelayPublisher::start(relay, stream->channel_->hub());
		if (!publisher)
			return publisher.failure(); // the stream's destructor stops the channel
		stream->relay_ = std::move(*publisher);
	}
	if (s.serve_listeners) {
		AudioChannel *channel_part = stream->channel_.get();
		RelayPublisher *relay_part = stream->relay_.get();
		auto served = StreamServer::start(
			server, channel_part->hub(), [channel_part] { return channel_part->stats(); },
			[relay_part]() -> std::optional<RelayStats> {
				if (!relay_part)
					return std::nullopt;
				return relay_part->stats();
			});
		if (!served)
			return served.failure(); // the destructor stops the relay and the channel
		stream->server_ = std::move(*served);
	}
	return stream;
}

Stream::~Stream()
{
	stop();
}

StreamStats Stream::stats() const
{
	if (stopped_)
		return *stopped_;
	return StreamStats{server_ ? server_->stats() : ServerStats{}, channel_->stats(),
			   relay_ ? std::optional<RelayStats>(relay_->stats()) : std::nullopt};
}

StreamStats Stream::stop()
{
	if (stopped_)
		return *stopped_;
	StreamStats last;
	if (channel_)
		channel_->stop(); // encodes what is queued, flushes LAME, ends every listener's stream
	// Each listener's handler now writes the closing "stopped" event and ends its response. The server's stop
	// would cut that short, so give them a moment (bounded: a stalled listener must not hold up OBS's exit).
	if (server_) {
		for (int i = 0; i < kListenerEndPolls && server_->stats().listeners_now > 0; i++)
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		last.server = server_->stats();
		// Before the relay goes: /status.json reads the relay's figures while the server runs.
		server_->stop();
	}
	if (relay_) {
		// The relay sends what the channel published last and the stopped event by itself; bounded for an
		// unreachable relay.
		relay_->stop(kRelayGrace);
		last.relay = relay_->stats();
	}
	if (channel_)
		last.channel = channel_->stats();
	stopped_ = last;
	return last;
}

} // namespace sse_audio
