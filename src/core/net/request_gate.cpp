#include "net/request_gate.hpp"

#include "net/peer_address.hpp"

#include "base/thread_name.hpp"

#include <algorithm>
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
	case 416:
		return "Range Not Satisfiable";
	case 421:
		return "Misdirected Request";
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
		response += "Retry-After: " + std::to_string(kRetryAfterSeconds) + "\r\n";
	response += "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
		    "\r\nConnection: close\r\n\r\n" + body;
	return response;
}

struct RequestGate::Waiting {
	socket_t sock = net::kInvalidSocket;
	std::string address; // the peer's, for the per-address limit
	std::string received;
	RequestHeadScanner scanner;
	bool kept_alive = false;
	bool held = false;         // a whole request waiting for its address's share of the workers (Dispatched::Later)
	Clock::time_point arrived; // in the gate (again, for a kept-alive connection)
	Clock::time_point deadline;
	bool gone = false;
};

std::unique_ptr<RequestGate> RequestGate::start(RequestGateLimits limits, Dispatch dispatch)
{
	std::unique_ptr<RequestGate> gate(new RequestGate(limits, std::move(dispatch)));
	gate->thread_ = std::thread([raw = gate.get()] {
		set_current_thread_name("sse-http-gate");
		raw->run();
	});
	return gate;
}

RequestGate::RequestGate(RequestGateLimits limits, Dispatch dispatch) : limits_(limits), dispatch_(std::move(dispatch))
{
}

RequestGate::~RequestGate()
{
	stop();
}

void RequestGate::wake()
{
	poll_.wake();
}

void RequestGate::add(socket_t sock, std::string received, bool kept_alive)
{
	Waiting waiting;
	waiting.sock = sock;
	waiting.address = net::peer_address(sock);
	waiting.received = std::move(received);
	waiting.scanner = RequestHeadScanner(limits_.head);
	waiting.kept_alive = kept_alive;
	const bool started = !waiting.received.empty() || !kept_alive;
	waiting.arrived = Clock::now();
	waiting.deadline = waiting.arrived + (started ? limits_.request_deadline : limits_.keep_alive_idle);
	if (stopping_) {
		net::close_socket(sock);
		return;
	}
	inbox_.push(std::move(waiting));
	wake();
}

void RequestGate::stop()
{
	stopping_ = true;
	wake();
	if (thread_.joinable())
		thread_.join();
	for (auto &waiting : inbox_.take())
		net::close_socket(waiting.sock);
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
	return offer(waiting);
}

bool RequestGate::offer(Waiting &waiting)
{
	switch (dispatch_(waiting.sock, waiting.received, waiting.address)) {
	case Dispatched::Taken:
		waiting.gone = true;
		return false;
	case Dispatched::Later:
		// Its address already keeps its share of the workers busy (a client that pipelines requests and reads
		// no answers, say): it waits here, holding no worker, until one of its own is done.
		waiting.held = true;
		return true;
	case Dispatched::Full:
		break;
	}
	refused_.fetch_add(1);
	answer_and_close(waiting, 503, "the server is too busy");
	return false;
}

void RequestGate::admit(std::vector<Waiting> &waiting, Waiting incoming)
{
	// Lets go of the oldest connection that has sent nothing for at least silent_age (of `address`, when given);
	// false when there is none. A younger one may be a real client whose request is still on its way.
	const auto now = Clock::now();
	const auto let_go_oldest_silent = [&](const std::string *address, bool whatever_its_age = false) {
		for (Waiting &w : waiting) {
			if (w.gone || !w.received.empty() || (address && w.address != *address))
				continue;
			if (!whatever_its_age && now - w.arrived < limits_.silent_age)
				return false;      // in arrival order: every later one is younger still
			net::close_socket(w.sock); // it never spoke: there is nobody to answer
			w.gone = true;             // counted off its address by forget_gone
			evicted_.fetch_add(1);
			return true;
		}
		return false;
	};
	// An address over its share makes room from its own silent connections first; while none is old enough it
	// still gets in if the gate as a whole has room (a crowd behind one NAT joining at once).
	if (per_address_[incoming.address] >= limits_.max_per_address)
		let_go_oldest_silent(&incoming.address);
	size_t live = 0;
	for (const Waiting &w : waiting)
		live += w.gone ? 0 : 1;
	// The gate is full and nobody has been silent for long: the address holding the most connections, when it
	// is over its share and not the newcomer's, gives up its oldest silent one (a client that keeps opening
	// connections cannot keep the gate full of young ones either).
	const auto crowded_address_yields = [&] {
		const auto most = std::max_element(per_address_.begin(), per_address_.end(),
						   [](const auto &a, const auto &b) { return a.second < b.second; });
		return most != per_address_.end() && most->second > limits_.max_per_address &&
		       most->first != incoming.address && let_go_oldest_silent(&most->first, true);
	};
	if (live >= limits_.max_connections && !let_go_oldest_silent(nullptr) && !crowded_address_yields()) {
		if (per_address_[incoming.address] == 0)
			per_address_.erase(incoming.address);
		refused_.fetch_add(1);
		answer_and_close(incoming, 503, "too many connections");
		return;
	}
	per_address_[incoming.address]++;
	net::set_non_blocking(incoming.sock);
	waiting.push_back(std::move(incoming));
	// Bytes carried over from the previous request may already hold a whole head.
	if (!waiting.back().received.empty())
		judge(waiting.back());
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
			if (waiting.held)
				return true; // the rest is read by the worker that takes the request
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
		std::erase_if(waiting, [this](const Waiting &w) {
			if (!w.gone)
				return false;
			const auto found = per_address_.find(w.address);
			if (found != per_address_.end() && --found->second == 0)
				per_address_.erase(found);
			return true;
		});
	};
	while (!stopping_) {
		for (auto &incoming : inbox_.take())
			admit(waiting, std::move(incoming));
		forget_gone();
		poll_.clear();
		for (const auto &w : waiting)
			poll_.add(w.sock, static_cast<short>(w.held ? 0 : POLLIN));
		poll_.wait(kTickMs);
		const auto now = Clock::now();
		for (size_t i = 0; i < waiting.size(); i++) {
			Waiting &w = waiting[i];
			if ((poll_.revents(i) & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) != 0 && !on_readable(w))
				continue;
			if (w.held && !w.gone && !offer(w))
				continue;
			if (w.held && now >= w.deadline) {
				refused_.fetch_add(1);
				answer_and_close(w, 503, "the server is too busy");
				continue;
			}
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
	per_address_.clear();
}

} // namespace sse_audio
