// SerialWorker: requests are carried out in order on the worker's own thread, a repeat of the last waiting request
// is dropped, wait_idle says when everything posted is done, and stop() drops what has not begun.

#include "base/serial_worker.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace sse_audio {
namespace {

// A handler that records what it was given and, while `held`, waits before finishing each request, so that the
// test can pile requests up behind one in progress.
struct Recorder {
	std::mutex mutex;
	std::condition_variable cv;
	std::vector<int> done;
	std::vector<std::thread::id> threads;
	bool held = false;
	bool started = false;

	void handle(int request)
	{
		std::unique_lock lock(mutex);
		started = true;
		cv.notify_all();
		cv.wait_for(lock, 5s, [this] { return !held; });
		done.push_back(request);
		threads.push_back(std::this_thread::get_id());
	}
	void hold()
	{
		std::lock_guard lock(mutex);
		held = true;
	}
	void release()
	{
		{
			std::lock_guard lock(mutex);
			held = false;
		}
		cv.notify_all();
	}
	bool wait_started()
	{
		std::unique_lock lock(mutex);
		return cv.wait_for(lock, 5s, [this] { return started; });
	}
};

TEST(SerialWorker, CarriesOutRequestsInOrderOnItsOwnThread)
{
	Recorder recorder;
	auto worker = SerialWorker<int>::start("test-serial", [&](const int &r) { recorder.handle(r); });
	for (int i = 1; i <= 5; i++)
		worker->post(i);
	ASSERT_TRUE(worker->wait_idle(5s));
	std::lock_guard lock(recorder.mutex);
	EXPECT_EQ(recorder.done, (std::vector<int>{1, 2, 3, 4, 5}));
	for (const auto id : recorder.threads)
		EXPECT_NE(id, std::this_thread::get_id());
}

TEST(SerialWorker, DropsARepeatOfTheLastWaitingRequestOnly)
{
	Recorder recorder;
	recorder.hold();
	auto worker = SerialWorker<int>::start("test-serial", [&](const int &r) { recorder.handle(r); });
	worker->post(1);
	ASSERT_TRUE(recorder.wait_started()); // 1 is in progress: it is no longer waiting
	worker->post(1);                      // waits: not a repeat of a waiting one
	worker->post(1);                      // a repeat: dropped
	worker->post(2);
	worker->post(1);
	EXPECT_FALSE(worker->wait_idle(50ms)) << "idle while a request is in progress";
	recorder.release();
	ASSERT_TRUE(worker->wait_idle(5s));
	std::lock_guard lock(recorder.mutex);
	EXPECT_EQ(recorder.done, (std::vector<int>{1, 1, 2, 1}));
}

TEST(SerialWorker, StopFinishesTheRequestInProgressAndDropsTheRest)
{
	Recorder recorder;
	recorder.hold();
	auto worker = SerialWorker<int>::start("test-serial", [&](const int &r) { recorder.handle(r); });
	worker->post(1);
	ASSERT_TRUE(recorder.wait_started());
	worker->post(2);
	worker->post(3);
	std::thread releaser([&] {
		std::this_thread::sleep_for(50ms);
		recorder.release();
	});
	worker->stop(); // waits for 1, drops 2 and 3
	releaser.join();
	worker->post(4); // ignored once stopped
	EXPECT_TRUE(worker->wait_idle(0ms)) << "a stopped worker is not waited for";
	worker->stop(); // twice is fine
	std::lock_guard lock(recorder.mutex);
	EXPECT_EQ(recorder.done, (std::vector<int>{1}));
}

} // namespace
} // namespace sse_audio
