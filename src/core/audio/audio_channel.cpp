#include "audio/audio_channel.hpp"

#include "audio/mp3_encoder.hpp"
#include "base/thread_name.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace sse_audio {

namespace {

// MPEG-1 Layer III frame length in samples.
constexpr uint32_t kSamplesPerFrame = 1152;
// The polyphase filterbank of every MP3 decoder delays its output by this many samples (ISO 11172-3).
constexpr int64_t kDecoderDelay = 529;
// How long the encoder thread sleeps when the queue is empty. The producer never signals (a signal would be a
// system call on OBS's audio thread); 2 ms adds at most 2 ms of delay and costs ~500 wake-ups a second.
constexpr auto kIdlePoll = std::chrono::milliseconds(2);

uint64_t steady_ns()
{
	return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
					     std::chrono::steady_clock::now().time_since_epoch())
					     .count());
}

} // namespace

Result<std::unique_ptr<AudioChannel>> AudioChannel::start(const ChannelConfig &config)
{
	const EncoderFactory &make_encoder = config.make_encoder ? config.make_encoder
								 : EncoderFactory(&Mp3Encoder::create_frame_encoder);
	auto encoder = make_encoder({config.sample_rate, config.bitrate_kbps});
	if (!encoder)
		return encoder.failure();
	std::unique_ptr<AudioChannel> channel(new AudioChannel(config, std::move(*encoder)));
	channel->thread_ = std::thread([raw = channel.get()] { raw->run(); });
	return channel;
}

AudioChannel::AudioChannel(const ChannelConfig &config, std::unique_ptr<FrameEncoder> encoder)
	: config_(config), encoder_(std::move(encoder)), queue_(config.queue_blocks)
{
	config_.frames_per_event = std::max<uint32_t>(config_.frames_per_event, 1);
	const double event_seconds = double(kSamplesPerFrame * config_.frames_per_event) / config_.sample_rate;
	HubConfig hub_config;
	hub_config.capacity_events = config_.ring_events;
	hub_config.burst_events = static_cast<size_t>(std::ceil(config_.burst_seconds / event_seconds));
	hub_config.first_id = static_cast<uint64_t>(wall_clock_ms());
	// About once a second of audio, so a player can keep measuring its delay.
	hub_config.timing_every_events = static_cast<size_t>(std::ceil(1.0 / event_seconds));
	hub_ = std::make_shared<StreamHub>(hub_config);
	lame_delay_ = encoder_->encoder_delay() + kDecoderDelay;
}

AudioChannel::~AudioChannel()
{
	stop();
}

void AudioChannel::push(const float *left, const float *right, uint32_t frames) noexcept
{
	const uint64_t begin = steady_ns();
	queue_.push(left, right, frames, config_.clock_ms());
	frames_in_.fetch_add(frames, std::memory_order_relaxed);
	callback_ns_.record(steady_ns() - begin);
}

void AudioChannel::stop()
{
	if (stopped_)
		return;
	stopped_ = true;
	stop_requested_.store(true, std::memory_order_release);
	if (thread_.joinable())
		thread_.join();
	hub_->close();
}

void AudioChannel::run()
{
	set_current_thread_name("sse-encoder");
	while (!stop_requested_.load(std::memory_order_acquire)) {
		if (!encode_queued())
			return;
		if (!queue_.front())
			std::this_thread::sleep_for(kIdlePoll);
	}
	// Stopping: encode what is left, then push LAME's look-ahead out so the last samples are heard.
	if (!encode_queued())
		return;
	encoded_.clear();
	const Status flushed = encoder_->flush(encoded_);
	if (!flushed) {
		fail(flushed.failure());
		return;
	}
	splitter_.append(encoded_);
	publish_ready_frames();
	if (pending_frames_ > 0)
		publish_event();
}

