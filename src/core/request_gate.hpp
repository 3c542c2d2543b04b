#pragma once

#include "request_head.hpp"
#include "socket_io.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sse_audio {

struct RequestGateLimits {
	RequestHeadLimits head;
	// From the connection (or, kept alive, from the first byte) to the end of the head. A GET head is one packet;
	// 5 s is generous on any network and bounds what a slow-loris client can hold.
	std::chrono::milliseconds request_deadline{5000};
	std::chrono::milliseconds keep_alive_idle{3000}; // a kept-alive connection's wait for its next request
	size_t max_connections = 4096;                   // waiting for their request head; more get 503
};

// Where connections wait, on one thread and without a worker, until their whole request head has arrived and
// passed RequestHeadScanner. Then the connection and the bytes received go to `dispatch` (the request workers).
// A head that is refused gets its 4xx/5xx here; one that does not arrive by the deadline gets 408 (or, on an
// idle kept-alive connection, a plain close). So a slow or hostile client holds a descriptor, never a thread.
class RequestGate {
public:
	// Returns false when it cannot take the connection now (the workers' wait list is full): the gate answers 503.
	using Dispatch = std::function<bool(socket_t, std::string received)>;

	RequestGate(RequestGateLimits limits, Dispatch dispatch);
	~RequestGate();
	RequestGate(const RequestGate &) = delete;
	RequestGate &operator=(const RequestGate &) = delete;

	// Takes ownership of the socket. `received`: bytes of the next request already read (pipelining);
	// `kept_alive`: the connection has been served before, so an idle close is not an error.
	void add(socket_t sock, std::string received, bool kept_alive);
	// Closes every waiting connection and joins the thread.
	void stop();

	[[nodiscard]] uint64_t refused() const { return refused_.load(); } // bad heads, timeouts, no room

private:
	struct Waiting;

	void run();
	void wake();
	// Reads what arrived and decides; false once the connection has left the gate.
	bool on_readable(Waiting &waiting);
	bool judge(Waiting &waiting);
	void answer_and_close(Waiting &waiting, int status, const char *reason);

	RequestGateLimits limits_;
	Dispatch dispatch_;
	std::mutex inbox_mutex_;
	std::vector<Waiting> inbox_;
	std::atomic<bool> stopping_{false};
	std::atomic<uint64_t> refused_{0};
	std::atomic<size_t> waiting_count_{0};
	net::PollWakeup wakeup_;
	std::thread thread_;
};

// The reason phrase for the statuses this server sends ("Not Found"); a generic one for others.
const char *http_status_text(int status);

// The whole response for a request the server refuses before routing it (also used for 503 when full).
std::string refusal_response(int status, const char *reason);

} // namespace sse_audio
