#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

struct audio_data;

namespace sse_audio::host {

// Which marks to look for: those of the tone source (tone_source.hpp) whose sample clock began at `tone_start_ns`.
struct ToneMarkConfig {
	uint64_t tone_start_ns = 0; // os_gettime_ns() of the tone's frame 0
	uint32_t sample_rate = 48000;
	uint32_t every_ms = 0;
	double tone_hz = 440.0;
	size_t mixer = 0; // the mix the plugin streams (0-based)
};

// Finds each mark of the tone in OBS's mix as the plugin receives it, and tells when its first sample entered the
// plugin's output, on the plugin's own reference: the capture time the plugin gives that sample, which its timing
// events carry (ms since the epoch). Hooks the same mix through obs_add_raw_audio_callback, with the plugin's
// conversion, so it sees the very samples of the very block the plugin sees, in the same iteration of OBS's audio
// thread. The callback is wait-free: found marks go through a fixed single-producer/single-consumer ring to the
// thread that calls take().
class ToneMarkWatcher {
public:
	// Connects to the mix. The tone source must outlive the watcher; libobs must be running.
	explicit ToneMarkWatcher(const ToneMarkConfig &config);
	// Disconnects; once it returns, OBS's audio thread no longer calls into the watcher.
	~ToneMarkWatcher();
	ToneMarkWatcher(const ToneMarkWatcher &) = delete;
	ToneMarkWatcher &operator=(const ToneMarkWatcher &) = delete;

	// One consumer thread: appends the capture times (ms since the epoch) of the marks found since the last call.
	void take(std::vector<int64_t> &capture_ms);

	struct Figures {
		uint64_t found = 0;
		uint64_t skipped = 0; // marks between two found ones that were not found (audio lost on the way)
		uint64_t lost = 0;    // found while the ring was full (take() not called for a long time)
		// The largest distance (frames) between where a mark was and where its time stamp would put it: libobs
		// plays a source a block later for good when a chunk of it comes too late for the mix.
		uint64_t max_shift = 0;
	};
	[[nodiscard]] Figures figures() const;

private:
	struct Block {
		uint64_t first = 0; // the block's first frame, counted from the watcher's first block
		uint32_t frames = 0;
		int64_t wall_ms = 0;
		uint64_t timestamp = 0; // the block's os_gettime_ns() time stamp from libobs
	};

	static void receive(void *param, size_t mix_idx, struct audio_data *data);
	void on_block(const float *samples, uint32_t frames, uint64_t timestamp, int64_t wall_ms);
	[[nodiscard]] double sample(int64_t frame) const;
	[[nodiscard]] double tone_residual(int64_t frame) const;
	[[nodiscard]] double mark_residual(int64_t frame) const;
	[[nodiscard]] bool is_onset(int64_t frame, double limit, double level) const;
	[[nodiscard]] const Block *block_of(uint64_t frame) const;
	void found_mark(uint64_t onset);
	void publish(int64_t capture_ms);

	static constexpr size_t kHistoryFrames = 8192; // more than two blocks of 1024 and two confirmation spans
	static constexpr size_t kBlocks = 4;
	static constexpr size_t kRing = 64;

	ToneMarkConfig config_;
	double tone_coefficient_ = 0; // 2 cos(ω) of the tone
	double mark_coefficient_ = 0; // 2 cos(2ω) of the mark
	int64_t confirm_frames_ = 0;  // how long the tone must hold before an onset and the mark after it
	int64_t mark_frames_ = 0;

	// Audio thread only.
	std::unique_ptr<float[]> history_; // the left channel of the latest frames, by frame % kHistoryFrames
	Block blocks_[kBlocks];            // the latest blocks, by block count % kBlocks
	double block_peaks_[2] = {};       // the largest sample of the last two blocks: the tone's level
	uint64_t block_count_ = 0;
	uint64_t next_frame_ = 0; // frames seen so far
	int64_t scan_from_ = 0;   // the next frame that may be an onset
	uint64_t last_mark_ = 0;  // the index of the last mark found (0: none yet)

	// The ring: audio thread writes, take() reads.
	int64_t ring_[kRing] = {};
	alignas(64) std::atomic<uint64_t> write_index_{0};
	alignas(64) std::atomic<uint64_t> read_index_{0};
	std::atomic<uint64_t> found_{0};
	std::atomic<uint64_t> skipped_{0};
	std::atomic<uint64_t> lost_{0};
	std::atomic<uint64_t> max_shift_{0};
};

} // namespace sse_audio::host
