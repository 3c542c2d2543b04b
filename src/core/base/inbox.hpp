#pragma once

#include <mutex>
#include <utility>
#include <vector>

namespace sse_audio {

// Items handed from any thread to the one thread that serves them: push() anywhere, take() on that thread, which
// gets everything pushed since, in order. The lock is held only to move an item in or the vector out, so a
// pushing thread never waits for the serving thread's work.
template <typename T>
class Inbox {
public:
	void push(T item)
	{
		std::lock_guard lock(mutex_);
		items_.push_back(std::move(item));
	}

	[[nodiscard]] std::vector<T> take()
	{
		std::vector<T> taken;
		std::lock_guard lock(mutex_);
		taken.swap(items_);
		return taken;
	}

private:
	std::mutex mutex_;
	std::vector<T> items_;
};

} // namespace sse_audio
