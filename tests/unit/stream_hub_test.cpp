#include "audio/sse_format.hpp"
#include "audio/stream_hub.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <limits>
#include <thread>
#include <vector>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::vector<uint8_t> payload(uint64_t n)
{
	return {static_cast<uint8_t>(n), static_cast<uint8_t>(n >> 8), 0xFF, 0xFB};
}

// Publishes `count` events whose bytes identify them; returns the ids.
std::vector<uint64_t> publish_n(StreamHub &hub, size_t count)
{
	std::vector<uint64_t> ids;
	for (size_t i = 0; i < count; i++) {
		const uint64_t n = hub.published();
		ids.push_back(hub.publish(payload(n), static_cast<int64_t>(1000 + n), 1152)->id);
	}
	return ids;
}

HubConfig config(size_t capacity, size_t burst, uint64_t first_id = 1)
{
	HubConfig c;
	c.capacity_events = capacity;
	c.burst_events = burst;
	c.first_id = first_id;
	return c;
}

std::vector<uint64_t> ids_of(const HubRead &read)
{
	std::vector<uint64_t> ids;
	for (const auto &e : read.events)
		ids.push_back(e->id);
	return ids;
}

std::vector<uint64_t> range(uint64_t first, uint64_t last)
{
	std::vector<uint64_t> ids;
	for (uint64_t id = first; id <= last; id++)
		ids.push_back(id);
	return ids;
}

TEST(StreamHub, IdsAreConsecutiveFromFirstId)
{
	StreamHub hub(config(16, 4, 5000));
	EXPECT_EQ(hub.newest_id(), 0u);
	EXPECT_EQ(hub.published(), 0u);
	const auto ids = publish_n(hub, 5);
	EXPECT_EQ(ids, range(5000, 5004));
	EXPECT_EQ(hub.newest_id(), 5004u);
	EXPECT_EQ(hub.published(), 5u);
}

TEST(StreamHub, PublishedEventIsFramedOnceWithItsId)
{
	StreamHub hub(config(16, 4, 77));
	const std::vector<uint8_t> mp3 = {0xFF, 0xFB, 0x90, 0x64, 1, 2, 3};
	const HubEventPtr event = hub.publish(mp3, 123456, 1152);
	ASSERT_NE(event, nullptr);
	EXPECT_EQ(event->id, 77u);
	EXPECT_EQ(event->capture_ms, 123456);
	EXPECT_EQ(event->sample_frames, 1152u);
	EXPECT_EQ(event->mp3, mp3);
	EXPECT_EQ(event->sse, format_sse_audio_event(77, mp3));

	// Listeners get the very same object: encoded once, shared by all.
	uint64_t next = 77;
	const HubRead read = hub.read(next, 0ms);
	ASSERT_EQ(read.events.size(), 1u);
	EXPECT_EQ(read.events[0].get(), event.get());
}

TEST(StreamHub, FirstIdZeroStartsAtOne)
{
	StreamHub hub(config(4, 1, 0));
	EXPECT_EQ(publish_n(hub, 2), range(1, 2));
	EXPECT_EQ(hub.published(), 2u);
}

TEST(StreamHub, RingHoldsCapacityEvents)
{
	StreamHub hub(config(10, 3, 1));
	publish_n(hub, 25); // ids 1..25; the ring keeps 16..25
	const HubStart oldest = hub.start(15);
	EXPECT_TRUE(oldest.resumed);
	EXPECT_EQ(oldest.next_id, 16u);
	uint64_t next = oldest.next_id;
	const HubRead read = hub.read(next, 0ms);
	EXPECT_EQ(read.outcome, HubRead::Outcome::Events);
	EXPECT_FALSE(read.skipped_forward);
	EXPECT_EQ(ids_of(read), range(16, 25));
	EXPECT_EQ(next, 26u);

	const HubStart gone = hub.start(14); // 15 has left the ring
	EXPECT_FALSE(gone.resumed);
	EXPECT_EQ(gone.next_id, 23u) << "a burst of 3 before the live edge";
}

