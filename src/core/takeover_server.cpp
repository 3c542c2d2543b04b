#include "takeover_server.hpp"

#include "thread_name.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#ifndef _WIN32
#include <sys/socket.h>
#endif

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
	void enqueue(std::function<void()> fn) override { fn(); }
	void shutdown() override
	{
		server_.gate_->stop();
		server_.workers_->shutdown();
	}

private:
	TakeoverServer &server_;
};

TakeoverServer::TakeoverServer(TakeoverServerLimits limits) : limits_(limits)
{
	gate_ = std::make_unique<RequestGate>(limits_.gate, [this](socket_t sock, std::string received) {
		return dispatch(sock, std::move(received));
	});
	set_keep_alive_max_count(kAnnouncedKeepAliveMax);
	set_keep_alive_timeout(std::max<time_t>(
		std::chrono::duration_cast<std::chrono::seconds>(limits_.gate.keep_alive_idle).count(), 1));
	new_task_queue = [this] {
		return new AcceptHandOff(*this);
	};
}

TakeoverServer::~TakeoverServer()
{
	stopping_ = true;
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
	bool is_writable() const override { return true; }
	ssize_t read(char *ptr, size_t size) override
	{
		const size_t n = std::min(size, request_.size() - read_);
		std::copy_n(request_.data() + read_, n, ptr);
		read_ += n;
		return static_cast<ssize_t>(n);
	}
	ssize_t write(const char *, size_t size) override { return static_cast<ssize_t>(size); }
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
	socket_t socket() const override { return 0; }

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
	process_request(stream, true, closes, nullptr);
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
	if (svr_sock_ != INVALID_SOCKET)
		::listen(svr_sock_, limits_.listen_backlog);
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

bool TakeoverServer::process_and_close_socket(socket_t sock)
{
	gate_->add(sock, {}, false);
	return true;
}

bool TakeoverServer::dispatch(socket_t sock, std::string received)
{
	auto shared = std::make_shared<std::string>(std::move(received));
	return workers_->post([this, sock, shared] { serve(sock, std::move(*shared)); });
}

void TakeoverServer::serve(socket_t sock, std::string received)
{
	// The gate made the socket non-blocking; ConnectionStream waits with poll.
	ConnectionStream stream(sock, limits_.connection, stopping_, std::move(received));
	CurrentRequest current{&stream, {}};
	t_current = &current;
	bool client_closes = false;
	const bool ok = !stopping_ && process_request(stream, false, client_closes, nullptr);
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
