#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sse_audio {

// One published event: whole MP3 frames, encoded once and framed once, then shared by every listener.
struct HubEvent {
	uint64_t id = 0;
	int64_t capture_ms = 0;     // wall-clock time the event's first sample entered the output
	uint32_t sample_frames = 0; // PCM frames (per channel) the event holds
	std::vector<uint8_t> mp3;   // raw frames, for /stream.mp3
	std::string sse;            // the complete SSE block(s), for /stream
	bool timed = false;         // `sse` begins with an `event: timing` block describing this event
};
using HubEventPtr = std::shared_ptr<const HubEvent>;

struct HubConfig {
	size_t capacity_events = 256; // the ring: about 6 s at one 24 ms frame per event
	size_t burst_events = 21;     // what a new listener gets at once: about 0.5 s
	// The first id. Ids keep counting up from here; starting each run at the wall clock (ms) keeps ids from
	// an earlier run below every id of the current one, so a stale Last-Event-ID never resumes wrongly.
	uint64_t first_id = 1;
	// Every this many events (the first included), the event's block is preceded by an `event: timing` block
	// giving its capture time. Framed once and shared like the audio itself. 0: none.
	size_t timing_every_events = 0;
};

// Where a listener starts reading, and how.
struct HubStart {
	uint64_t next_id = 0;
	bool resumed = false; // true when Last-Event-ID was still in the ring
};

// What one wait for events brought.
struct HubRead {
	enum class Outcome { Events, Timeout, Closed };
	Outcome outcome = Outcome::Timeout;
	std::vector<HubEventPtr> events;
	bool skipped_forward = false; // the listener had fallen out of the ring and was moved to the live edge
};

// The last few seconds of events in a ring: published once by the encoder thread, read by many listeners.
// A listener keeps its own position (the next id it wants); a slow listener never slows the publisher or
// anyone else: when the ring moves past its position it is moved forward to the live edge instead.
class StreamHub {
public:
	explicit StreamHub(const HubConfig &config);

	// Encoder thread: frames the event and makes it visible to every listener.
	HubEventPtr publish(std::vector<uint8_t> mp3, int64_t capture_ms, uint32_t sample_frames);

	// Listener: where to begin. Resumes after `last_event_id` when that event is still held, otherwise starts
	// with a short burst before the live edge so playback can begin at once.
	[[nodiscard]] HubStart start(std::optional<uint64_t> last_event_id) const;

	// Listener: waits up to `timeout` for events at or after `next_id`, returns at most `max_events` of them,
	// and advances `next_id` past them. Returns at once when the hub is closed: with the events still held for
	// this listener while there are any, then Closed.
	HubRead read(uint64_t &next_id, std::chrono::milliseconds timeout, size_t max_events = 64) const;

	// Wakes every waiting listener and makes reads return Closed once they have had what was published
	// (the output is stopping).
	void close();
	[[nodiscard]] bool closed() const;

	[[nodiscard]] uint64_t newest_id() const; // 0 before the first event
	[[nodiscard]] uint64_t published() const; // events published so far
	[[nodiscard]] uint64_t skips() const;     // listeners moved to the live edge
	[[nodiscard]] const HubConfig &config() const { return config_; }

private:
	[[nodiscard]] uint64_t burst_start_locked() const;

	HubConfig config_;
	mutable std::mutex mutex_;
	mutable std::condition_variable published_cv_;
	std::deque<HubEventPtr> ring_;
	uint64_t next_id_;
	bool closed_ = false;
	mutable uint64_t skips_ = 0;
};

} // namespace sse_audio