TEST(StreamHub, NewListenerGetsABurstBeforeTheLiveEdge)
{
	StreamHub hub(config(50, 4, 100));
	const HubStart empty = hub.start(std::nullopt);
	EXPECT_FALSE(empty.resumed);
	EXPECT_EQ(empty.next_id, 100u) << "with nothing held, the first event to come";

	publish_n(hub, 2);
	EXPECT_EQ(hub.start(std::nullopt).next_id, 100u) << "fewer events than a burst: all of them";

	publish_n(hub, 18); // ids 100..119
	const HubStart start = hub.start(std::nullopt);
	EXPECT_FALSE(start.resumed);
	EXPECT_EQ(start.next_id, 116u);
	uint64_t next = start.next_id;
	const HubRead burst = hub.read(next, 0ms);
	EXPECT_EQ(ids_of(burst), range(116, 119));
	EXPECT_EQ(hub.read(next, 0ms).outcome, HubRead::Outcome::Timeout) << "then nothing until the next publish";
}

TEST(StreamHub, ResumesRightAfterLastEventIdWhenHeld)
{
	StreamHub hub(config(50, 4, 1000));
	publish_n(hub, 30); // 1000..1029
	const HubStart start = hub.start(1010);
	EXPECT_TRUE(start.resumed);
	EXPECT_EQ(start.next_id, 1011u);
	uint64_t next = start.next_id;
	EXPECT_EQ(ids_of(hub.read(next, 0ms)), range(1011, 1029));

	// Resuming from the newest event waits for the next one.
	const HubStart live = hub.start(1029);
	EXPECT_TRUE(live.resumed);
	EXPECT_EQ(live.next_id, 1030u);
	uint64_t live_next = live.next_id;
	EXPECT_EQ(hub.read(live_next, 0ms).outcome, HubRead::Outcome::Timeout);
	publish_n(hub, 1);
	EXPECT_EQ(ids_of(hub.read(live_next, 0ms)), range(1030, 1030));

	// The event just before the oldest held: its successor is still there.
	EXPECT_TRUE(hub.start(999).resumed);
	EXPECT_EQ(hub.start(999).next_id, 1000u);
}

TEST(StreamHub, BurstsWhenLastEventIdIsOldFutureOrFromAnotherRun)
{
	StreamHub hub(config(10, 4, 1'700'000'000'000));
	publish_n(hub, 30); // the ring holds ...020..029
	const uint64_t newest = hub.newest_id();
	const uint64_t burst = newest - 3;
	const std::optional<uint64_t> cases[] = {
		newest - 11,                          // fell out of the ring
		newest + 1,                           // from the future
		newest + 1000,                        // far future
		5,                                    // a previous run (ids start at the wall clock)
		0,                                    //
		std::numeric_limits<uint64_t>::max(), // overflow of id + 1
	};
	for (const auto &last : cases) {
		const HubStart start = hub.start(last);
		EXPECT_FALSE(start.resumed) << *last;
		EXPECT_EQ(start.next_id, burst) << *last;
	}
	EXPECT_TRUE(hub.start(newest - 10).resumed) << "the oldest held event's predecessor still resumes";
}

TEST(StreamHub, ReadTimesOutWithoutEvents)
{
	StreamHub hub(config(8, 2));
	uint64_t next = hub.start(std::nullopt).next_id;
	const auto begin = Clock::now();
	const HubRead read = hub.read(next, 100ms);
	const auto waited = Clock::now() - begin;
	EXPECT_EQ(read.outcome, HubRead::Outcome::Timeout);
	EXPECT_TRUE(read.events.empty());
	EXPECT_EQ(next, 1u);
	EXPECT_GE(waited, 90ms);
	EXPECT_LT(waited, 2s);
}

