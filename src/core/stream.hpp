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

namespace sse_audio {

// What a stream needs besides the streamer's settings (already checked by validate_settings).
struct StreamConfig {
	StreamSettings settings;
	int sample_rate = 48000;     // OBS's
	std::string web_root;        // the player's files
	std::string version;         // reported in /status.json and to the relay
	std::string default_title;   // when the settings have none
	EncoderFactory make_encoder; // empty: LAME
	// The encoder failed mid-stream (encoder thread; the hub is already closed). Must not stop the stream itself.
	std::function<void(const Error &failure)> on_failure;
};

// The figures of a running stream.
struct StreamStats {
	ServerStats server;
	ChannelStats channel;
	std::optional<RelayStats> relay; // relay mode only
};

// One live stream: the audio channel (queue, encoder thread, hub), the relay publisher (relay mode) and the HTTP
// server (unless the relay serves every listener), started in that order. A part that fails to start takes the
// parts started before it down again and start() returns why; a stream that exists is running. stop() (or the
// destructor) ends it the other way round: the channel first, so that every listener receives the end of its
// stream, then the server, then the relay, which sends what the channel published last.
class Stream {
public:
	static Result<std::unique_ptr<Stream>> start(StreamConfig config);
	~Stream();
	Stream(const Stream &) = delete;
	Stream &operator=(const Stream &) = delete;

	// OBS's audio thread: hands the samples to the channel (wait-free) and returns.
	void push(const float *left, const float *right, size_t frames) { channel_->push(left, right, frames); }

	[[nodiscard]] StreamStats stats() const;
	[[nodiscard]] bool relaying() const { return relay_ != nullptr; }

	// Ends the stream (once; later calls do nothing) and returns its last figures.
	StreamStats stop();

private:
	Stream() = default;

	// Declared in start order, so that a stream destroyed without stop() still ends in reverse order.
	std::unique_ptr<AudioChannel> channel_;
	std::unique_ptr<RelayPublisher> relay_;
	std::unique_ptr<StreamServer> server_; // none when the relay serves every listener
	std::optional<StreamStats> stopped_;   // the figures at stop(), once stopped
};

} // namespace sse_audio
