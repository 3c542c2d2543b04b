#pragma once

#include "base/thread_name.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

namespace sse_audio {

// Carries out requests one after another, in the order they were made, on a thread of its own: for work that can
// take seconds (starting or stopping the output ends every listener's stream) and must not hold up the thread
// that asks for it (OBS's UI thread, an obs-websocket request). Like every thread-owning class here it runs from
// start() until stop() or its destructor (docs/architecture.md).
template <typename Request>
class SerialWorker {
public:
	using Handler = std::function<void(const Request &)>;

	// `thread_name`: at most 15 characters (Linux).
	static std::unique_ptr<SerialWorker> start(const char *thread_name, Handler handler)
	{
		std::unique_ptr<SerialWorker> worker(new SerialWorker(std::move(handler)));
		worker->thread_ = std::thread([raw = worker.get(), thread_name] {
			set_current_thread_name(thread_name);
			raw->run();
		});
		return worker;
	}

	~SerialWorker() { stop(); }
	SerialWorker(const SerialWorker &) = delete;
	SerialWorker &operator=(const SerialWorker &) = delete;

	// Queues `request`. One equal to the last request still waiting is dropped: it would do nothing more, and a
	// repeated button or script keeps the queue short. Ignored once stopped.
	void post(Request request)
	{
		{
			std::lock_guard lock(mutex_);
			if (stopping_ || (!waiting_.empty() && waiting_.back() == request))
				return;
			waiting_.push_back(std::move(request));
		}
		changed_.notify_all();
	}

	// Waits until every request posted so far has been carried out (true), or `timeout` (false). Returns at once
	// once the worker is stopping.
	bool wait_idle(std::chrono::milliseconds timeout) const
	{
		std::unique_lock lock(mutex_);
		return changed_.wait_for(lock, timeout, [this] { return (waiting_.empty() && !busy_) || stopping_; });
	}

	// Drops the requests still waiting, lets the one in progress finish and joins the thread. Later posts are
	// ignored. Safe to call more than once.
	void stop()
	{
		{
			std::lock_guard lock(mutex_);
			stopping_ = true;
			waiting_.clear();
		}
		changed_.notify_all();
		if (thread_.joinable())
			thread_.join();
	}

private:
	explicit SerialWorker(Handler handler) : handler_(std::move(handler)) {}

	void run()
	{
		std::unique_lock lock(mutex_);
		for (;;) {
			changed_.wait(lock, [this] { return !waiting_.empty() || stopping_; });
			if (stopping_)
				return;
			const Request request = std::move(waiting_.front());
			waiting_.pop_front();
			busy_ = true;
			lock.unlock();
			handler_(request);
			lock.lock();
			busy_ = false;
			changed_.notify_all();
		}
	}

	const Handler handler_;
	mutable std::mutex mutex_;
	mutable std::condition_variable changed_;
	std::deque<Request> waiting_;
	bool busy_ = false;
	bool stopping_ = false;
	std::thread thread_;
};

} // namespace sse_audio
