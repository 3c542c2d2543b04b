#pragma once

#include "net/connection_stream.hpp"
#include "base/result.hpp"
#include "net/request_gate.hpp"

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <string>
#include <mutex>
#include <thread>

namespace sse_audio {

struct TakeoverServerLimits {
	ConnectionLimits connection;
	RequestGateLimits gate;
	size_t workers = 8;       // threads answering whole requests (page, status); listeners hold none
	size_t max_waiting = 256; // whole requests waiting for a worker; more get 503 at once
	// Workers one address may keep busy at once; its further requests wait in the gate, holding no worker. A
	// client that pipelines requests and reads no answers can then hold only these, not every worker.
	size_t workers_per_address = 4;
	// The kernel's send buffer of a request's connection: the whole player (about 100 KB) fits, so a response
	// is written at once however slowly the client reads, and a slow reader holds no worker.
	int send_buffer_bytes = 256 * 1024;
	int listen_backlog = 511; // cpp-httplib's own is 5, too few for a crowd joining at once
};

// cpp-httplib's Server, reshaped for a streaming server:
// - accepted connections wait in a RequestGate (one thread, poll) until their request head has arrived whole
//   and well-formed; only then does a worker run cpp-httplib's request processing and routing on it;
// - a route handler can take its connection over (take_over): the server then neither writes the handler's
//   response nor closes the socket, but hands it on (to the listener fan-out), so a listener holds no thread;
// - a kept-alive connection goes back to the gate between requests instead of holding its worker.
// Reshaping it needs cpp-httplib's internals (Server::process_and_close_socket, process_request, TaskQueue,
// Stream), which change between its versions. takeover_server.cpp is the one file that touches them, so this
// header offers the Server only through its public API (server()); CMake builds it for the tested versions only.
class TakeoverServer {
public:
	// Sets routes and options on cpp-httplib's Server, before any request can arrive.
	using Configure = std::function<void(TakeoverServer &)>;
	// Runs `configure`, binds `address`:`port` and serves from then on, until stop() or the destructor. Fails with
	// a message a streamer can act on (port in use, no such address); nothing is left running then.
	static Result<std::unique_ptr<TakeoverServer>> start(TakeoverServerLimits limits, const std::string &address,
							     int port, const Configure &configure);
	~TakeoverServer();
	TakeoverServer(const TakeoverServer &) = delete;
	TakeoverServer &operator=(const TakeoverServer &) = delete;

	// Routes and options (cpp-httplib's public API), for `configure`: the Server is not safe to change once it
	// serves.
	httplib::Server &server();

	using Adopt = std::function<void(socket_t)>;
	// From a route handler: once the handler returns, the connection's socket goes to `adopt` instead of the
	// response in `res` being written. False when called outside a request of a TakeoverServer.
	static bool take_over(Adopt adopt);

	// Stops accepting, lets slow clients and waiting connections go at once and joins every thread (accept loop,
	// gate, workers). Safe to call more than once.
	void stop();

	// Requests refused before routing: malformed or oversized heads, timeouts, no room.
	[[nodiscard]] uint64_t refused() const;
	// Silent connections let go to make room for newcomers (RequestGate).
	[[nodiscard]] uint64_t evicted() const;

private:
	class Workers;
	class AcceptHandOff;
	class Http;

	explicit TakeoverServer(TakeoverServerLimits limits);
	void warm_up();
	// After bind_to_port: widens the listen backlog.
	void widen_backlog();
	RequestGate::Dispatched dispatch(socket_t sock, std::string &received, const std::string &address);
	void serve(socket_t sock, std::string received);
	// A worker finished a request of `address`.
	void done_with(const std::string &address);

	TakeoverServerLimits limits_;
	std::atomic<bool> stopping_{false};
	// First, so destroyed last, as when TakeoverServer derived from it: workers may run its routes until joined.
	std::unique_ptr<Http> http_;
	std::unique_ptr<Workers> workers_;
	std::unique_ptr<RequestGate> gate_;
	std::mutex busy_mutex_;
	std::unordered_map<std::string, size_t> busy_; // workers busy per address (under busy_mutex_)
	std::thread accept_thread_;                    // cpp-httplib's accept loop (listen_after_bind)
};

} // namespace sse_audio
