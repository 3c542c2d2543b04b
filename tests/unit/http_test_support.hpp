#pragma once

// HTTP helpers for the stream server tests: a free port, raw requests (no client-side path normalisation), a
// temporary web root, a streaming client in its own thread and an event-stream parser.

#include "serve/stream_server.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sse_audio::test {

// A port that was free a moment ago on 127.0.0.1 (0 when none could be found).
int free_port();

// Starts a server with `config` on a free port (set in config.port), trying another one when the port was taken
// in between; the last error when five tries failed.
Result<std::unique_ptr<StreamServer>> start_on_free_port(ServerConfig &config, std::shared_ptr<StreamHub> hub,
							 ChannelStatsSource channel_stats = nullptr);

// The hub the server tests stream from: 64 events, a burst of 4, ids from 1000.
std::shared_ptr<StreamHub> make_test_hub();

// Sends `request` as is and returns the whole response (empty when nothing listens); bounded by timeouts.
std::string raw_request(int port, const std::string &request);
// Status code of a raw GET of `path`, or -1 when no HTTP response came.
int raw_get_status(int port, const std::string &path);
std::string raw_get_body(int port, const std::string &path);

// A web root with the player's two files, plus a file outside it reachable only through symlinks inside it.
class TempWebRoot {
public:
	TempWebRoot();
	~TempWebRoot();
	TempWebRoot(const TempWebRoot &) = delete;
	TempWebRoot &operator=(const TempWebRoot &) = delete;

	[[nodiscard]] std::string web() const { return (base_ / "web").string(); }
	[[nodiscard]] std::string base() const { return base_.string(); }

	static constexpr const char *kIndex = "<!doctype html><title>SSE audio test player</title>\n";
	static constexpr const char *kPlayer = "console.log('sse audio test player');\n";
	static constexpr const char *kSecret = "TOP SECRET outside the web root\n";

private:
	std::filesystem::path base_;
};

// One streaming GET in its own thread, with the response's status, headers and body as they arrive.
class StreamClient {
public:
	StreamClient(int port, std::string path, httplib::Headers headers = {});
	~StreamClient() { stop(); }
	StreamClient(const StreamClient &) = delete;
	StreamClient &operator=(const StreamClient &) = delete;

	bool wait_for_headers(std::chrono::milliseconds timeout = std::chrono::seconds(3))
	{
		std::unique_lock lock(mutex_);
		return cv_.wait_for(lock, timeout, [&] { return got_headers_ || finished_; }) && got_headers_;
	}
	bool wait_for_body(const std::function<bool(const std::string &)> &ready,
			   std::chrono::milliseconds timeout = std::chrono::seconds(3))
	{
		std::unique_lock lock(mutex_);
		return cv_.wait_for(lock, timeout, [&] { return ready(body_) || finished_; }) && ready(body_);
	}
	bool wait_finished(std::chrono::milliseconds timeout)
	{
		std::unique_lock lock(mutex_);
		return cv_.wait_for(lock, timeout, [&] { return finished_; });
	}
	// Ends the request from this side and waits for the thread.
	void stop()
	{
		stop_ = true;
		client_.stop();
		if (thread_.joinable())
			thread_.join();
	}

	int status()
	{
		std::lock_guard lock(mutex_);
		return status_;
	}
	std::string header(const std::string &name)
	{
		std::lock_guard lock(mutex_);
		const auto it = headers_.find(name);
		return it == headers_.end() ? std::string() : it->second;
	}
	bool has_header(const std::string &name)
	{
		std::lock_guard lock(mutex_);
		return headers_.count(name) > 0;
	}
	std::string body()
	{
		std::lock_guard lock(mutex_);
		return body_;
	}

private:
	void run(const std::string &path, const httplib::Headers &headers)
	{
		const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
		client_.Get(
			path, headers,
			[this](const httplib::Response &res) {
				std::lock_guard lock(mutex_);
				status_ = res.status;
				headers_ = res.headers;
				got_headers_ = true;
				cv_.notify_all();
				return !stop_;
			},
			[this, deadline](const char *data, size_t length) {
				std::lock_guard lock(mutex_);
				body_.append(data, length);
				cv_.notify_all();
				return !stop_ && std::chrono::steady_clock::now() < deadline;
			});
		std::lock_guard lock(mutex_);
		finished_ = true;
		cv_.notify_all();
	}

	httplib::Client client_;
	std::thread thread_;
	std::atomic<bool> stop_{false};
	std::mutex mutex_;
	std::condition_variable cv_;
	bool got_headers_ = false;
	bool finished_ = false;
	int status_ = 0;
	httplib::Headers headers_;
	std::string body_;
};

struct SseBlock {
	std::string event;
	std::string id;
	std::string data;
	std::string retry;
	std::vector<std::string> comments;
};

// Complete blocks (ended by a blank line) of an event stream.
std::vector<SseBlock> parse_sse(const std::string &body);
// Only the `event: audio` blocks.
std::vector<SseBlock> audio_events(const std::string &body);
size_t count_audio_events(const std::string &body);

} // namespace sse_audio::test
