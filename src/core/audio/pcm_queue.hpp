#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace sse_audio {

// A block of stereo planar float PCM: what OBS hands the output in one callback (1024 frames), with the
// wall-clock time at which it arrived, so that delay can be measured from the moment a sample entered the output.
struct PcmBlock {
	static constexpr uint32_t kMaxFrames = 1024;
	int64_t capture_ms = 0; // milliseconds since the Unix epoch
	uint32_t frames = 0;
	std::array<float, kMaxFrames> left{};
	std::array<float, kMaxFrames> right{};
};

// Bounded, wait-free single-producer/single-consumer queue of PCM blocks, from OBS's audio thread to the
// encoder thread. All memory is allocated up front; push never allocates, locks or makes a system call.
// When the consumer falls behind and the queue is full, the new samples are dropped and counted.
class PcmQueue {
public:
	explicit PcmQueue(size_t capacity_blocks);

	// Producer side (one thread). Copies `frames` samples of each channel, split into blocks as needed.
	// Returns the number of frames that did not fit and were dropped.
	uint32_t push(const float *left, const float *right, uint32_t frames, int64_t capture_ms) noexcept;

	// Consumer side (one thread). `front` is nullptr when the queue is empty; `pop` releases the front block.
	[[nodiscard]] const PcmBlock *front() const noexcept;
	void pop() noexcept;

	[[nodiscard]] size_t capacity() const noexcept { return capacity_; }
	[[nodiscard]] size_t size() const noexcept;
	[[nodiscard]] uint64_t dropped_frames() const noexcept
	{
		return dropped_frames_.load(std::memory_order_relaxed);
	}

private:
	size_t capacity_;
	std::unique_ptr<PcmBlock[]> blocks_;
	// Producer and consumer indices live on their own cache lines so the two threads do not fight over one.
	alignas(64) std::atomic<uint64_t> write_index_{0};
	alignas(64) std::atomic<uint64_t> read_index_{0};
	alignas(64) std::atomic<uint64_t> dropped_frames_{0};
};

} // namespace sse_audio
