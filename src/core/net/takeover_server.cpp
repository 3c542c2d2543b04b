// The one file that touches cpp-httplib's internals: subclasses of Server, TaskQueue and Stream, and the protected
// process_request and svr_sock_. Their signatures changed after 0.11; CMake reads the version from httplib.h,
// refuses one outside the tested range and passes it here as SSE_AUDIO_HTTPLIB_VERSION (major * 1000000 +
// minor * 1000 + patch). The thresholds below are the upstream releases that made each change.
#include "net/takeover_server.hpp"

#include "base/thread_name.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#ifndef _WIN32
#include <sys/socket.h>
#endif

#ifndef SSE_AUDIO_HTTPLIB_VERSION
#error "SSE_AUDIO_HTTPLIB_VERSION is set by CMake (cmake/Dependencies.cmake) from httplib.h"
#endif
// 0.15.0: TaskQueue::enqueue returns whether it took the task.
#define SSE_AUDIO_HTTPLIB_ENQUEUE_RETURNS_BOOL (SSE_AUDIO_HTTPLIB_VERSION >= 15000)
// 0.18.0: process_request takes the remote and local addresses and ports instead of asking the stream.
#define SSE_AUDIO_HTTPLIB_REQUEST_TAKES_ADDRESSES (SSE_AUDIO_HTTPLIB_VERSION >= 18000)
// 0.19.0: Stream::duration, the milliseconds since the request started.
#define SSE_AUDIO_HTTPLIB_STREAM_HAS_DURATION (SSE_AUDIO_HTTPLIB_VERSION >= 19000)
// 0.20.0: Stream::is_writable becomes wait_writable, and is_readable (now: bytes buffered, without waiting) gets a
// waiting twin, wait_readable.
#define SSE_AUDIO_HTTPLIB_STREAM_WAITS (SSE_AUDIO_HTTPLIB_VERSION >= 20000)

namespace sse_audio {

namespace {

// The request being served on this thread, so that a route handler can take its connection over.
struct CurrentRequest {
	ConnectionStream *stream = nullptr;
	TakeoverServer::Adopt adopt;
};
thread_local CurrentRequest *t_current = nullptr;

// Keep-Alive is announced with these; the gate's idle limit is what applies.
constexpr size_t kAnnouncedKeepAliveMax = 100;

} // namespace

// A fixed set of threads running whole requests, with a bounded wait list.
class TakeoverServer::Workers {
public:
	Workers(size_t count, size_t max_waiting) : max_waiting_(max_waiting)
	{
		for (size_t i = 0; i < count; i++)
			threads_.emplace_back([this] {
				set_current_thread_name("sse-http");
				work();
			});
	}
	~Workers() { shutdown(); }
	Workers(const Workers &) = delete;
	Workers &operator=(const Workers &) = delete;

	bool post(std::function<void()> task)
	{
		{
			std::lock_guard lock(mutex_);
			if (shutdown_ || waiting_.size() >= max_waiting_)
				return false;
			waiting_.push_back(std::move(task));
		}
		cv_.notify_one();
		return true;
	}

	// Runs what is already waiting (each task notices the stop and finishes quickly), then joins.
	void shutdown()
	{
		{
			std::lock_guard lock(mutex_);
			shutdown_ = true;
		}
		cv_.notify_all();
		for (auto &thread : threads_)
			if (thread.joinable())
				thread.join();
	}

private:
	void work()
	{
		while (true) {
			std::function<void()> task;
			{
				std::unique_lock lock(mutex_);
				cv_.wait(lock, [&] { return shutdown_ || !waiting_.empty(); });
				if (waiting_.empty())
					return;
				task = std::move(waiting_.front());
				waiting_.pop_front();
			}
			task();
		}
	}

