#include "request_gate.hpp"

#include "thread_name.hpp"

#include <array>

#ifndef _WIN32
#include <sys/socket.h>
#endif

namespace sse_audio {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kTickMs = 100;

} // namespace

const char *http_status_text(int status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 429:
		return "Too Many Requests";
	case 431:
		return "Request Header Fields Too Large";
	case 503:
		return "Service Unavailable";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return status >= 500 ? "Server Error" : "Error";
	}
}

std::string refusal_response(int status, const char *reason)
{
	const std::string body = std::to_string(status) + " " + http_status_text(status) + ": " + reason + "\n";
	std::string response = "HTTP/1.1 " + std::to_string(status) + " " + http_status_text(status) + "\r\n";
	if (status == 405)
		response += "Allow: GET, HEAD\r\n";
	if (status == 503)
		response += "Retry-After: 5\r\n";
	response += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
		    "\r\nConnection: close\r\n\r\n" + body;
	return response;
}

struct RequestGate::Waiting {
	socket_t sock = net::kInvalidSocket;
	std::string received;
	RequestHeadScanner scanner;
	bool kept_alive = false;
	Clock::time_point deadline;
	bool gone = false;
};

RequestGate::RequestGate(RequestGateLimits limits, Dispatch dispatch) : limits_(limits), dispatch_(std::move(dispatch))
{
	thread_ = std::thread([this] {
		set_current_thread_name("sse-http-gate");
		run();
	});
}

RequestGate::~RequestGate()
{
	stop();
}

void RequestGate::wake()
{
	wakeup_.signal();
}

void RequestGate::add(socket_t sock, std::string received, bool kept_alive)
{
	Waiting waiting;
	waiting.sock = sock;
	waiting.received = std::move(received);
	waiting.scanner = RequestHeadScanner(limits_.head);
	waiting.kept_alive = kept_alive;
	const bool started = !waiting.received.empty() || !kept_alive;
	waiting.deadline = Clock::now() + (started ? limits_.request_deadline : limits_.keep_alive_idle);
	if (stopping_ || waiting_count_.load() >= limits_.max_connections) {
		refused_.fetch_add(1);
		if (!stopping_)
			answer_and_close(waiting, 503, "too many connections");
		else
			net::close_socket(sock);
		return;
	}
	waiting_count_.fetch_add(1);
	{
		std::lock_guard lock(inbox_mutex_);
		inbox_.push_back(std::move(waiting));
	}
	wake();
}

void RequestGate::stop()
{
	stopping_ = true;
	wake();
	if (thread_.joinable())
		thread_.join();
	std::lock_guard lock(inbox_mutex_);
	for (auto &waiting : inbox_)
		net::close_socket(waiting.sock);
	inbox_.clear();
}

void RequestGate::answer_and_close(Waiting &waiting, int status, const char *reason)
{
	// One non-blocking attempt: a client that does not take a few hundred bytes at once gets the close alone.
	const std::string response = refusal_response(status, reason);
	const std::string_view part = response;
	net::send_now(waiting.sock, std::span(&part, 1));
#ifndef _WIN32
	::shutdown(waiting.sock, SHUT_RDWR);
#endif
	net::close_socket(waiting.sock);
	waiting.gone = true;
}

bool RequestGate::judge(Waiting &waiting)
{
	const RequestHeadVerdict verdict = waiting.scanner.feed(waiting.received);
	switch (verdict.state) {
	case RequestHeadVerdict::State::Incomplete:
		return true;
	case RequestHeadVerdict::State::Refused:
		refused_.fetch_add(1);
		answer_and_close(waiting, verdict.status, verdict.reason);
		return false;
	case RequestHeadVerdict::State::Complete:
		break;
	}
	waiting.gone = true;
	if (!dispatch_(waiting.sock, std::move(waiting.received))) {
		refused_.fetch_add(1);
		answer_and_close(waiting, 503, "the server is too busy");
	}
	return false;
}

bool RequestGate::on_readable(Waiting &waiting)
{
	std::array<char, 4096> buffer{};
	for (int i = 0; i < 4; i++) {
		const net::IoResult got = net::receive_now(waiting.sock, buffer);
		if (got.bytes > 0) {
			if (waiting.received.empty())
				waiting.deadline = Clock::now() + limits_.request_deadline;
			waiting.received.append(buffer.data(), got.bytes);
			if (!judge(waiting))
				return false;
		}
		if (got.closed) {
			net::close_socket(waiting.sock);
			waiting.gone = true;
			return false;
		}
		if (got.would_block)
			return true;
	}
	return true;
}

void RequestGate::run()
{
	std::vector<Waiting> waiting;
	const auto forget_gone = [&] {
		const size_t before = waiting.size();
		std::erase_if(waiting, [](const Waiting &w) { return w.gone; });
		waiting_count_.fetch_sub(before - waiting.size());
	};
	std::vector<net::PollFd> polled;
	const size_t first = wakeup_.valid() ? 1 : 0;
	while (!stopping_) {
		{
			std::lock_guard lock(inbox_mutex_);
			for (auto &incoming : inbox_) {
				net::set_non_blocking(incoming.sock);
				waiting.push_back(std::move(incoming));
				// Bytes carried over from the previous request may already hold a whole head.
				if (!waiting.back().received.empty())
					judge(waiting.back());
			}
			inbox_.clear();
		}
		forget_gone();
		polled.clear();
		if (wakeup_.valid())
			polled.push_back(net::PollFd{wakeup_.fd(), POLLIN, 0});
		for (const auto &w : waiting)
			polled.push_back(net::PollFd{w.sock, POLLIN, 0});
		const int ready = net::poll_sockets(polled, kTickMs);
		if (ready > 0 && first == 1 && (polled[0].revents & POLLIN) != 0)
			wakeup_.drain();
		const auto now = Clock::now();
		for (size_t i = 0; i < waiting.size(); i++) {
			Waiting &w = waiting[i];
			if ((polled[i + first].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) != 0 &&
			    !on_readable(w))
				continue;
			if (!w.gone && now >= w.deadline) {
				refused_.fetch_add(w.received.empty() ? 0 : 1);
				if (w.received.empty()) {
					net::close_socket(
						w.sock); // an idle connection (never spoke, or kept alive): just close
					w.gone = true;
				} else {
					answer_and_close(w, 408, "the request did not arrive in time");
				}
			}
		}
		forget_gone();
	}
	for (auto &w : waiting)
		net::close_socket(w.sock);
	waiting_count_ = 0;
}

} // namespace sse_audio
