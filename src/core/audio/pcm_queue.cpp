#include "audio/pcm_queue.hpp"

#include <algorithm>

namespace sse_audio {

PcmQueue::PcmQueue(size_t capacity_blocks)
	: capacity_(std::max<size_t>(capacity_blocks, 1)), blocks_(std::make_unique<PcmBlock[]>(capacity_))
{
}

uint32_t PcmQueue::push(const float *left, const float *right, uint32_t frames, int64_t capture_ms) noexcept
{
	uint32_t done = 0;
	uint64_t write = write_index_.load(std::memory_order_relaxed);
	while (done < frames) {
		if (write - read_index_.load(std::memory_order_acquire) >= capacity_)
			break;
		PcmBlock &block = blocks_[write % capacity_];
		const uint32_t n = std::min(frames - done, PcmBlock::kMaxFrames);
		std::copy_n(left + done, n, block.left.begin());
		std::copy_n(right + done, n, block.right.begin());
		block.frames = n;
		block.capture_ms = capture_ms;
		done += n;
		write++;
		write_index_.store(write, std::memory_order_release);
	}
	const uint32_t dropped = frames - done;
	if (dropped > 0)
		dropped_frames_.fetch_add(dropped, std::memory_order_relaxed);
	return dropped;
}

const PcmBlock *PcmQueue::front() const noexcept
{
	const uint64_t read = read_index_.load(std::memory_order_relaxed);
	if (read == write_index_.load(std::memory_order_acquire))
		return nullptr;
	return &blocks_[read % capacity_];
}

void PcmQueue::pop() noexcept
{
	const uint64_t read = read_index_.load(std::memory_order_relaxed);
	if (read != write_index_.load(std::memory_order_acquire))
		read_index_.store(read + 1, std::memory_order_release);
}

size_t PcmQueue::size() const noexcept
{
	return static_cast<size_t>(write_index_.load(std::memory_order_acquire) -
				   read_index_.load(std::memory_order_acquire));
}

} // namespace sse_audio