	size_t max_waiting_;
	std::mutex mutex_;
	std::condition_variable cv_;
	std::deque<std::function<void()>> waiting_;
	std::vector<std::thread> threads_;
	bool shutdown_ = false;
};

// cpp-httplib's accept loop hands each accepted connection to a task queue. This one runs the task at once on
// the accept thread: the task is process_and_close_socket, which only passes the socket to the gate. When the
// accept loop ends, the gate and the workers are stopped.
class TakeoverServer::AcceptHandOff final : public httplib::TaskQueue {
public:
	explicit AcceptHandOff(TakeoverServer &server) : server_(server)
	{
		server_.warm_up();
		server_.workers_ = std::make_unique<Workers>(server_.limits_.workers, server_.limits_.max_waiting);
	}
#if SSE_AUDIO_HTTPLIB_ENQUEUE_RETURNS_BOOL
	bool enqueue(std::function<void()> fn) override
	{
		fn();
		return true;
	}
#else
	void enqueue(std::function<void()> fn) override
	{
		fn();
	}
#endif
	void shutdown() override
	{
		server_.gate_->stop();
		server_.workers_->shutdown();
	}

private:
	TakeoverServer &server_;
};

// cpp-httplib's Server with its connection handling replaced: an accepted socket goes to the gate, and a worker
// runs process_request on a whole request head.
class TakeoverServer::Http final : public httplib::Server {
public:
	explicit Http(TakeoverServer &owner) : owner_(owner) {}

	// Runs cpp-httplib's parsing, routing and response writing for one request on `stream`.
	bool process(httplib::Stream &stream, bool close_connection, bool &connection_closed)
	{
#if SSE_AUDIO_HTTPLIB_REQUEST_TAKES_ADDRESSES
		std::string remote_addr;
		int remote_port = 0;
		stream.get_remote_ip_and_port(remote_addr, remote_port);
		std::string local_addr;
		int local_port = 0;
		stream.get_local_ip_and_port(local_addr, local_port);
		return process_request(stream, remote_addr, remote_port, local_addr, local_port, close_connection,
				       connection_closed, nullptr);
#else
		return process_request(stream, close_connection, connection_closed, nullptr);
#endif
	}

	[[nodiscard]] socket_t listening_socket() const
	{
		return svr_sock_;
	}

private:
	bool process_and_close_socket(socket_t sock) override
	{
		net::set_send_buffer(sock, owner_.limits_.send_buffer_bytes);
		owner_.gate_->add(sock, {}, false);
		return true;
	}

