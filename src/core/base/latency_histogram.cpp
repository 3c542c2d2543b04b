#include "base/latency_histogram.hpp"

#include <bit>

namespace sse_audio {

size_t LatencyHistogram::bucket_of(uint64_t value) noexcept
{
	if (value < 32)
		return static_cast<size_t>(value);
	// Keep the five highest bits: 16 sub-buckets per power of two.
	const int msb = 63 - std::countl_zero(value);
	const int shift = msb - 4;
	return 32 + static_cast<size_t>(msb - 5) * 16 + static_cast<size_t>((value >> shift) - 16);
}

uint64_t LatencyHistogram::bucket_floor(size_t bucket) noexcept
{
	if (bucket < 32)
		return bucket;
	const size_t msb = (bucket - 32) / 16 + 5;
	const uint64_t top = (bucket - 32) % 16 + 16;
	return top << (msb - 4);
}

void LatencyHistogram::record(uint64_t value) noexcept
{
	buckets_[bucket_of(value)].fetch_add(1, std::memory_order_relaxed);
	uint64_t seen = max_.load(std::memory_order_relaxed);
	while (value > seen && !max_.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
	}
}

uint64_t LatencyHistogram::percentile(uint64_t total, double fraction) const noexcept
{
	const auto rank = static_cast<uint64_t>(static_cast<double>(total) * fraction);
	uint64_t seen = 0;
	for (size_t i = 0; i < kBuckets; i++) {
		seen += buckets_[i].load(std::memory_order_relaxed);
		if (seen > rank)
			return bucket_floor(i);
	}
	return max_.load(std::memory_order_relaxed);
}

LatencySummary LatencyHistogram::summary() const noexcept
{
	LatencySummary s;
	uint64_t total = 0;
	for (const auto &bucket : buckets_)
		total += bucket.load(std::memory_order_relaxed);
	s.count = total;
	if (total == 0)
		return s;
	s.p50 = percentile(total, 0.50);
	s.p99 = percentile(total, 0.99);
	s.max = max_.load(std::memory_order_relaxed);
	return s;
}

void LatencyHistogram::reset() noexcept
{
	for (auto &bucket : buckets_)
		bucket.store(0, std::memory_order_relaxed);
	max_.store(0, std::memory_order_relaxed);
}

} // namespace sse_audio