bool AudioChannel::encode_queued()
{
	while (const PcmBlock *block = queue_.front()) {
		marks_.push_back({frames_encoded_in_, block->frames, block->capture_ms});
		encoded_.clear();
		const uint64_t begin = steady_ns();
		const Status encoded =
			encoder_->encode(block->left.data(), block->right.data(), block->frames, encoded_);
		const uint64_t spent = steady_ns() - begin;
		frames_encoded_in_ += block->frames;
		{
			std::lock_guard lock(stats_mutex_);
			encode_seconds_ += double(spent) / 1e9;
			audio_seconds_ += double(block->frames) / config_.sample_rate;
		}
		queue_.pop();
		if (!encoded) {
			fail(encoded.failure());
			return false;
		}
		splitter_.append(encoded_);
		publish_ready_frames();
	}
	return true;
}

void AudioChannel::publish_ready_frames()
{
	while (splitter_.next_frame(frame_)) {
		if (pending_frames_ == 0) {
			const int64_t first_input =
				static_cast<int64_t>(mp3_frames_out_ * kSamplesPerFrame) - lame_delay_;
			// Capture times are arrival times on the system's wall clock, which can be set back (time
			// synchronisation, a virtual machine's clock catching up): what listeners see never goes back.
			pending_capture_ms_ =
				std::max(capture_ms_of(static_cast<uint64_t>(std::max<int64_t>(first_input, 0))),
					 last_capture_ms_);
		}
		pending_event_.insert(pending_event_.end(), frame_.begin(), frame_.end());
		pending_frames_++;
		mp3_frames_out_++;
		if (pending_frames_ >= config_.frames_per_event)
			publish_event();
	}
	// Forget capture marks that no future frame can start in.
	const int64_t next_input = static_cast<int64_t>(mp3_frames_out_ * kSamplesPerFrame) - lame_delay_;
	while (marks_.size() > 1 && static_cast<int64_t>(marks_[1].first_frame) <= next_input)
		marks_.pop_front();
}

void AudioChannel::publish_event()
{
	const uint32_t frames = pending_frames_ * kSamplesPerFrame;
	hub_->publish(std::move(pending_event_), pending_capture_ms_, frames);
	last_capture_ms_ = pending_capture_ms_;
	publish_delay_ms_.record(static_cast<uint64_t>(std::max<int64_t>(config_.clock_ms() - pending_capture_ms_, 0)));
	pending_event_ = {};
	pending_frames_ = 0;
	std::lock_guard lock(stats_mutex_);
	mp3_frames_ = mp3_frames_out_;
	skipped_bytes_ = splitter_.skipped_bytes();
}

int64_t AudioChannel::capture_ms_of(uint64_t input_frame) const
{
	for (auto it = marks_.rbegin(); it != marks_.rend(); ++it) {
		if (it->first_frame <= input_frame) {
			const uint64_t offset = std::min<uint64_t>(input_frame - it->first_frame, it->frames);
			return it->capture_ms +
			       static_cast<int64_t>(offset * 1000 / static_cast<uint64_t>(config_.sample_rate));
		}
	}
	return marks_.empty() ? config_.clock_ms() : marks_.front().capture_ms;
}

void AudioChannel::fail(const Error &failure)
{
	{
		std::lock_guard lock(stats_mutex_);
		failed_ = true;
		error_ = failure.message;
	}
	hub_->close();
	if (config_.on_failure)
		config_.on_failure(failure);
}

ChannelStats AudioChannel::stats() const
{
	ChannelStats s;
	s.sample_rate = config_.sample_rate;
	s.bitrate_kbps = config_.bitrate_kbps;
	s.frames_in = frames_in_.load(std::memory_order_relaxed);
	s.frames_dropped = queue_.dropped_frames();
	s.events_published = hub_->published();
	s.listener_skips = hub_->skips();
	s.callback_ns = callback_ns_.summary();
	s.publish_delay_ms = publish_delay_ms_.summary();
	std::lock_guard lock(stats_mutex_);
	s.mp3_frames = mp3_frames_;
	s.encoder_skipped_bytes = skipped_bytes_;
	s.encode_speed = encode_seconds_ > 0 ? audio_seconds_ / encode_seconds_ : 0;
	s.failed = failed_;
	s.error = error_;
	return s;
}

} // namespace sse_audio
