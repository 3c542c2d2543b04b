// sse-write-cost: what one write to one listener costs the server, by the way it is written and by its size.
//
// bench/fanout.sh finds the fan-out's CPU per listener proportional to its writes per listener. This tool takes the
// rest of the server away to ask why: N connected loopback TCP pairs, a reader thread that drains every client
// socket (a stand-in for the listeners, as bench/load_client is), and a writer thread that writes one payload to
// every server socket at a steady pace, as the fan-out does. It measures the writer thread's CPU (user + system,
// which on loopback includes the receiving side's TCP work, as it does for a server's process in the benchmark) per
// write, for each
//   - method: `sendmsg`, one system call per write (the fan-out's), or `io_uring`, every write of a round submitted
//     in one system call with registered files (when built with liburing);
//   - size: F frames per write (an SSE event of one 128 kbps MPEG frame is about 577 bytes), written every F × 24 ms,
//     so that every size carries the same audio per second.
// Trials run interleaved (every method and size once per repeat) and each figure is the median over the repeats:
// the machine's noise falls on all of them alike. Prints one JSON line per method and size.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#if SSE_WRITE_COST_URING
#include <liburing.h>
#endif

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kFramePeriod = std::chrono::microseconds(24000); // one MPEG-1 Layer III frame at 48 kHz

struct Options {
	int listeners = 1000;
	int seconds = 5;
	int repeats = 5;
	size_t frame_bytes = 577;
	std::vector<int> frames{1, 2, 4};
};

struct Trial {
	double cpu_seconds = 0;
	uint64_t writes = 0;
	uint64_t short_writes = 0; // a write the socket did not take whole: the figures would not be comparable
};

