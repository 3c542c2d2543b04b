#include "audio/stream_hub.hpp"

#include "audio/sse_format.hpp"
#include "base/wall_clock.hpp"

#include <algorithm>

namespace sse_audio {

StreamHub::StreamHub(const HubConfig &config) : config_(config), next_id_(std::max<uint64_t>(config.first_id, 1))
{
	config_.capacity_events = std::max<size_t>(config_.capacity_events, 1);
	config_.burst_events = std::clamp<size_t>(config_.burst_events, 1, config_.capacity_events);
}

HubEventPtr StreamHub::publish(std::vector<uint8_t> mp3, int64_t capture_ms, uint32_t sample_frames)
{
	auto event = std::make_shared<HubEvent>();
	event->capture_ms = capture_ms;
	event->sample_frames = sample_frames;
	event->mp3 = std::move(mp3);
	uint64_t index = 0;
	{
		std::lock_guard lock(mutex_);
		event->id = next_id_;
		index = next_id_ - std::max<uint64_t>(config_.first_id, 1);
	}
	// Base64 and framing happen outside the lock: listeners only wait for the pointer swap below. Only the
	// encoder thread publishes, so the id read above is still the next one.
	event->timed = config_.timing_every_events > 0 && index % config_.timing_every_events == 0;
	event->sse = event->timed ? format_sse_timing_event(capture_ms, wall_clock_ms()) : std::string();
	event->sse += format_sse_audio_event(event->id, event->mp3);
	HubEventPtr shared = std::move(event);
	{
		std::lock_guard lock(mutex_);
		ring_.push_back(shared);
		next_id_++;
		while (ring_.size() > config_.capacity_events)
			ring_.pop_front();
	}
	published_cv_.notify_all();
	return shared;
}

uint64_t StreamHub::burst_start_locked() const
{
	if (ring_.empty())
		return next_id_;
	const uint64_t oldest = ring_.front()->id;
	const uint64_t burst = std::min<uint64_t>(config_.burst_events, ring_.size());
	return std::max(oldest, next_id_ - burst);
}

HubStart StreamHub::start(std::optional<uint64_t> last_event_id) const
{
	std::lock_guard lock(mutex_);
	if (last_event_id && !ring_.empty()) {
		const uint64_t oldest = ring_.front()->id;
		// Resume only when the event after last_event_id is still held (or is the next to come).
		if (*last_event_id + 1 >= oldest && *last_event_id < next_id_)
			return HubStart{*last_event_id + 1, true};
	}
	return HubStart{burst_start_locked(), false};
}

HubRead StreamHub::read(uint64_t &next_id, std::chrono::milliseconds timeout, size_t max_events) const
{
	HubRead result;
	std::unique_lock lock(mutex_);
	// The ring is empty only before the first publish; an id from nowhere must not read from it then.
	const auto available = [&] {
		return next_id_ > next_id && !ring_.empty();
	};
	const bool ready = published_cv_.wait_for(lock, timeout, [&] { return closed_ || available(); });
	if (!ready) {
		result.outcome = HubRead::Outcome::Timeout;
		return result;
	}
	if (!available()) {
		// Closed, and nothing left for this listener. What was published before close() is still handed out
		// first: the channel publishes LAME's flushed tail just before it closes, and a listener waiting at the
		// live edge must get those last samples rather than lose them to the race with close().
		result.outcome = HubRead::Outcome::Closed;
		return result;
	}
	const uint64_t oldest = ring_.front()->id;
	if (next_id < oldest || next_id > next_id_) {
		// Fell out of the ring (or holds an id from nowhere): rejoin just before the live edge.
		next_id = burst_start_locked();
		result.skipped_forward = true;
		skips_++;
	}
	const size_t first = static_cast<size_t>(next_id - oldest);
	const size_t count = std::min(ring_.size() - first, std::max<size_t>(max_events, 1));
	result.events.assign(ring_.begin() + static_cast<std::ptrdiff_t>(first),
			     ring_.begin() + static_cast<std::ptrdiff_t>(first + count));
	next_id += count;
	result.outcome = HubRead::Outcome::Events;
	return result;
}

void StreamHub::close()
{
	{
		std::lock_guard lock(mutex_);
		closed_ = true;
	}
	published_cv_.notify_all();
}

bool StreamHub::closed() const
{
	std::lock_guard lock(mutex_);
	return closed_;
}

uint64_t StreamHub::newest_id() const
{
	std::lock_guard lock(mutex_);
	return ring_.empty() ? 0 : ring_.back()->id;
}

uint64_t StreamHub::published() const
{
	std::lock_guard lock(mutex_);
	return next_id_ - std::max<uint64_t>(config_.first_id, 1);
}

uint64_t StreamHub::skips() const
{
	std::lock_guard lock(mutex_);
	return skips_;
}

} // namespace sse_audio
