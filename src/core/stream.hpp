#pragma once

#include "audio/audio_channel.hpp"
#include "relay/relay_publisher.hpp"
#include "base/result.hpp"
#include "serve/stream_server.hpp"
#include "settings/stream_settings.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sse_audio {

// What a stream needs besides the streamer's settings (already checked by validate_settings).
struct StreamConfig {
	StreamSettings settings;
	int sample_rate = 48000;     // OBS's
	std::string web_root;        // the player's files
	std::string version;         // reported in /status.json and to the relay
	std::string default_title;   // when the settings have none
	EncoderFactory make_encoder; // empty: LAME
	// A channel's encoder failed mid-stream (that channel's encoder thread; its hub is already closed, its
	// listeners end, the other channels go on). `channel`: its index in served_channels(). Must not stop the stream
	// itself.
	std::function<void(size_t channel, const Error &failure)> on_failure;
};

// One channel's figures: its encoder's, its listeners', its relay's.
struct ChannelFigures {
	ChannelSetting setting;
	ChannelStats channel;
	ServerStats listeners;           // this channel's listeners only
	std::optional<RelayStats> relay; // relay mode only
};

// The figures of a running stream.
struct StreamStats {
	ServerStats server;              // every channel's listeners
	ChannelStats channel;            // the first channel's encoder
	std::optional<RelayStats> relay; // relay mode only: the first channel's relay
	std::vector<ChannelFigures> channels;
};

// One live stream: its channels (each a queue, an encoder thread and a hub, fed from one OBS track), their relay
// publishers (relay mode) and the HTTP server that serves them all (unless the relay serves every listener), started
// in that order. A part that fails to start takes the parts started before it down again and start() returns why; a
// stream that exists is running. stop() (or the destructor) ends it the other way round: the channels first, so that
// every listener receives the end of its stream, then the server, then the relays, which send what their channels
// published last.
class Stream {
public:
	static Result<std::unique_ptr<Stream>> start(const StreamConfig &config);
	~Stream();
	Stream(const Stream &) = delete;
	Stream &operator=(const Stream &) = delete;

	// OBS's audio thread: hands the samples of OBS track `track` (0-based) to every channel fed from it
	// (wait-free) and returns.
	void push(size_t track, const float *left, const float *right, size_t frames);

	// The OBS tracks the channels are fed from, each once: where the output takes audio from.
	[[nodiscard]] std::vector<size_t> tracks() const;
	// The channels, in served_channels() order.
	[[nodiscard]] const std::vector<ChannelSetting> &channels() const { return settings_; }
	// How many channels still encode (a channel whose encoder failed does not).
	[[nodiscard]] size_t channels_running() const;

	[[nodiscard]] StreamStats stats() const;
	[[nodiscard]] bool relaying() const { return !relays_.empty(); }

	// Ends the stream (once; later calls do nothing) and returns its last figures.
	StreamStats stop();

private:
	Stream() = default;
	[[nodiscard]] StreamStats collect(const ServerStats &server, const std::vector<ServerStats> &listeners) const;

	std::vector<ChannelSetting> settings_;
	// Declared in start order, so that a stream destroyed without stop() still ends in reverse order. relays_ is
	// empty without a relay, else one per channel.
	std::vector<std::unique_ptr<AudioChannel>> channels_;
	std::vector<std::unique_ptr<RelayPublisher>> relays_;
	std::unique_ptr<StreamServer> server_; // null in relay-only mode
	std::optional<StreamStats> stopped_;   // the figures at stop(), once stopped
};

} // namespace sse_audio
