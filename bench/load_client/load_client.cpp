#include "load_client.hpp"

#include "http_listener.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <chrono>
#include <memory>
#include <random>

namespace sse_audio::bench {

namespace {

using Clock = std::chrono::steady_clock;

int64_t wall_ms()
{
	return std::chrono::duration_cast<std::chrono::milliseconds>(
		       std::chrono::system_clock::now().time_since_epoch())
		.count();
}

struct Connection {
	int fd = -1;
	bool sent = false;
	std::unique_ptr<HttpListener> parser;
	Clock::time_point leave_at = Clock::time_point::max();
};

int open_socket(const LoadConfig &config)
{
	const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	sockaddr_in addr{};
	addr.sin_family = AF_INET;
	addr.sin_port = htons(static_cast<uint16_t>(config.port));
	inet_pton(AF_INET, config.host.c_str(), &addr.sin_addr);
	if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

std::string request_for(const LoadConfig &config)
{
	std::string request =
		"GET " + config.path + " HTTP/1.1\r\nHost: " + config.host + ":" + std::to_string(config.port) + "\r\n";
	request += config.mode == StreamMode::Sse ? "Accept: text/event-stream\r\n" : "Accept: */*\r\n";
	if (!config.icy_user_agent.empty())
		request += "User-Agent: " + config.icy_user_agent + "\r\n";
	request += "Connection: keep-alive\r\n\r\n";
	return request;
}

} // namespace

LoadReport run_load(const LoadConfig &config)
{
	LoadReport report;
	report.config = config;
	report.listeners.resize(static_cast<size_t>(config.listeners));
	std::vector<Connection> connections(static_cast<size_t>(config.listeners));

	const int epoll = epoll_create1(EPOLL_CLOEXEC);
	const std::string request = request_for(config);
	const auto start = Clock::now();
	const auto end = start + std::chrono::duration_cast<Clock::duration>(
					 std::chrono::duration<double>(config.duration_seconds));
	const auto ramp = std::chrono::duration<double>(config.ramp_seconds);
	size_t opened = 0;
	const bool churn = config.churn_max_seconds > 0;
	std::mt19937 random(12345);
	std::uniform_real_distribution<double> lifetime(config.churn_min_seconds, config.churn_max_seconds);
	// A fresh connection (and parser: ids restart) for listener slot `index`.
	const auto open_connection = [&](size_t index) {
		Connection &c = connections[index];
		c.parser = std::make_unique<HttpListener>(config, report.listeners[index]);
		c.sent = false;
		c.fd = open_socket(config);
		if (churn)
			c.leave_at = Clock::now() + std::chrono::duration_cast<Clock::duration>(
							    std::chrono::duration<double>(lifetime(random)));
		if (c.fd >= 0) {
			epoll_event ev{};
			ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
			ev.data.u64 = index;
			epoll_ctl(epoll, EPOLL_CTL_ADD, c.fd, &ev);
		}
	};
	std::vector<epoll_event> ready(256);
	std::vector<char> buffer(64 * 1024);

	while (Clock::now() < end) {
		// Open connections evenly over the ramp.
		const double progress = config.ramp_seconds > 0 ? (Clock::now() - start) / ramp : 1.0;
		const auto due =
			std::min<size_t>(connections.size(),
					 static_cast<size_t>(progress * static_cast<double>(connections.size())) + 1);
		while (opened < due) {
			open_connection(opened);
			opened++;
		}
		if (churn) {
			const auto now = Clock::now();
			for (size_t i = 0; i < opened; i++) {
				Connection &c = connections[i];
				if (c.fd >= 0 && now >= c.leave_at) {
					close(c.fd);
					c.fd = -1;
					report.listeners[i].reconnects++;
					open_connection(i);
				}
			}
		}
		const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
		const int timeout =
			static_cast<int>(std::clamp<int64_t>(left, 0, opened < connections.size() ? 10 : 200));
		const int n = epoll_wait(epoll, ready.data(), static_cast<int>(ready.size()), timeout);
		const int64_t now = wall_ms();
		for (int i = 0; i < n; i++) {
			const size_t index = ready[static_cast<size_t>(i)].data.u64;
			Connection &c = connections[index];
			if (c.fd < 0)
				continue;
			const uint32_t events = ready[static_cast<size_t>(i)].events;
			bool keep = true;
			if (!c.sent && (events & EPOLLOUT)) {
				// The request is tiny: one send on a fresh socket takes it all.
				keep = send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) ==
				       static_cast<ssize_t>(request.size());
				c.sent = true;
				epoll_event ev{};
				ev.events = EPOLLIN | EPOLLRDHUP;
				ev.data.u64 = index;
				epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &ev);
			}
			if (keep && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
				// Drain what is there now (bounded by what the kernel holds).
				for (int reads = 0; reads < 64; reads++) {
					const ssize_t got = recv(c.fd, buffer.data(), buffer.size(), 0);
					if (got > 0) {
						keep = c.parser->feed(buffer.data(), static_cast<size_t>(got), now);
						if (!keep)
							break;
						continue;
					}
					if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
						keep = false;
					break;
				}
			}
			if (!keep) {
				report.listeners[index].ended_early = true;
				close(c.fd);
				c.fd = -1;
			}
		}
	}
	report.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start).count();
	for (Connection &c : connections)
		if (c.fd >= 0)
			close(c.fd);
	close(epoll);
	return report;
}

} // namespace sse_audio::bench
