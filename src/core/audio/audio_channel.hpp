#pragma once

#include "audio/frame_encoder.hpp"
#include "base/latency_histogram.hpp"
#include "audio/mpeg_frame.hpp"
#include "audio/pcm_queue.hpp"
#include "base/result.hpp"
#include "audio/stream_hub.hpp"
#include "base/wall_clock.hpp"

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace sse_audio {

struct ChannelConfig {
	int sample_rate = 48000;
	int bitrate_kbps = 128;
	uint32_t frames_per_event = 1; // MPEG frames per SSE event: one frame (24 ms at 48 kHz) keeps delay low
	size_t queue_blocks = 128;     // PCM queue: about 2.7 s of 1024-frame blocks at 48 kHz
	size_t ring_events = 256;      // hub ring: about 6 s at one frame per event
	double burst_seconds = 0.5;    // what a new listener gets at once
	EncoderFactory make_encoder;   // empty: LAME (Mp3Encoder)
	// The clock capture times are read from (ms since the Unix epoch), on OBS's audio thread: wall_clock_ms. A
	// plain function, so that reading it stays wait-free; tests give one that the system's clock might act like.
	int64_t (*clock_ms)() = &wall_clock_ms;
	// Called once, on the encoder thread, when the encoder fails mid-stream (the hub is already closed then).
	// The owner must not stop the channel from inside it: stop() joins that very thread.
	std::function<void(const Error &failure)> on_failure;
};

// Figures for /status.json and the dock. Counters run from the channel's start.
struct ChannelStats {
	int sample_rate = 0;
	int bitrate_kbps = 0;
	uint64_t frames_in = 0;      // PCM frames (per channel) OBS handed over
	uint64_t frames_dropped = 0; // PCM frames lost because the encoder fell behind (queue full)
	uint64_t mp3_frames = 0;     // MPEG frames encoded
	uint64_t events_published = 0;
	uint64_t listener_skips = 0;        // listeners moved to the live edge after falling out of the ring
	uint64_t encoder_skipped_bytes = 0; // bytes from LAME that were not part of a whole frame (expected 0)
	double encode_speed = 0;            // seconds of audio encoded per second spent in LAME
	LatencySummary callback_ns;         // time OBS's audio thread spends in push()
	LatencySummary publish_delay_ms;    // capture of an event's first sample → event published
	bool failed = false;
	std::string error;
};

// One stream: PCM queue → encoder thread (LAME) → hub. A channel is a value so that several mixer tracks can
// later be streamed at once, each its own channel.
class AudioChannel {
public:
	static Result<std::unique_ptr<AudioChannel>> start(const ChannelConfig &config);
	~AudioChannel();
	AudioChannel(const AudioChannel &) = delete;
	AudioChannel &operator=(const AudioChannel &) = delete;

	// OBS's audio thread: copies the samples into the queue and returns. Wait-free; drops are counted.
	void push(const float *left, const float *right, uint32_t frames) noexcept;

	// Stops the encoder thread after encoding what is queued and flushing LAME, then closes the hub so that
	// listeners end. The caller must have stopped calling push(). Safe to call more than once.
	void stop();

	[[nodiscard]] std::shared_ptr<StreamHub> hub() const { return hub_; }
	[[nodiscard]] ChannelStats stats() const;
	[[nodiscard]] const ChannelConfig &config() const { return config_; }

private:
	AudioChannel(const ChannelConfig &config, std::unique_ptr<FrameEncoder> encoder);

	// A run of queued PCM and when it arrived, to find the capture time of any encoded frame.
	struct CaptureMark {
		uint64_t first_frame;
		uint32_t frames;
		int64_t capture_ms;
	};

	void run();
	bool encode_queued();
	void publish_ready_frames();
	void publish_event();
	int64_t capture_ms_of(uint64_t input_frame) const;
	void fail(const Error &failure);

	ChannelConfig config_;
	std::unique_ptr<FrameEncoder> encoder_;
	std::shared_ptr<StreamHub> hub_;
	PcmQueue queue_;
	std::thread thread_;
	std::atomic<bool> stop_requested_{false};
	bool stopped_ = false;

	// Audio thread side.
	std::atomic<uint64_t> frames_in_{0};
	LatencyHistogram callback_ns_;

	// Encoder thread side.
	std::deque<CaptureMark> marks_;
	uint64_t frames_encoded_in_ = 0; // input PCM frames given to LAME
	uint64_t mp3_frames_out_ = 0;
	MpegFrameSplitter splitter_;
	std::vector<uint8_t> encoded_;
	std::vector<uint8_t> frame_;
	std::vector<uint8_t> pending_event_;
	uint32_t pending_frames_ = 0;
	int64_t pending_capture_ms_ = 0;
	int64_t last_capture_ms_ = 0; // of the last event published: capture times never go back
	int64_t lame_delay_ = 0;
	LatencyHistogram publish_delay_ms_;

	// Shared with readers of stats().
	mutable std::mutex stats_mutex_;
	uint64_t mp3_frames_ = 0;
	uint64_t skipped_bytes_ = 0;
	double audio_seconds_ = 0;
	double encode_seconds_ = 0;
	bool failed_ = false;
	std::string error_;
};

} // namespace sse_audio
