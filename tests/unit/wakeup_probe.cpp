// Measures what the fan-out costs when nothing happens and how late it hands on an event: a real server on
// 127.0.0.1 with MP3 listeners, idle for a while (its CPU time is read from outside, e.g. /proc/<pid>/stat under
// Wine), then events published one at a time, each timed from publish() to its first byte at a listener.
// Usage: sse_audio_wakeup_probe [idle seconds] [events] [listeners]

#include "audio/stream_hub.hpp"
#include "serve/stream_server.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
using namespace sse_audio;

// Counts bytes received by every listener, so the main thread can wait for the first byte of a new event.
struct Arrivals {
	std::mutex mutex;
	std::condition_variable cv;
	size_t bytes = 0;
};

int run(int idle_seconds, int events, int listener_count)
{
	std::mt19937 random(std::random_device{}());
	const fs::path root = fs::temp_directory_path() / ("sse_audio_probe_" + std::to_string(random()));
	fs::create_directories(root);
	std::ofstream(root / "index.html") << "<!doctype html><title>probe</title>\n";
	std::ofstream(root / "player.js") << "\n";

	HubConfig hub_config;
	hub_config.capacity_events = 64;
	hub_config.burst_events = 0;
	auto hub = std::make_shared<StreamHub>(hub_config);
	ServerConfig config;
	config.bind_address = "127.0.0.1";
	config.web_root = root.string();
	config.heartbeat = std::chrono::seconds(60); // no heartbeats to disturb the idle figure
	config.timeout_seconds = 60;
	Result<std::unique_ptr<StreamServer>> status = Error{"no free port"};
	for (int attempt = 0; attempt < 20 && !status.ok(); attempt++) {
		config.port = 20000 + static_cast<int>(random() % 30000);
		status = StreamServer::start(config, hub, nullptr);
	}
	if (!status.ok()) {
		std::fprintf(stderr, "server did not start: %s\n", status.error().c_str());
		return 1;
	}
	const std::unique_ptr<StreamServer> server = std::move(*status);

	Arrivals arrivals;
	std::atomic<bool> stop{false};
	std::vector<std::unique_ptr<httplib::Client>> clients;
	std::vector<std::thread> threads;
	for (int i = 0; i < listener_count; i++) {
		clients.push_back(std::make_unique<httplib::Client>("127.0.0.1", config.port));
		httplib::Client &client = *clients.back();
		client.set_read_timeout(120, 0);
		threads.emplace_back([&client, &arrivals, &stop] {
			client.Get("/stream.mp3", [&](const char *, size_t length) {
				std::lock_guard lock(arrivals.mutex);
				arrivals.bytes += length;
				arrivals.cv.notify_all();
				return !stop.load();
			});
		});
	}
	while (server->stats().mp3_listeners < static_cast<uint64_t>(listener_count))
		std::this_thread::sleep_for(std::chrono::milliseconds(10));

	std::printf("idle: server on port %d with %d listeners, idle for %d s\n", config.port, listener_count,
		    idle_seconds);
	std::fflush(stdout);
	std::this_thread::sleep_for(std::chrono::seconds(idle_seconds));
	std::printf("idle: done\n");
	std::fflush(stdout);

	std::vector<double> delays_ms;
	for (int i = 0; i < events; i++) {
		size_t before = 0;
		{
			std::lock_guard lock(arrivals.mutex);
			before = arrivals.bytes;
		}
		const auto published = Clock::now();
		hub->publish(std::vector<uint8_t>(200, static_cast<uint8_t>(i)), 0, 1152);
		std::unique_lock lock(arrivals.mutex);
		if (!arrivals.cv.wait_for(lock, std::chrono::seconds(2), [&] { return arrivals.bytes > before; })) {
			std::fprintf(stderr, "event %d never arrived\n", i);
			break;
		}
		delays_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - published).count());
		lock.unlock();
		// Spread the publishes over the fan-out's poll cycle, as an encoder's 24 ms frames would be.
		std::this_thread::sleep_for(std::chrono::microseconds(7000 + random() % 20000));
	}

	stop = true;
	hub->close();
	server->stop();
	for (auto &client : clients)
		client->stop();
	for (auto &thread : threads)
		thread.join();

	// Start and stop of a server without listeners: what each costs on its own.
	double start_ms = 0;
	double stop_ms = 0;
	constexpr int kCycles = 20;
	for (int i = 0; i < kCycles; i++) {
		const auto before_start = Clock::now();
		auto cycled = StreamServer::start(config, hub, nullptr);
		if (!cycled.ok())
			continue;
		const auto before_stop = Clock::now();
		(*cycled)->stop();
		start_ms += std::chrono::duration<double, std::milli>(before_stop - before_start).count();
		stop_ms += std::chrono::duration<double, std::milli>(Clock::now() - before_stop).count();
	}
	std::printf("start %.1f ms, stop %.1f ms (mean of %d)\n", start_ms / kCycles, stop_ms / kCycles, kCycles);
	fs::remove_all(root);

	if (delays_ms.empty())
		return 1;
	std::sort(delays_ms.begin(), delays_ms.end());
	double sum = 0;
	for (const double d : delays_ms)
		sum += d;
	const auto at = [&](double q) {
		return delays_ms[static_cast<size_t>(q * static_cast<double>(delays_ms.size() - 1))];
	};
	std::printf(
		"wake-up delay (publish -> first byte at a listener) over %zu events: mean %.2f ms, median %.2f ms, "
		"p90 %.2f ms, max %.2f ms\n",
		delays_ms.size(), sum / static_cast<double>(delays_ms.size()), at(0.5), at(0.9), delays_ms.back());
	return delays_ms.size() == static_cast<size_t>(events) ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
	const int idle_seconds = argc > 1 ? std::stoi(argv[1]) : 10;
	const int events = argc > 2 ? std::stoi(argv[2]) : 200;
	const int listeners = argc > 3 ? std::stoi(argv[3]) : 2;
	return run(idle_seconds, events, listeners);
}