	TakeoverServer &owner_;
};

namespace {

// cpp-httplib's view of a ConnectionStream.
class StreamAdapter final : public httplib::Stream {
public:
	explicit StreamAdapter(ConnectionStream &stream) : stream_(stream) {}
#if SSE_AUDIO_HTTPLIB_STREAM_WAITS
	bool is_readable() const override
	{
		return stream_.has_buffered();
	}
	bool wait_readable() const override
	{
		return stream_.wait_readable();
	}
	bool wait_writable() const override
	{
		return stream_.wait_writable();
	}
#else
	bool is_readable() const override
	{
		return stream_.wait_readable();
	}
	bool is_writable() const override
	{
		return stream_.wait_writable();
	}
#endif
#if SSE_AUDIO_HTTPLIB_STREAM_HAS_DURATION
	time_t duration() const override
	{
		return static_cast<time_t>(stream_.elapsed_ms());
	}
#endif
	ssize_t read(char *ptr, size_t size) override
	{
		return static_cast<ssize_t>(stream_.read(ptr, size));
	}
	ssize_t write(const char *ptr, size_t size) override
	{
		return static_cast<ssize_t>(stream_.write(ptr, size));
	}
	void get_remote_ip_and_port(std::string &ip, int &port) const override
	{
		stream_.get_remote_ip_and_port(ip, port);
	}
	void get_local_ip_and_port(std::string &ip, int &port) const override
	{
		stream_.get_local_ip_and_port(ip, port);
	}
	socket_t socket() const override
	{
		return stream_.socket();
	}

private:
	ConnectionStream &stream_;
};

// Why the port could not be bound, read from the error bind_to_port left. The common reasons have a text in the
// locale files (the dock shows it translated); the others are the system's words.
Error bind_failure(const std::string &address, int port)
{
#ifdef _WIN32
	// Winsock reports through its own error, not errno. WSAEACCES: another program holds the port exclusively,
	// or Windows reserved it (Hyper-V's excluded ranges); no port needs special rights there.
	const int wsa = WSAGetLastError();
	const int err = wsa == WSAEADDRINUSE      ? EADDRINUSE
			: wsa == WSAEACCES        ? EACCES
			: wsa == WSAEADDRNOTAVAIL ? EADDRNOTAVAIL
						  : errno;
	const char *const denied = "the port is already in use by another program, or reserved by Windows";
	const char *const denied_key = "Failure.PortDeniedWindows";
#else
	const int err = errno;
	const char *const denied = "permission denied (ports below 1024 need special rights)";
	const char *const denied_key = "Failure.PortDenied";
#endif
	std::string reason = "the address could not be used";
	const char *key = "";
	if (err == EADDRINUSE) {
		reason = "the port is already in use by another program";
		key = "Failure.PortInUse";
	} else if (err == EACCES) {
		reason = denied;
		key = denied_key;
	} else if (err == EADDRNOTAVAIL) {
		reason = "this machine has no such address";
		key = "Failure.NoSuchAddress";
	} else if (err != 0) {
		reason = std::generic_category().message(err);
	}
	const std::string port_text = std::to_string(port);
	return Error{"Cannot listen on " + address + " port " + port_text + ": " + reason, key, {address, port_text}};
}

} // namespace

Result<std::unique_ptr<TakeoverServer>> TakeoverServer::start(TakeoverServerLimits limits, const std::string &address,
							      int port, const Configure &configure)
{
	std::unique_ptr<TakeoverServer> server(new TakeoverServer(limits));
	configure(*server);
	errno = 0;
#ifdef _WIN32
	WSASetLastError(0);
#endif
	if (!server->http_->bind_to_port(address, port))
		return bind_failure(address, port); // read before the server's destructor can touch errno
	server->widen_backlog();
	server->accept_thread_ = std::thread([raw = server.get()] {
		set_current_thread_name("sse-http-accept");
		raw->http_->listen_after_bind();
	});
	// cpp-httplib's stop() only works once the accept loop runs; wait for it so that an immediate stop cannot be
	// lost.
	for (int i = 0; i < 2000 && !server->http_->is_running(); i++)
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
	return server;
}

TakeoverServer::TakeoverServer(TakeoverServerLimits limits) : limits_(limits), http_(std::make_unique<Http>(*this))
{
	gate_ = RequestGate::start(limits_.gate,
				   [this](socket_t sock, std::string &received, const std::string &address) {
					   return dispatch(sock, received, address);
				   });
	http_->set_keep_alive_max_count(kAnnouncedKeepAliveMax);
	http_->set_keep_alive_timeout(std::max<time_t>(
		std::chrono::duration_cast<std::chrono::seconds>(limits_.gate.keep_alive_idle).count(), 1));
	http_->new_task_queue = [this] {
		return new AcceptHandOff(*this);
	};
}

httplib::Server &TakeoverServer::server()
{
	return *http_;
}

TakeoverServer::~TakeoverServer()
{
	stop();
}

void TakeoverServer::stop()
{
	// Slow clients and waiting connections are let go at once; then no new connection is accepted.
	stopping_ = true;
	if (accept_thread_.joinable()) {
		http_->stop();
		accept_thread_.join();
	}
	// The accept loop's end already stopped the gate and the workers (AcceptHandOff::shutdown); a server that
	// never listened has a gate to stop all the same.
	gate_->stop();
	if (workers_)
		workers_->shutdown();
}

namespace {

// A request that never touches a socket, for warm_up.
class MemoryStream final : public httplib::Stream {
public:
	explicit MemoryStream(std::string request) : request_(std::move(request)) {}
	bool is_readable() const override { return read_ < request_.size(); }
#if SSE_AUDIO_HTTPLIB_STREAM_WAITS
	bool wait_readable() const override
	{
		return read_ < request_.size();
	}
	bool wait_writable() const override
	{
		return true;
	}
#else
	bool is_writable() const override
	{
		return true;
	}
#endif
#if SSE_AUDIO_HTTPLIB_STREAM_HAS_DURATION
	time_t duration() const override
	{
		return 0;
	}
#endif
	ssize_t read(char *ptr, size_t size) override
	{
		const size_t n = std::min(size, request_.size() - read_);
		std::copy_n(request_.data() + read_, n, ptr);
		read_ += n;
		return static_cast<ssize_t>(n);
	}
	ssize_t write(const char *, size_t size) override
	{
		return static_cast<ssize_t>(size);
	}
	void get_remote_ip_and_port(std::string &ip, int &port) const override
	{
		ip = "127.0.0.1";
		port = 0;
	}
	void get_local_ip_and_port(std::string &ip, int &port) const override
	{
		ip = "127.0.0.1";
		port = 0;
	}
	socket_t socket() const override
	{
		return 0;
	}

private:
	std::string request_;
	size_t read_ = 0;
};

} // namespace

// cpp-httplib builds some function-local statics on first use. Its library is not built with our sanitizers, so
// ThreadSanitizer cannot see the guard that orders their first use on one worker before the next one's, and
// reports a race. One request on this thread, before any worker exists, builds them where thread creation orders
// everything after it.
void TakeoverServer::warm_up()
{
	MemoryStream stream("GET /warm-up.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
	bool closes = false;
	http_->process(stream, true, closes);
}

bool TakeoverServer::take_over(Adopt adopt)
{
	if (!t_current)
		return false;
	t_current->adopt = std::move(adopt);
	t_current->stream->swallow_writes();
	return true;
}

void TakeoverServer::widen_backlog()
{
#ifndef _WIN32
	// Listening again on a listening socket only changes its backlog.
	const socket_t sock = http_->listening_socket();
	if (sock != INVALID_SOCKET)
		::listen(sock, limits_.listen_backlog);
#endif
}

uint64_t TakeoverServer::refused() const
{
	return gate_->refused();
}

uint64_t TakeoverServer::evicted() const
{
	return gate_->evicted();
}

RequestGate::Dispatched TakeoverServer::dispatch(socket_t sock, std::string &received, const std::string &address)
{
	std::lock_guard lock(busy_mutex_);
	size_t &busy = busy_[address];
	if (busy >= limits_.workers_per_address)
		return RequestGate::Dispatched::Later;
	auto shared = std::make_shared<std::string>(std::move(received));
	const bool posted = workers_->post([this, sock, shared, address] {
		serve(sock, std::move(*shared));
		done_with(address);
	});
	if (!posted) {
		received = std::move(*shared);
		if (busy == 0)
			busy_.erase(address);
		return RequestGate::Dispatched::Full;
	}
	busy++;
	return RequestGate::Dispatched::Taken;
}

void TakeoverServer::done_with(const std::string &address)
{
	{
		std::lock_guard lock(busy_mutex_);
		const auto found = busy_.find(address);
		if (found != busy_.end() && --found->second == 0)
			busy_.erase(found);
	}
	gate_->retry_held();
}

void TakeoverServer::serve(socket_t sock, std::string received)
{
	// The gate made the socket non-blocking; ConnectionStream waits with poll.
	ConnectionStream stream(sock, limits_.connection, stopping_, std::move(received));
	StreamAdapter adapter(stream);
	CurrentRequest current{&stream, {}};
	t_current = &current;
	bool client_closes = false;
	const bool ok = !stopping_ && http_->process(adapter, false, client_closes);
	t_current = nullptr;
	if (current.adopt) {
		current.adopt(sock);
		return;
	}
	if (ok && !client_closes && !stopping_) {
		gate_->add(sock, stream.take_unread(), true);
		return;
	}
#ifndef _WIN32
	::shutdown(sock, SHUT_RDWR);
#endif
	net::close_socket(sock);
}

} // namespace sse_audio