TEST(StreamHub, ReadHonoursMaxEvents)
{
	StreamHub hub(config(32, 2));
	publish_n(hub, 10);
	uint64_t next = 1;
	EXPECT_EQ(ids_of(hub.read(next, 0ms, 3)), range(1, 3));
	EXPECT_EQ(next, 4u);
	EXPECT_EQ(ids_of(hub.read(next, 0ms, 0)), range(4, 4)) << "at least one event per read";
	EXPECT_EQ(ids_of(hub.read(next, 0ms)), range(5, 10));
}

TEST(StreamHub, BlockedReaderWakesOnPublish)
{
	StreamHub hub(config(8, 2));
	uint64_t next = hub.start(std::nullopt).next_id;
	auto reader = std::async(std::launch::async, [&] {
		const auto begin = Clock::now();
		HubRead read = hub.read(next, 10s);
		return std::make_pair(std::move(read), Clock::now() - begin);
	});
	std::this_thread::sleep_for(50ms);
	publish_n(hub, 1);
	ASSERT_EQ(reader.wait_for(5s), std::future_status::ready);
	const auto [read, waited] = reader.get();
	EXPECT_EQ(read.outcome, HubRead::Outcome::Events);
	EXPECT_EQ(ids_of(read), range(1, 1));
	EXPECT_LT(waited, 2s);
}

TEST(StreamHub, ReadReturnsClosedAfterClose)
{
	StreamHub hub(config(8, 2));
	publish_n(hub, 3);
	EXPECT_FALSE(hub.closed());
	hub.close();
	EXPECT_TRUE(hub.closed());
	uint64_t next = 4;
	const auto begin = Clock::now();
	EXPECT_EQ(hub.read(next, 5s).outcome, HubRead::Outcome::Closed);
	EXPECT_LT(Clock::now() - begin, 1s) << "no waiting on a closed hub";
	hub.close(); // twice is fine
	EXPECT_TRUE(hub.closed());
}

TEST(StreamHub, ReaderGetsWhatWasPublishedBeforeCloseThenClosed)
{
	// The channel publishes LAME's flushed tail and then closes the hub: a listener that was waiting must still
	// get that tail (the last samples) before it is told the stream ended.
	StreamHub hub(config(8, 2));
	publish_n(hub, 2);
	uint64_t next = 1;
	EXPECT_EQ(ids_of(hub.read(next, 0ms, 1)), range(1, 1));
	publish_n(hub, 2);
	hub.close();
	const HubRead tail = hub.read(next, 1s);
	EXPECT_EQ(tail.outcome, HubRead::Outcome::Events);
	EXPECT_EQ(ids_of(tail), range(2, 4));
	const auto begin = Clock::now();
	EXPECT_EQ(hub.read(next, 5s).outcome, HubRead::Outcome::Closed);
	EXPECT_LT(Clock::now() - begin, 1s);
}

TEST(StreamHub, CloseWakesABlockedReaderPromptly)
{
	StreamHub hub(config(8, 2));
	uint64_t next = hub.start(std::nullopt).next_id;
	auto reader = std::async(std::launch::async, [&] {
		const auto begin = Clock::now();
		const HubRead read = hub.read(next, 20s);
		return std::make_pair(read.outcome, Clock::now() - begin);
	});
	std::this_thread::sleep_for(100ms);
	const auto closed_at = Clock::now();
	hub.close();
	ASSERT_EQ(reader.wait_for(5s), std::future_status::ready) << "close must wake the reader";
	const auto [outcome, waited] = reader.get();
	EXPECT_EQ(outcome, HubRead::Outcome::Closed);
	EXPECT_LT(Clock::now() - closed_at, 1s);
	EXPECT_LT(waited, 5s);
}

