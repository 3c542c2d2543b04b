#include "tone_marks.hpp"

#include "tone_source.hpp"

#include <obs.h>

#include "audio/pcm_queue.hpp"
#include "base/wall_clock.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace sse_audio::host {

namespace {

// A frame breaks a recurrence when its residual (below) exceeds this share of the tone's level. The tone's own
// residual is float rounding, about 2e-7 of the level; a mark's first frame leaves about 2 sin(ω/2) of it (0.06 at
// 440 Hz) times the cosine of its phase, so only a first frame that falls within a hair of a zero of that cosine
// goes unseen, and then the next frame, 21 µs later, is taken for the onset.
constexpr double kResidualShare = 1e-4;
constexpr double kSilentLevel = 1e-4; // no sound to find a mark in

// ⌊a / b⌋ for a negative `a` too (b > 0).
int64_t floor_div(int64_t a, int64_t b)
{
	const int64_t q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

} // namespace

ToneMarkWatcher::ToneMarkWatcher(const ToneMarkConfig &config)
	: config_(config), history_(std::make_unique<float[]>(kHistoryFrames))
{
	const double omega = 2.0 * std::numbers::pi * config_.tone_hz / config_.sample_rate;
	tone_coefficient_ = 2.0 * std::cos(omega);
	mark_coefficient_ = 2.0 * std::cos(2.0 * omega);
	// Half a period of the mark (a quarter of the tone's), so that the span holds a peak of the wave and silence
	// cannot pass for tone or mark; at least half a millisecond.
	const auto half_period = static_cast<int64_t>(std::ceil(config_.sample_rate / (4.0 * config_.tone_hz)));
	confirm_frames_ = std::clamp<int64_t>(half_period + 2, config_.sample_rate / 2000, 2048);
	mark_frames_ = int64_t{kToneMarkMs} * config_.sample_rate / 1000;
	// The plugin's own conversion (sse_output.cpp), so that libobs hands both callbacks the same samples: with
	// OBS's usual stereo float planar mix that means no resampler at all, and no time stamp offset.
	struct audio_convert_info conversion = {};
	conversion.samples_per_sec = config_.sample_rate;
	conversion.format = AUDIO_FORMAT_FLOAT_PLANAR;
	conversion.speakers = SPEAKERS_STEREO;
	obs_add_raw_audio_callback(config_.mixer, &conversion, &ToneMarkWatcher::receive, this);
}

ToneMarkWatcher::~ToneMarkWatcher()
{
	// libobs holds its input lock while calling back, so once this returns no call is in progress.
	obs_remove_raw_audio_callback(config_.mixer, &ToneMarkWatcher::receive, this);
}

void ToneMarkWatcher::receive(void *param, size_t, struct audio_data *data)
{
	// The capture time first of all. The plugin stamps each block with its clock at the moment its callback got
	// the block (AudioChannel::push: config_.clock_ms(), the same wall_clock_ms). libobs 29 calls the callbacks of
	// a mix one after another for the same block, the latest connected first, so the plugin (connected when the
	// output starts, after this watcher) reads the clock a few microseconds before this does. The milliseconds
	// therefore agree, except when a millisecond ends within those microseconds (well under 1 % of blocks): then
	// this says 1 ms more than the plugin.
	const int64_t wall_ms = wall_clock_ms();
	static_cast<ToneMarkWatcher *>(param)->on_block(reinterpret_cast<const float *>(data->data[0]), data->frames,
							data->timestamp, wall_ms);
}

// Where a mark is, the samples say, not the time stamps. The tone obeys x[n] = 2 cos(ω) x[n-1] - x[n-2] exactly up
// to the first frame of a mark, and the mark obeys the same with 2ω from its third frame on; so the first frame
// that breaks the tone's recurrence, after tone and before mark, is the mark's first sample as the plugin received
// it, to the frame. The tone's time stamps would say the same only while libobs keeps the source where its time
// stamps put it: when a chunk of the source comes too late for a block, libobs mixes the block without it and from
// then on plays the source a block later (obs-audio.c, discard_audio), which the listener hears as well. So the
// time stamps only serve to report that shift (figures().max_shift) and to number the marks.
void ToneMarkWatcher::on_block(const float *samples, uint32_t frames, uint64_t timestamp, int64_t wall_ms)
{
	const uint64_t first = next_frame_;
	double peak = 0;
	for (uint32_t i = 0; i < frames; i++) {
		history_[(first + i) % kHistoryFrames] = samples[i];
		peak = std::max(peak, static_cast<double>(std::abs(samples[i])));
	}
	blocks_[block_count_ % kBlocks] = {first, frames, wall_ms, timestamp};
	block_peaks_[block_count_ % 2] = peak;
	block_count_++;
	next_frame_ += frames;

	const double level = std::max(block_peaks_[0], block_peaks_[1]);
	if (level < kSilentLevel)
		return;
	const double limit = level * kResidualShare;
	const auto end = static_cast<int64_t>(next_frame_);
	// Each frame needs confirm_frames_ of history before it and as many frames after it.
	scan_from_ = std::max(scan_from_, end - static_cast<int64_t>(kHistoryFrames) + confirm_frames_ + 2);
	scan_from_ = std::max<int64_t>(scan_from_, confirm_frames_ + 2);
	for (; scan_from_ + confirm_frames_ < end; scan_from_++) {
		if (std::abs(tone_residual(scan_from_)) > limit && is_onset(scan_from_, limit, level)) {
			found_mark(static_cast<uint64_t>(scan_from_));
			// Well inside the mark: its frames all break the tone's recurrence.
			scan_from_ += mark_frames_ / 2;
		}
	}
}

double ToneMarkWatcher::sample(int64_t frame) const
{
	return static_cast<double>(history_[static_cast<uint64_t>(frame) % kHistoryFrames]);
}

double ToneMarkWatcher::tone_residual(int64_t frame) const
{
	return sample(frame) - tone_coefficient_ * sample(frame - 1) + sample(frame - 2);
}

double ToneMarkWatcher::mark_residual(int64_t frame) const
{
	return sample(frame) - mark_coefficient_ * sample(frame - 1) + sample(frame - 2);
}

// `frame` breaks the tone's recurrence: it is a mark's onset when tone, not silence, comes before it and the mark,
// not silence, after it. That rejects frames inside a mark, the edges of a gap in the audio, and the tone's return.
bool ToneMarkWatcher::is_onset(int64_t frame, double limit, double level) const
{
	double before = 0;
	for (int64_t n = frame - confirm_frames_; n < frame; n++) {
		if (std::abs(tone_residual(n)) > limit)
			return false;
		before = std::max(before, std::abs(sample(n)));
	}
	double after = 0;
	for (int64_t n = frame + 2; n <= frame + confirm_frames_; n++) {
		if (std::abs(mark_residual(n)) > limit)
			return false;
		after = std::max(after, std::abs(sample(n)));
	}
	return before > level / 2 && after > level / 2;
}

const ToneMarkWatcher::Block *ToneMarkWatcher::block_of(uint64_t frame) const
{
	for (const Block &block : blocks_) {
		if (block.frames > 0 && frame >= block.first && frame < block.first + block.frames)
			return &block;
	}
	return nullptr;
}

void ToneMarkWatcher::found_mark(uint64_t onset)
{
	const Block *block = block_of(onset);
	if (!block)
		return; // not reached: the onset lies in the last blocks, which are kept
	// As AudioChannel::capture_ms_of: the block's time plus the frame's offset, whole ms rounded down. The plugin's
	// queue splits a callback into blocks of PcmBlock::kMaxFrames, each stamped with the callback's time (OBS hands
	// over 1024 frames: one block).
	const uint64_t offset = (onset - block->first) % PcmBlock::kMaxFrames;
	publish(block->wall_ms + static_cast<int64_t>(offset * 1000 / config_.sample_rate));
	found_.fetch_add(1, std::memory_order_relaxed);

	// Which mark this is, by its time stamp (the nearest one due), and how far libobs moved it from there.
	const auto rate = static_cast<int64_t>(config_.sample_rate);
	const uint64_t at_ns = block->timestamp + (onset - block->first) * 1'000'000'000ULL / config_.sample_rate;
	const uint64_t every_ns = uint64_t{config_.every_ms} * 1'000'000;
	if (at_ns <= config_.tone_start_ns)
		return;
	const uint64_t mark = (at_ns - config_.tone_start_ns + every_ns / 2) / every_ns;
	const uint64_t due = tone_frame_ns(config_.tone_start_ns,
					   tone_mark_frame(mark, config_.every_ms, config_.sample_rate),
					   config_.sample_rate);
	const int64_t placed = static_cast<int64_t>(block->first) +
			       floor_div(static_cast<int64_t>(due - block->timestamp) * rate, 1'000'000'000);
	const auto shift = static_cast<uint64_t>(std::abs(static_cast<int64_t>(onset) - placed));
	if (shift > max_shift_.load(std::memory_order_relaxed))
		max_shift_.store(shift, std::memory_order_relaxed);
	if (last_mark_ > 0 && mark > last_mark_ + 1)
		skipped_.fetch_add(mark - last_mark_ - 1, std::memory_order_relaxed);
	last_mark_ = mark;
}

void ToneMarkWatcher::publish(int64_t capture_ms)
{
	const uint64_t write = write_index_.load(std::memory_order_relaxed);
	if (write - read_index_.load(std::memory_order_acquire) >= kRing) {
		lost_.fetch_add(1, std::memory_order_relaxed);
		return;
	}
	ring_[write % kRing] = capture_ms;
	write_index_.store(write + 1, std::memory_order_release);
}

void ToneMarkWatcher::take(std::vector<int64_t> &capture_ms)
{
	uint64_t read = read_index_.load(std::memory_order_relaxed);
	const uint64_t write = write_index_.load(std::memory_order_acquire);
	for (; read < write; read++)
		capture_ms.push_back(ring_[read % kRing]);
	read_index_.store(read, std::memory_order_release);
}

ToneMarkWatcher::Figures ToneMarkWatcher::figures() const
{
	Figures f;
	f.found = found_.load(std::memory_order_relaxed);
	f.skipped = skipped_.load(std::memory_order_relaxed);
	f.lost = lost_.load(std::memory_order_relaxed);
	f.max_shift = max_shift_.load(std::memory_order_relaxed);
	return f;
}

} // namespace sse_audio::host