double thread_cpu_seconds()
{
	rusage usage{};
	getrusage(RUSAGE_THREAD, &usage);
	return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
	       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

bool fail(const char *what)
{
	std::fprintf(stderr, "sse-write-cost: %s: %s\n", what, std::strerror(errno));
	return false;
}

// N connected pairs on 127.0.0.1: `servers` are written to, `clients` read from.
bool connect_pairs(int count, std::vector<int> &servers, std::vector<int> &clients)
{
	const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listener < 0)
		return fail("socket");
	sockaddr_in addr{};
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t length = sizeof(addr);
	if (bind(listener, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0 || listen(listener, 4096) != 0 ||
	    getsockname(listener, reinterpret_cast<sockaddr *>(&addr), &length) != 0)
		return fail("listen on 127.0.0.1");
	for (int i = 0; i < count; i++) {
		const int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (client < 0 || connect(client, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0)
			return fail("connect");
		const int server = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (server < 0)
			return fail("accept");
		// The fan-out's send buffer per listener.
		const int send_buffer = 64 * 1024;
		setsockopt(server, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof(send_buffer));
		fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK);
		servers.push_back(server);
		clients.push_back(client);
	}
	close(listener);
	return true;
}

// Reads everything that arrives on the clients until `stop`.
void drain(const std::vector<int> &clients, const std::atomic<bool> &stop)
{
	const int epoll = epoll_create1(EPOLL_CLOEXEC);
	for (const int fd : clients) {
		epoll_event event{};
		event.events = EPOLLIN;
		event.data.fd = fd;
		epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
	}
	std::vector<epoll_event> ready(1024);
	std::vector<char> buffer(size_t{64} * 1024);
	while (!stop.load(std::memory_order_relaxed)) {
		const int count = epoll_wait(epoll, ready.data(), static_cast<int>(ready.size()), 100);
		for (int i = 0; i < count; i++)
			while (read(ready[static_cast<size_t>(i)].data.fd, buffer.data(), buffer.size()) > 0) {
			}
	}
	close(epoll);
}

// One round: the payload to every socket, one system call each.
void write_round_sendmsg(const std::vector<int> &servers, std::string_view payload, Trial &trial)
{
	for (const int fd : servers) {
		iovec part{const_cast<char *>(payload.data()), payload.size()};
		msghdr message{};
		message.msg_iov = &part;
		message.msg_iovlen = 1;
		const ssize_t sent = sendmsg(fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
		trial.writes++;
		if (sent != static_cast<ssize_t>(payload.size()))
			trial.short_writes++;
	}
}

#if SSE_WRITE_COST_URING
// One round through io_uring: every send queued, one io_uring_enter for the lot (more when the ring is smaller than
// the round), then the completions reaped.
class UringWriter {
public:
	bool start(const std::vector<int> &servers)
	{
		if (io_uring_queue_init(4096, &ring_, 0) != 0)
			return false;
		started_ = true;
		return io_uring_register_files(&ring_, servers.data(), static_cast<unsigned>(servers.size())) == 0;
	}
	~UringWriter()
	{
		if (started_)
			io_uring_queue_exit(&ring_);
	}
	UringWriter() = default;
	UringWriter(const UringWriter &) = delete;
	UringWriter &operator=(const UringWriter &) = delete;

	void write_round(size_t count, std::string_view payload, Trial &trial)
	{
		size_t queued = 0;
		for (size_t i = 0; i < count; i++) {
			io_uring_sqe *entry = io_uring_get_sqe(&ring_);
			if (entry == nullptr) {
				io_uring_submit(&ring_);
				entry = io_uring_get_sqe(&ring_);
			}
			if (entry == nullptr) { // the kernel holds every entry: not written, and the trial says so
				trial.writes++;
				trial.short_writes++;
				continue;
			}
			io_uring_prep_send(entry, static_cast<int>(i), payload.data(), payload.size(),
					   MSG_NOSIGNAL | MSG_DONTWAIT);
			entry->flags |= IOSQE_FIXED_FILE;
			queued++;
			trial.writes++;
		}
		io_uring_submit(&ring_);
		size_t reaped = 0;
		while (reaped < queued) {
			io_uring_cqe *completion = nullptr;
			if (io_uring_wait_cqe(&ring_, &completion) != 0)
				break;
			unsigned head = 0;
			unsigned seen = 0;
			io_uring_for_each_cqe(&ring_, head, completion)
			{
				if (completion->res != static_cast<int>(payload.size()))
					trial.short_writes++;
				seen++;
			}
			io_uring_cq_advance(&ring_, seen);
			reaped += seen;
		}
	}

private:
	io_uring ring_{};
	bool started_ = false;
};
#endif

class Writer {
public:
	explicit Writer(const std::vector<int> &servers) : servers_(servers) {}
#if SSE_WRITE_COST_URING
	UringWriter uring;
#endif

	Trial run([[maybe_unused]] std::string_view method, int frames, const Options &options)
	{
		const std::string payload(options.frame_bytes * static_cast<size_t>(frames), 'x');
		const auto period = kFramePeriod * frames;
		Trial trial;
		auto next = Clock::now();
		const auto end = next + std::chrono::seconds(options.seconds);
		const double begin = thread_cpu_seconds();
		while (Clock::now() < end) {
#if SSE_WRITE_COST_URING
			if (method == "io_uring")
				uring.write_round(servers_.size(), payload, trial);
			else
#endif
				write_round_sendmsg(servers_, payload, trial);
			next += period;
			std::this_thread::sleep_until(next);
		}
		trial.cpu_seconds = thread_cpu_seconds() - begin;
		return trial;
	}

private:
	const std::vector<int> &servers_;
};

double median(std::vector<double> values)
{
	std::sort(values.begin(), values.end());
	const size_t middle = values.size() / 2;
	return values.size() % 2 != 0 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

bool parse_int(std::string_view text, int &out)
{
	return std::from_chars(text.data(), text.data() + text.size(), out).ec == std::errc() && out > 0;
}

bool parse_options(int argc, char **argv, Options &options)
{
	for (int i = 1; i + 1 < argc; i += 2) {
		const std::string_view flag = argv[i];
		const std::string_view value = argv[i + 1];
		int number = 0;
		if (flag == "--frames") {
			options.frames.clear();
			for (size_t at = 0; at <= value.size();) {
				const size_t comma = std::min(value.find(',', at), value.size());
				if (!parse_int(value.substr(at, comma - at), number))
					return false;
				options.frames.push_back(number);
				at = comma + 1;
			}
			continue;
		}
		if (!parse_int(value, number))
			return false;
		if (flag == "--listeners")
			options.listeners = number;
		else if (flag == "--seconds")
			options.seconds = number;
		else if (flag == "--repeats")
			options.repeats = number;
		else if (flag == "--frame-bytes")
			options.frame_bytes = static_cast<size_t>(number);
		else
			return false;
	}
	return argc % 2 == 1;
}

} // namespace

int main(int argc, char **argv)
{
	Options options;
	if (!parse_options(argc, argv, options)) {
		std::fprintf(stderr, "usage: sse-write-cost [--listeners N] [--seconds S] [--repeats R] "
				     "[--frame-bytes B] [--frames 1,2,4]\n");
		return 2;
	}
	rlimit limit{};
	getrlimit(RLIMIT_NOFILE, &limit);
	limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, static_cast<rlim_t>(options.listeners) * 2 + 64);
	setrlimit(RLIMIT_NOFILE, &limit);

	std::vector<int> servers;
	std::vector<int> clients;
	if (!connect_pairs(options.listeners, servers, clients))
		return 1;
	std::atomic<bool> stop{false};
	std::thread reader([&] { drain(clients, stop); });

	Writer writer(servers);
	std::vector<std::string> methods{"sendmsg"};
#if SSE_WRITE_COST_URING
	if (writer.uring.start(servers))
		methods.emplace_back("io_uring");
	else
		std::fprintf(stderr, "sse-write-cost: io_uring unavailable here (%s): sendmsg only\n",
			     std::strerror(errno));
#endif
	// Per method and size: the writer's CPU microseconds per write, and its CPU per listener per second.
	std::map<std::pair<std::string, int>, std::vector<double>> us_per_write;
	std::map<std::pair<std::string, int>, std::vector<double>> ms_per_listener;
	std::map<std::pair<std::string, int>, uint64_t> short_writes;
	for (int repeat = 0; repeat < options.repeats; repeat++) {
		for (const std::string &method : methods) {
			for (const int frames : options.frames) {
				const Trial trial = writer.run(method, frames, options);
				const auto key = std::make_pair(method, frames);
				us_per_write[key].push_back(trial.cpu_seconds * 1e6 /
							    static_cast<double>(std::max<uint64_t>(trial.writes, 1)));
				ms_per_listener[key].push_back(trial.cpu_seconds * 1e3 / options.seconds /
							       options.listeners);
				short_writes[key] += trial.short_writes;
			}
		}
	}
	stop = true;
	reader.join();
	for (const auto &[key, values] : us_per_write) {
		const int frames = key.second;
		std::printf("{\"method\": \"%s\", \"frames_per_write\": %d, \"bytes_per_write\": %zu, "
			    "\"writes_per_listener_per_s\": %.1f, \"us_per_write_p50\": %.2f, "
			    "\"cpu_ms_per_listener_per_s_p50\": %.4f, \"listeners\": %d, \"repeats\": %d, "
			    "\"seconds\": %d, \"short_writes\": %llu}\n",
			    key.first.c_str(), frames, options.frame_bytes * static_cast<size_t>(frames),
			    1e6 / static_cast<double>(std::chrono::microseconds(kFramePeriod * frames).count()),
			    median(values), median(ms_per_listener[key]), options.listeners, options.repeats,
			    options.seconds, static_cast<unsigned long long>(short_writes[key]));
	}
	return 0;
}
