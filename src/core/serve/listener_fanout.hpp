#pragma once

#include "base/inbox.hpp"
#include "base/latency_histogram.hpp"
#include "net/socket_watch.hpp"
#include "net/socket_io.hpp"
#include "audio/stream_hub.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace sse_audio {

enum class ListenerKind { Sse, Mp3 };

struct FanoutConfig {
	std::chrono::milliseconds heartbeat{5000}; // SSE comment after this long without a write
	std::chrono::milliseconds timeout{15000};  // a listener whose socket accepts nothing this long is dropped
};

// A connection whose request was answered with 200 and that now only receives the stream.
struct NewListener {
	socket_t sock = net::kInvalidSocket;
	ListenerKind kind = ListenerKind::Sse;
	uint64_t next_id = 0;         // first hub event to send
	std::string preamble;         // response head and, for SSE, the retry hint: written before any event
	std::function<void()> on_end; // runs once on the fan-out thread when the listener is gone, however it ended
};

// Figures of the listeners the fan-out holds and has held, for /status.json.
struct FanoutStats {
	uint64_t sse_now = 0;
	uint64_t mp3_now = 0;
	uint64_t left = 0;      // the listener closed the connection
	uint64_t timed_out = 0; // its socket accepted nothing for `timeout`
	uint64_t bytes_sent = 0;
	uint64_t events_sent = 0;
	uint64_t writes = 0;            // send calls on listener sockets
	double writes_per_second = 0.0; // over the last full second or so
};

// Writes the hub's events to every listener from one thread, without blocking on any of them.
//
// Why not a thread per listener (cpp-httplib's model, which serves the page and the status here): at 42 events a
// second every listener thread was woken 42 times a second, and at 1000 listeners those wake-ups cost 17 times
// Icecast's CPU. One thread that watches the sockets and sends each event with one non-blocking call per listener
// does the same work without them, holds no stack per listener, and can close every connection at once on stop.
// The sockets are watched with an edge-triggered epoll where there is one (net::SocketWatch): rebuilding a poll
// set of every socket at each of the 42+ wake-ups a second cost as much as a tenth of the fan-out's time.
//
// A listener whose socket is full keeps its place in the hub while the others go on; when its socket has accepted
// nothing for `timeout` it is dropped, and when it falls out of the hub's ring it is moved to the live edge
// (counted by the hub). Bytes a listener sends after its request are read and dropped; a listener that keeps
// sending is disconnected.
//
// Every event is written the moment it is there: a listener already behind gets everything queued in one write,
// but a lone event never waits for the next. A write costs about the same CPU whatever it carries (mostly loopback
// or network TCP work), so the fan-out's CPU follows its writes; fewer writes would mean holding audio back, and
// the delay is what this server is for. Measured (bench/README.md): holding a lone event up to 25 ms (from 200
// listeners on, within 65 ms of its capture) cut a quarter of the writes for 4 to 12 ms more delay at 1000
// listeners; io_uring, every write of a pass in one system call, saved 3 to 18 % of a write's CPU
// (bench/write-cost.sh), not enough for a second send path.
class ListenerFanout {
public:
	// Starts the fan-out's threads; they run until stop() or the destructor.
	static std::unique_ptr<ListenerFanout> start(std::shared_ptr<StreamHub> hub, FanoutConfig config);
	~ListenerFanout();
	ListenerFanout(const ListenerFanout &) = delete;
	ListenerFanout &operator=(const ListenerFanout &) = delete;

	// Takes ownership of the socket; from here on only the fan-out thread touches it.
	void add(NewListener listener);

	// Gives SSE listeners the `stopped` event where their socket takes it at once, closes every connection and
	// joins the threads. Returns promptly whatever the listeners do. Safe to call more than once.
	void stop();

	[[nodiscard]] FanoutStats stats() const;
	// Capture of an event's first sample → the event handed to a listener's socket, per listener and event.
	[[nodiscard]] LatencySummary send_delay_ms() const { return send_delay_ms_.summary(); }
	// One pass of the fan-out thread over its listeners, from its wake-up to its last write, in microseconds.
	[[nodiscard]] LatencySummary wake_to_done_us() const { return wake_to_done_us_.summary(); }

private:
	struct Listener;

	ListenerFanout(std::shared_ptr<StreamHub> hub, FanoutConfig config);
	void run();
	void watch_hub();
	void wake();
	void adopt_new_listeners(std::vector<std::unique_ptr<Listener>> &listeners);
	// Writes what the listener's socket takes now; false when the listener is finished with.
	bool pump(Listener &listener, std::chrono::steady_clock::time_point now);
	void fill(Listener &listener);
	void count_writes(std::chrono::steady_clock::time_point now);
	bool drain_input(Listener &listener);
	enum class EndReason { Left, TimedOut, Finished };
	void end(Listener &listener, EndReason reason);
	void farewell(Listener &listener);

	std::shared_ptr<StreamHub> hub_;
	FanoutConfig config_;
	std::string heartbeat_;
	std::string stopped_;

	Inbox<NewListener> inbox_;
	std::atomic<bool> stopping_{false};
	net::SocketWatch watch_;
	std::thread thread_;
	std::thread hub_watcher_;
	// The hub's state as the fan-out thread last saw it (that thread only).
	uint64_t hub_newest_ = 0;
	bool hub_closed_ = false;
	uint64_t writes_at_mark_ = 0;
	std::chrono::steady_clock::time_point writes_mark_{};

	// Written by the fan-out thread only; read by stats().
	std::atomic<uint64_t> sse_now_{0};
	std::atomic<uint64_t> mp3_now_{0};
	std::atomic<uint64_t> left_{0};
	std::atomic<uint64_t> timed_out_{0};
	std::atomic<uint64_t> bytes_sent_{0};
	std::atomic<uint64_t> events_sent_{0};
	std::atomic<uint64_t> writes_{0};
	std::atomic<double> writes_per_second_{0.0};
	LatencyHistogram send_delay_ms_;
	LatencyHistogram wake_to_done_us_;
};

} // namespace sse_audio
