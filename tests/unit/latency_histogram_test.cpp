#include "base/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <thread>
#include <vector>

namespace sse_audio {
namespace {

using H = LatencyHistogram;

void expect_bucket_consistent(uint64_t v)
{
	const size_t b = H::bucket_of(v);
	ASSERT_LT(b, H::kBuckets) << v;
	const uint64_t floor = H::bucket_floor(b);
	ASSERT_LE(floor, v) << "bucket_floor(bucket_of(v)) <= v for v = " << v;
	if (b + 1 < H::kBuckets) {
		ASSERT_GT(H::bucket_floor(b + 1), v) << "v lies below the next bucket, v = " << v;
	}
	if (v < 32) {
		ASSERT_EQ(floor, v) << "small values are exact";
	} else {
		ASSERT_LE(double(v - floor), double(v) * 0.07) << "within 7 % for v = " << v;
	}
}

TEST(LatencyHistogram, SmallValuesHaveTheirOwnBuckets)
{
	for (uint64_t v = 0; v < 32; v++) {
		EXPECT_EQ(H::bucket_of(v), v);
		EXPECT_EQ(H::bucket_floor(v), v);
	}
}

TEST(LatencyHistogram, BucketOfAndFloorAreConsistentEverywhere)
{
	for (uint64_t v = 0; v < (1u << 16); v++)
		expect_bucket_consistent(v);
	for (int bit = 0; bit < 64; bit++) {
		const uint64_t p = uint64_t{1} << bit;
		expect_bucket_consistent(p);
		expect_bucket_consistent(p - 1);
		expect_bucket_consistent(p + 1);
		expect_bucket_consistent(p | (p >> 1) | (p >> 5));
	}
	std::mt19937_64 rng(42);
	for (int i = 0; i < 100000; i++)
		expect_bucket_consistent(rng() >> (i % 64));
	expect_bucket_consistent(std::numeric_limits<uint64_t>::max());
	EXPECT_EQ(H::bucket_of(std::numeric_limits<uint64_t>::max()), H::kBuckets - 1) << "the last bucket is used";
}

TEST(LatencyHistogram, BucketsAreMonotonic)
{
	uint64_t previous_floor = 0;
	for (size_t b = 0; b < H::kBuckets; b++) {
		const uint64_t floor = H::bucket_floor(b);
		if (b > 0) {
			ASSERT_GT(floor, previous_floor) << "bucket " << b;
		}
		ASSERT_EQ(H::bucket_of(floor), b) << "a bucket's floor lies in that bucket, bucket " << b;
		previous_floor = floor;
	}
	size_t previous = 0;
	for (uint64_t v = 0; v < 200000; v += 3) {
		const size_t b = H::bucket_of(v);
		ASSERT_GE(b, previous) << v;
		previous = b;
	}
}

TEST(LatencyHistogram, EmptySummaryIsZero)
{
	H h;
	const auto s = h.summary();
	EXPECT_EQ(s.count, 0u);
	EXPECT_EQ(s.p50, 0u);
	EXPECT_EQ(s.p99, 0u);
	EXPECT_EQ(s.max, 0u);
}

TEST(LatencyHistogram, SummaryOfKnownData)
{
	H h;
	// 980 fast callbacks around 10 µs, 20 slow ones at 5 ms: p50 is fast, p99 is slow.
	for (int i = 0; i < 980; i++)
		h.record(10'000 + static_cast<uint64_t>(i % 7));
	for (int i = 0; i < 20; i++)
		h.record(5'000'000 + static_cast<uint64_t>(i));
	const auto s = h.summary();
	EXPECT_EQ(s.count, 1000u);
	EXPECT_LE(s.p50, 10'006u);
	EXPECT_GE(s.p50, 10'000u * 93 / 100);
	EXPECT_LE(s.p99, 5'000'019u);
	EXPECT_GE(s.p99, 5'000'000u * 93 / 100);
	EXPECT_EQ(s.max, 5'000'019u) << "max is exact, not a bucket floor";
}

TEST(LatencyHistogram, PercentilesOfAUniformRamp)
{
	H h;
	for (uint64_t v = 1; v <= 10000; v++)
		h.record(v);
	const auto s = h.summary();
	EXPECT_EQ(s.count, 10000u);
	EXPECT_NEAR(double(s.p50), 5000.0, 5000.0 * 0.07);
	EXPECT_NEAR(double(s.p99), 9900.0, 9900.0 * 0.07);
	EXPECT_LE(s.p50, 5001u);
	EXPECT_LE(s.p99, 9901u);
	EXPECT_EQ(s.max, 10000u);
}

TEST(LatencyHistogram, SmallValuesAreExact)
{
	H h;
	for (int i = 0; i < 50; i++)
		h.record(3);
	for (int i = 0; i < 49; i++)
		h.record(7);
	h.record(31);
	const auto s = h.summary();
	EXPECT_EQ(s.count, 100u);
	EXPECT_EQ(s.p50, 7u);
	EXPECT_EQ(s.max, 31u);
}

TEST(LatencyHistogram, ResetForgetsEverything)
{
	H h;
	h.record(123456);
	h.record(5);
	h.reset();
	const auto empty = h.summary();
	EXPECT_EQ(empty.count, 0u);
	EXPECT_EQ(empty.max, 0u);
	EXPECT_EQ(empty.p99, 0u);
	h.record(20);
	const auto s = h.summary();
	EXPECT_EQ(s.count, 1u);
	EXPECT_EQ(s.p50, 20u);
	EXPECT_EQ(s.p99, 20u);
	EXPECT_EQ(s.max, 20u) << "the old maximum is gone";
}

TEST(LatencyHistogram, ConcurrentRecordsAreAllCounted)
{
	H h;
	constexpr int kThreads = 4;
	constexpr int kEach = 20000;
	std::vector<std::thread> threads;
	for (int t = 0; t < kThreads; t++)
		threads.emplace_back([&h, t] {
			for (int i = 0; i < kEach; i++)
				h.record(static_cast<uint64_t>(t * kEach + i));
		});
	for (auto &t : threads)
		t.join();
	const auto s = h.summary();
	EXPECT_EQ(s.count, uint64_t{kThreads} * kEach);
	EXPECT_EQ(s.max, uint64_t{kThreads} * kEach - 1);
}

} // namespace
} // namespace sse_audio
