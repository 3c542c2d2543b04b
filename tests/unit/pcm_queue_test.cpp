#include "audio/pcm_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <numeric>
#include <thread>
#include <vector>

namespace sse_audio {
namespace {

// Left holds first+i, right holds -(first+i): every sample says where it belongs.
struct Ramp {
	std::vector<float> left;
	std::vector<float> right;
};

Ramp ramp(uint32_t first, uint32_t frames)
{
	Ramp r;
	r.left.resize(frames);
	r.right.resize(frames);
	for (uint32_t i = 0; i < frames; i++) {
		r.left[i] = static_cast<float>(first + i);
		r.right[i] = -static_cast<float>(first + i);
	}
	return r;
}

uint32_t push_ramp(PcmQueue &queue, uint32_t first, uint32_t frames, int64_t capture_ms)
{
	const Ramp r = ramp(first, frames);
	return queue.push(r.left.data(), r.right.data(), frames, capture_ms);
}

TEST(PcmQueue, StartsEmpty)
{
	PcmQueue queue(4);
	EXPECT_EQ(queue.capacity(), 4u);
	EXPECT_EQ(queue.size(), 0u);
	EXPECT_EQ(queue.front(), nullptr);
	queue.pop(); // popping an empty queue does nothing
	EXPECT_EQ(queue.size(), 0u);
	EXPECT_EQ(queue.dropped_frames(), 0u);
	EXPECT_EQ(PcmQueue(0).capacity(), 1u) << "a queue always holds at least one block";
}

TEST(PcmQueue, KeepsFifoOrderContentsAndCaptureTime)
{
	PcmQueue queue(4);
	EXPECT_EQ(push_ramp(queue, 0, 480, 1000), 0u);
	EXPECT_EQ(push_ramp(queue, 480, 1024, 1010), 0u);
	EXPECT_EQ(push_ramp(queue, 1504, 1, 1021), 0u);
	EXPECT_EQ(queue.size(), 3u);

	const uint32_t sizes[] = {480, 1024, 1};
	const int64_t times[] = {1000, 1010, 1021};
	uint32_t next = 0;
	for (int b = 0; b < 3; b++) {
		const PcmBlock *block = queue.front();
		ASSERT_NE(block, nullptr) << "block " << b;
		EXPECT_EQ(block->frames, sizes[b]);
		EXPECT_EQ(block->capture_ms, times[b]);
		for (uint32_t i = 0; i < block->frames; i++, next++) {
			ASSERT_EQ(block->left[i], static_cast<float>(next));
			ASSERT_EQ(block->right[i], -static_cast<float>(next));
		}
		EXPECT_EQ(queue.front(), block) << "front is stable until pop";
		queue.pop();
	}
	EXPECT_EQ(queue.front(), nullptr);
	EXPECT_EQ(queue.size(), 0u);
}

TEST(PcmQueue, SplitsLargePushesIntoBlocksOf1024Frames)
{
	PcmQueue queue(8);
	EXPECT_EQ(push_ramp(queue, 0, 2500, 77), 0u);
	ASSERT_EQ(queue.size(), 3u);
	const uint32_t sizes[] = {1024, 1024, 452};
	uint32_t next = 0;
	for (const uint32_t size : sizes) {
		const PcmBlock *block = queue.front();
		ASSERT_NE(block, nullptr);
		EXPECT_EQ(block->frames, size);
		EXPECT_EQ(block->capture_ms, 77);
		for (uint32_t i = 0; i < block->frames; i++, next++)
			ASSERT_EQ(block->left[i], static_cast<float>(next));
		queue.pop();
	}
	EXPECT_EQ(next, 2500u);
}

TEST(PcmQueue, WrapsAroundTheRingManyTimes)
{
	PcmQueue queue(3);
	uint32_t pushed = 0;
	uint32_t popped = 0;
	for (int round = 0; round < 50; round++) {
		const uint32_t frames = 1 + static_cast<uint32_t>(round * 37 % 1024);
		ASSERT_EQ(push_ramp(queue, pushed, frames, round), 0u);
		pushed += frames;
		const PcmBlock *block = queue.front();
		ASSERT_NE(block, nullptr);
		ASSERT_EQ(block->frames, frames);
		ASSERT_EQ(block->capture_ms, round);
		ASSERT_EQ(block->left[0], static_cast<float>(popped));
		ASSERT_EQ(block->left[frames - 1], static_cast<float>(popped + frames - 1));
		popped += frames;
		queue.pop();
	}
	EXPECT_EQ(queue.size(), 0u);
}

TEST(PcmQueue, OverflowDropsExactlyTheFramesThatDoNotFit)
{
	PcmQueue queue(3);
	EXPECT_EQ(push_ramp(queue, 0, 1024, 1), 0u);
	// Two free blocks: 2048 of the 3000 frames fit, 952 do not.
	EXPECT_EQ(push_ramp(queue, 1024, 3000, 2), 952u);
	EXPECT_EQ(queue.dropped_frames(), 952u);
	EXPECT_EQ(queue.size(), 3u);
	// Full: everything is dropped, and counted on top.
	EXPECT_EQ(push_ramp(queue, 5000, 10, 3), 10u);
	EXPECT_EQ(queue.dropped_frames(), 962u);
	EXPECT_EQ(queue.size(), 3u);

	// What was kept is the head of the pushes, intact.
	uint32_t next = 0;
	for (int b = 0; b < 3; b++) {
		const PcmBlock *block = queue.front();
		ASSERT_NE(block, nullptr);
		EXPECT_EQ(block->frames, 1024u);
		EXPECT_EQ(block->capture_ms, b == 0 ? 1 : 2);
		for (uint32_t i = 0; i < block->frames; i++, next++)
			ASSERT_EQ(block->left[i], static_cast<float>(next));
		queue.pop();
	}
	EXPECT_EQ(queue.front(), nullptr);

	// Room again: nothing more is dropped.
	EXPECT_EQ(push_ramp(queue, 0, 100, 4), 0u);
	EXPECT_EQ(queue.dropped_frames(), 962u);
}

TEST(PcmQueue, ProducerAndConsumerThreadsAgreeOnEverySample)
{
	// A producer pushes a ramp in uneven pieces (so pushes split into blocks and wrap the ring); whatever does
	// not fit is pushed again, like a caller that retries. The consumer checks every sample in order.
	constexpr uint32_t kTotal = 3'000'000; // exactly representable in float (< 2^24)
	PcmQueue queue(8);
	const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
	std::atomic<bool> producer_done{false};
	std::atomic<bool> consumer_gave_up{false};
	uint64_t reported_drops = 0;
	uint32_t pushes = 0;

	std::thread producer([&] {
		const Ramp all = ramp(0, kTotal);
		uint32_t sent = 0;
		uint32_t piece = 1;
		while (sent < kTotal && !consumer_gave_up && std::chrono::steady_clock::now() < deadline) {
			const uint32_t n = std::min(piece, kTotal - sent);
			const uint32_t dropped = queue.push(all.left.data() + sent, all.right.data() + sent, n,
							    static_cast<int64_t>(pushes));
			pushes++;
			reported_drops += dropped;
			sent += n - dropped;
			if (dropped > 0)
				std::this_thread::yield();
			piece = piece * 31 % 3001 + 1;
		}
		producer_done = true;
	});

	uint32_t expected = 0;
	int64_t last_capture = -1;
	bool mismatch = false;
	while (expected < kTotal && !mismatch && std::chrono::steady_clock::now() < deadline) {
		const PcmBlock *block = queue.front();
		if (!block) {
			if (producer_done && !queue.front())
				break;
			std::this_thread::yield();
			continue;
		}
		if (block->frames == 0 || block->frames > PcmBlock::kMaxFrames || block->capture_ms < last_capture) {
			mismatch = true;
			break;
		}
		last_capture = block->capture_ms;
		for (uint32_t i = 0; i < block->frames; i++, expected++) {
			if (block->left[i] != static_cast<float>(expected) ||
			    block->right[i] != -static_cast<float>(expected)) {
				mismatch = true;
				break;
			}
		}
		queue.pop();
	}
	consumer_gave_up = true;
	producer.join();
	EXPECT_FALSE(mismatch) << "sample " << expected << " arrived wrong or out of order";
	EXPECT_EQ(expected, kTotal) << "the test ran out of time or lost samples";
	EXPECT_EQ(queue.dropped_frames(), reported_drops) << "every drop the producer saw is counted";
	EXPECT_EQ(queue.size(), 0u);
}

} // namespace
} // namespace sse_audio