TEST(StreamHub, ListenerThatFellOutOfTheRingIsSkippedForward)
{
	StreamHub hub(config(8, 3));
	uint64_t next = hub.start(std::nullopt).next_id;
	EXPECT_EQ(hub.read(next, 0ms).outcome, HubRead::Outcome::Timeout);
	publish_n(hub, 20); // ids 1..20, the ring holds 13..20
	EXPECT_EQ(hub.skips(), 0u);
	const HubRead read = hub.read(next, 0ms);
	EXPECT_EQ(read.outcome, HubRead::Outcome::Events);
	EXPECT_TRUE(read.skipped_forward);
	EXPECT_EQ(ids_of(read), range(18, 20)) << "rejoins a burst before the live edge";
	EXPECT_EQ(hub.skips(), 1u);
	EXPECT_EQ(next, 21u);

	// Caught up again: no further skips.
	publish_n(hub, 2);
	const HubRead again = hub.read(next, 0ms);
	EXPECT_FALSE(again.skipped_forward);
	EXPECT_EQ(ids_of(again), range(21, 22));
	EXPECT_EQ(hub.skips(), 1u);
}

TEST(StreamHub, ReadBeforeTheFirstEventWithAnIdFromNowhereWaits)
{
	// An id below first_id before anything was published: nothing to give yet (and nothing to crash on).
	StreamHub hub(config(8, 2, 100));
	uint64_t next = 5;
	EXPECT_EQ(hub.read(next, 20ms).outcome, HubRead::Outcome::Timeout);
	publish_n(hub, 3);
	const HubRead read = hub.read(next, 0ms);
	EXPECT_TRUE(read.skipped_forward);
	EXPECT_EQ(ids_of(read), range(101, 102));
}

TEST(StreamHub, SlowListenerNeverBlocksPublish)
{
	StreamHub hub(config(16, 4));
	uint64_t slow_next = hub.start(std::nullopt).next_id;
	publish_n(hub, 1);
	// The slow listener holds events it has not written yet and does not read again for a while.
	const HubRead held = hub.read(slow_next, 0ms);
	ASSERT_EQ(held.events.size(), 1u);

	const auto begin = Clock::now();
	publish_n(hub, 5000);
	EXPECT_LT(Clock::now() - begin, 5s) << "publish does not wait for listeners";
	EXPECT_EQ(held.events[0]->id, 1u) << "held events stay valid after leaving the ring";
	EXPECT_EQ(held.events[0]->mp3, payload(0));

	const HubRead read = hub.read(slow_next, 0ms);
	EXPECT_TRUE(read.skipped_forward);
	EXPECT_EQ(ids_of(read), range(4998, 5001));
	EXPECT_EQ(hub.skips(), 1u);
}

TEST(StreamHub, ManyReadersSeeEveryIdInOrder)
{
	constexpr size_t kEvents = 3000;
	constexpr int kReaders = 8;
	StreamHub hub(config(kEvents, 4, 42));
	std::vector<uint64_t> starts;
	for (int r = 0; r < kReaders; r++)
		starts.push_back(hub.start(std::nullopt).next_id);

	const auto deadline = Clock::now() + 20s;
	std::vector<std::vector<uint64_t>> seen(kReaders);
	std::vector<std::thread> readers;
	for (int r = 0; r < kReaders; r++) {
		readers.emplace_back([&, r] {
			uint64_t next = starts[static_cast<size_t>(r)];
			while (seen[static_cast<size_t>(r)].size() < kEvents && Clock::now() < deadline) {
				const HubRead read = hub.read(next, 100ms, 7 + static_cast<size_t>(r));
				if (read.outcome == HubRead::Outcome::Closed)
					break;
				for (const auto &e : read.events) {
					seen[static_cast<size_t>(r)].push_back(e->id);
					if (e->mp3 != payload(e->id - 42))
						seen[static_cast<size_t>(r)].push_back(0); // marks a wrong payload
				}
			}
		});
	}
	for (size_t i = 0; i < kEvents; i++) {
		hub.publish(payload(i), 0, 1152);
		if (i % 64 == 0)
			std::this_thread::yield();
	}
	for (auto &t : readers)
		t.join();
	hub.close();

	for (int r = 0; r < kReaders; r++)
		EXPECT_EQ(seen[static_cast<size_t>(r)], range(42, 42 + kEvents - 1)) << "reader " << r;
	EXPECT_EQ(hub.skips(), 0u);
}

} // namespace
} // namespace sse_audio
