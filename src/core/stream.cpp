#include "stream.hpp"

#include "serve/origin_policy.hpp"

#include <algorithm>
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

// `<relay_url>/<name>`, before a query (nchan's publisher location may carry one): with a channel list, each
// channel is published to `<relay_url>/<id>` and the list to `<relay_url>/channels.json` (docs/channels.md).
std::string relay_url_below(const std::string &relay_url, const std::string &name)
{
	const size_t query = relay_url.find('?');
	std::string path = relay_url.substr(0, query);
	while (!path.empty() && path.back() == '/')
		path.pop_back();
	return path + "/" + name + (query == std::string::npos ? "" : relay_url.substr(query));
}

} // namespace

Result<std::unique_ptr<Stream>> Stream::start(const StreamConfig &config)
{
	const StreamSettings &s = config.settings;
	std::unique_ptr<Stream> stream(new Stream());
	stream->settings_ = served_channels(s);

	for (size_t i = 0; i < stream->settings_.size(); i++) {
		ChannelConfig channel;
		channel.sample_rate = config.sample_rate;
		channel.bitrate_kbps = s.bitrate_kbps;
		channel.make_encoder = config.make_encoder;
		if (config.on_failure)
			channel.on_failure = [report = config.on_failure, i](const Error &failure) {
				report(i, failure);
			};
		auto started = AudioChannel::start(channel);
		if (!started)
			return started.failure(); // the stream's destructor stops the channels started before
		stream->channels_.push_back(std::move(*started));
	}
	const ServerConfig server = server_config_for(config);

	// Before the server, so that the server's status can read the relays' figures from its first request. An
	// unreachable relay is not a start failure (it is retried and shown); only a malformed URL is.
	if (!s.relay_url.empty()) {
		// Without a channel list the one channel goes to the relay URL itself, as before channels existed.
		std::shared_ptr<RelayChannelList> list;
		if (!s.channels.empty()) {
			std::vector<RelayChannelList::Channel> entries;
			for (const ChannelSetting &channel : stream->settings_)
				entries.push_back({channel.id, channel.name});
			list = std::make_shared<RelayChannelList>(std::move(entries));
		}
		for (size_t i = 0; i < stream->channels_.size(); i++) {
			RelayConfig relay;
			relay.url = list ? relay_url_below(s.relay_url, stream->settings_[i].id) : s.relay_url;
			relay.channel_list = list;
			relay.channel_index = i;
			if (list && i == 0)
				relay.channel_list_url = relay_url_below(s.relay_url, "channels.json");
			relay.key = s.relay_key;
			relay.title = server.title;
			relay.version = config.version;
			relay.sample_rate = config.sample_rate;
			relay.bitrate_kbps = s.bitrate_kbps;
			auto publisher = RelayPublisher::start(relay, stream->channels_[i]->hub());
			if (!publisher)
				return publisher.failure(); // the stream's destructor stops the channels
			stream->relays_.push_back(std::move(*publisher));
		}
	}
	if (s.serve_listeners) {
		std::vector<ServedChannel> served;
		for (size_t i = 0; i < stream->channels_.size(); i++) {
			AudioChannel *channel_part = stream->channels_[i].get();
			RelayPublisher *relay_part = stream->relays_.empty() ? nullptr : stream->relays_[i].get();
			ServedChannel channel{stream->settings_[i].id,
					      stream->settings_[i].name,
					      channel_part->hub(),
					      [channel_part] { return channel_part->stats(); },
					      {}};
			if (relay_part)
				channel.relay = [relay_part]() -> std::optional<RelayStats> {
					return relay_part->stats();
				};
			served.push_back(std::move(channel));
		}
		auto started = StreamServer::start(server, std::move(served));
		if (!started)
			return started.failure(); // the destructor stops the relays and the channels
		stream->server_ = std::move(*started);
	}
	return stream;
}

Stream::~Stream()
{
	stop();
}

void Stream::push(size_t track, const float *left, const float *right, size_t frames)
{
	for (size_t i = 0; i < channels_.size(); i++)
		if (static_cast<size_t>(settings_[i].mixer) == track)
			channels_[i]->push(left, right, static_cast<uint32_t>(frames));
}

std::vector<size_t> Stream::tracks() const
{
	std::vector<size_t> tracks;
	for (const ChannelSetting &channel : settings_) {
		const auto track = static_cast<size_t>(channel.mixer);
		if (std::find(tracks.begin(), tracks.end(), track) == tracks.end())
			tracks.push_back(track);
	}
	return tracks;
}

size_t Stream::channels_running() const
{
	size_t running = 0;
	for (const auto &channel : channels_)
		running += channel->stats().failed ? 0 : 1;
	return running;
}

StreamStats Stream::collect(const ServerStats &server, const std::vector<ServerStats> &listeners) const
{
	StreamStats s;
	s.server = server;
	for (size_t i = 0; i < channels_.size(); i++) {
		ChannelFigures f;
		f.setting = settings_[i];
		f.channel = channels_[i]->stats();
		if (i < listeners.size())
			f.listeners = listeners[i];
		if (!relays_.empty())
			f.relay = relays_[i]->stats();
		s.channels.push_back(std::move(f));
	}
	s.channel = s.channels.front().channel;
	s.relay = s.channels.front().relay;
	return s;
}

StreamStats Stream::stats() const
{
	if (stopped_)
		return *stopped_;
	std::vector<ServerStats> listeners;
	for (size_t i = 0; server_ && i < channels_.size(); i++)
		listeners.push_back(server_->channel_stats(i));
	return collect(server_ ? server_->stats() : ServerStats{}, listeners);
}

StreamStats Stream::stop()
{
	if (stopped_)
		return *stopped_;
	for (const auto &channel : channels_)
		channel->stop(); // encodes what is queued, flushes LAME, ends every listener's stream
	ServerStats server;
	std::vector<ServerStats> listeners;
	// Each listener's handler now writes the closing "stopped" event and ends its response. The server's stop
	// would cut that short, so give them a moment (bounded: a stalled listener must not hold up OBS's exit).
	if (server_) {
		for (int i = 0; i < kListenerEndPolls && server_->stats().listeners_now > 0; i++)
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		server = server_->stats();
		for (size_t i = 0; i < channels_.size(); i++)
			listeners.push_back(server_->channel_stats(i));
		// Before the relays go: /status.json reads the relays' figures while the server runs.
		server_->stop();
	}
	// Each relay sends what its channel published last and the stopped event by itself, all at once since the
	// channels closed their hubs; bounded for an unreachable relay (which is not waited for at all).
	for (const auto &relay : relays_)
		relay->stop(kRelayGrace);
	stopped_ = collect(server, listeners);
	return *stopped_;
}

} // namespace sse_audio
