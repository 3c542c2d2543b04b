#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace sse_audio {

// Summary of a histogram, in the histogram's unit.
struct LatencySummary {
	uint64_t count = 0;
	uint64_t p50 = 0;
	uint64_t p99 = 0;
	uint64_t max = 0;
};

// Log-linear histogram (about 6 % resolution) whose record() is wait-free and allocation-free, so it can time
// OBS's audio callback from inside it. Readers may run concurrently and see a slightly stale picture.
class LatencyHistogram {
public:
	void record(uint64_t value) noexcept;
	[[nodiscard]] LatencySummary summary() const noexcept;
	void reset() noexcept;

	static constexpr size_t kBuckets = 32 + 59 * 16;
	[[nodiscard]] static size_t bucket_of(uint64_t value) noexcept;
	[[nodiscard]] static uint64_t bucket_floor(size_t bucket) noexcept;

private:
	[[nodiscard]] uint64_t percentile(uint64_t total, double fraction) const noexcept;

	std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
	std::atomic<uint64_t> max_{0};
};

} // namespace sse_audio
