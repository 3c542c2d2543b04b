#pragma once

#include "base/inbox.hpp"
#include "net/poll_set.hpp"
#include "net/request_head.hpp"
#include "net/socket_io.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sse_audio {

struct RequestGateLimits {
	RequestHeadLimits head;
	// From the connection (or, kept alive, from the first byte) to the end of the head. A GET head is one packet;
	// 5 s is generous on any network and bounds what a slow-loris client can hold.
	std::chrono::milliseconds request_deadline{5000};
	std::chrono::milliseconds keep_alive_idle{3000}; // a kept-alive connection's wait for its next request
	size_t max_connections = 4096;                   // waiting for their request head, in all
	// Waiting connections from one address before its silent ones are let go for its newcomers. A browser opens
	// a few; a venue's NAT may put many phones behind one address, but each waits here only until its request
	// head arrives.
	size_t max_per_address = 64;
	// How long a connection must have sent nothing before it may be let go for room: well over a slow network's
	// round trip, so that a real client whose request is on its way is not mistaken for a silent one.
	std::chrono::milliseconds silent_age{1000};
};

// Where connections wait, on one thread and without a worker, until their whole request head has arrived and
// passed RequestHeadScanner. Then the connection and the bytes received go to `dispatch` (the request workers).
// A head that is refused gets its 4xx/5xx here; one that does not arrive by the deadline gets 408 (or, on an
// idle kept-alive connection, a plain close). So a slow or hostile client holds a descriptor, never a thread.
// When an address has max_per_address connections waiting, or the gate max_connections, a newcomer makes room by
// the oldest silent connection (one that has sent nothing for silent_age) being let go, of its own address first.
// When the gate is full and nobody has been silent that long, the address holding the most connections gives up
// its oldest silent one if it is over its share. So a client that opens connections and says nothing cannot keep
// anyone else out; a newcomer is refused (503) only when no crowded address has a silent connection to give up.
class RequestGate {
public:
	// What became of a whole request handed on.
	enum class Dispatched {
		Taken, // the workers have it (and `received`, moved out)
		Later, // its address has its share of the workers busy: it waits here, and is offered again
		Full,  // the workers' wait list is full: the gate answers 503
	};
	using Dispatch = std::function<Dispatched(socket_t, std::string &received, const std::string &address)>;

	// Starts the gate's thread; it runs until stop() or the destructor.
	static std::unique_ptr<RequestGate> start(RequestGateLimits limits, Dispatch dispatch);
	~RequestGate();
	RequestGate(const RequestGate &) = delete;
	RequestGate &operator=(const RequestGate &) = delete;

	// Takes ownership of the socket. `received`: bytes of the next request already read (pipelining);
	// `kept_alive`: the connection has been served before, so an idle close is not an error.
	void add(socket_t sock, std::string received, bool kept_alive);
	// Closes every waiting connection and joins the thread. Safe to call more than once.
	void stop();
	// A worker became free: requests held back (Dispatched::Later) are offered again now rather than at the tick.
	void retry_held() { wake(); }

	[[nodiscard]] uint64_t refused() const { return refused_.load(); } // bad heads, timeouts, no room
	[[nodiscard]] uint64_t evicted() const { return evicted_.load(); } // silent connections let go for room

private:
	struct Waiting;

	RequestGate(RequestGateLimits limits, Dispatch dispatch);
	void run();
	void wake();
	// Reads what arrived and decides; false once the connection has left the gate.
	bool on_readable(Waiting &waiting);
	bool judge(Waiting &waiting);
	// Offers a whole request to dispatch_; false once the connection has left the gate.
	bool offer(Waiting &waiting);
	// Gate thread: takes `incoming` into `waiting` if there is room or room can be made (see the class comment);
	// otherwise answers 503.
	void admit(std::vector<Waiting> &waiting, Waiting incoming);
	void answer_and_close(Waiting &waiting, int status, const char *reason);

	RequestGateLimits limits_;
	Dispatch dispatch_;
	Inbox<Waiting> inbox_;
	std::atomic<bool> stopping_{false};
	std::atomic<uint64_t> refused_{0};
	std::atomic<uint64_t> evicted_{0};
	std::unordered_map<std::string, size_t> per_address_; // gate thread only: waiting connections by address
	net::PollSet poll_;
	std::thread thread_;
};

// The reason phrase for the statuses this server sends ("Not Found"); a generic one for others.
const char *http_status_text(int status);

// How long a client refused for being one too many (503, 429) is asked to wait before it tries again.
inline constexpr int kRetryAfterSeconds = 5;

// The whole response for a request the server refuses before routing it (also used for 503 when full).
std::string refusal_response(int status, const char *reason);

} // namespace sse_audio
