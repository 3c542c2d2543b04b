// Faults around the server that the streamer can cause: the port is taken by another program. Start must fail
// with a reason they can act on, leave no thread or file descriptor behind, and work once the port is free.

#include "audio/audio_channel.hpp"
#include "http_test_support.hpp"
#include "process_counts.hpp"
#include "serve/stream_server.hpp"
#include "test_sockets.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>
#include <thread>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

std::string fd_targets()
{
	return test::descriptor_list();
}

// Threads and open file descriptors of this process.
struct ProcessCounts {
	size_t threads = test::thread_count();
	size_t fds = test::descriptor_count();
};

// Threads end a moment after join() returns in the kernel's view; wait (bounded) until the counts come back.
bool counts_return_to(const ProcessCounts &before, ProcessCounts &now)
{
	for (int i = 0; i < 100; i++) {
		now = ProcessCounts{};
		if (now.threads <= before.threads && now.fds <= before.fds)
			return true;
		std::this_thread::sleep_for(10ms);
	}
	return false;
}

// Another program holding a port on 127.0.0.1: a plain listening socket.
class PortHolder {
public:
	PortHolder()
	{
		fd_ = test::tcp_socket();
		sockaddr_in addr = test::ipv4_address("127.0.0.1", 0);
		socklen_t len = sizeof(addr);
		if (test::valid(fd_) && bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0 &&
		    listen(fd_, 4) == 0 && getsockname(fd_, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
			port_ = ntohs(addr.sin_port);
	}
	~PortHolder() { release(); }
	PortHolder(const PortHolder &) = delete;
	PortHolder &operator=(const PortHolder &) = delete;

	[[nodiscard]] int port() const { return port_; }
	void release()
	{
		if (test::valid(fd_))
			test::close_socket(fd_);
		fd_ = net::kInvalidSocket;
	}

private:
	socket_t fd_ = net::kInvalidSocket;
	int port_ = 0;
};

TEST(ServerFaults, PortInUseFailsWithAReasonLeaksNothingAndStartsOnceFree)
{
	test::TempWebRoot web;
	PortHolder holder;
	ASSERT_GT(holder.port(), 0);

	auto channel = AudioChannel::start(ChannelConfig{});
	ASSERT_TRUE(channel) << channel.error();
	ServerConfig config;
	config.bind_address = "127.0.0.1";
	config.port = holder.port();
	config.web_root = web.web();

	const ProcessCounts before;
	const std::string fds_before = fd_targets();
	constexpr int kAttempts = 50;
	for (int i = 0; i < kAttempts; i++) {
		const auto status = StreamServer::start(config, (*channel)->hub(), nullptr);
		ASSERT_FALSE(status.ok()) << "attempt " << i << " started on a port another program holds";
		EXPECT_NE(status.error().find("in use"), std::string::npos) << status.error();
		EXPECT_NE(status.error().find(std::to_string(holder.port())), std::string::npos) << status.error();
		EXPECT_NE(status.error().find("127.0.0.1"), std::string::npos) << status.error();
		// The same words are in the locale files, so the dock shows them in the streamer's language (Windows
		// reports a port held exclusively as denied, with words of its own).
		const Error &failure = status.failure();
		EXPECT_TRUE(failure.text_key == "Failure.PortInUse" || failure.text_key == "Failure.PortDeniedWindows")
			<< failure.text_key;
		EXPECT_EQ(failure.text_args, (std::vector<std::string>{"127.0.0.1", std::to_string(holder.port())}));
		if (i == 0)
			std::cout << "[ figures  ] the reason given: " << status.error() << "\n";
	}
	ProcessCounts after;
	EXPECT_TRUE(counts_return_to(before, after))
		<< "after " << kAttempts << " failed starts: threads " << before.threads << " -> " << after.threads
		<< ", fds " << before.fds << " -> " << after.fds;

	// Once the other program lets go of the port, start works; start/stop cycles of a server on the same port (as
	// the OBS output makes them) do not pile anything up, and nothing is left once the server is gone.
	holder.release();
	ProcessCounts first_stop;
	{
		for (int cycle = 0; cycle < 3; cycle++) {
			auto retried = StreamServer::start(config, (*channel)->hub(), nullptr);
			ASSERT_TRUE(retried.ok()) << retried.error();
			EXPECT_EQ(test::raw_get_status(config.port, "/"), 200);
			(*retried)->stop();
			if (cycle == 0) {
				first_stop = ProcessCounts{};
				continue;
			}
			ProcessCounts now;
			EXPECT_TRUE(counts_return_to(first_stop, now))
				<< "cycle " << cycle << ": threads " << first_stop.threads << " -> " << now.threads
				<< ", fds " << first_stop.fds << " -> " << now.fds << "\n"
				<< fd_targets();
		}
	}
	// `before` counted the other program's socket, which is closed now.
	ProcessCounts gone;
	EXPECT_TRUE(counts_return_to(before, gone))
		<< "after the server went: threads " << before.threads << " -> " << gone.threads << ", fds "
		<< before.fds << " -> " << gone.fds << "\nbefore: " << fds_before << "\nafter:  " << fd_targets();
	std::cout << "[ figures  ] threads " << before.threads << " / " << after.threads << " / " << first_stop.threads
		  << " / " << gone.threads << ", fds " << before.fds << " / " << after.fds << " / " << first_stop.fds
		  << " / " << gone.fds << " (before; after " << kAttempts
		  << " failed starts; after start+stop; server destroyed)\n";
	(*channel)->stop();
}

TEST(ServerFaults, AFailedStartLeavesAServerThatWasRunningElsewhereUntouched)
{
	// A server moves to another port by being stopped and a new one started (there is no restart); when the new
	// port is taken, nothing must be left half-up.
	test::TempWebRoot web;
	PortHolder holder;
	ASSERT_GT(holder.port(), 0);
	auto hub = std::make_shared<StreamHub>(HubConfig{});
	ServerConfig config;
	config.bind_address = "127.0.0.1";
	config.web_root = web.web();
	auto started = test::start_on_free_port(config, hub);
	ASSERT_TRUE(started) << started.error();
	const std::unique_ptr<StreamServer> server = std::move(*started);
	const int first_port = config.port;

	server->stop();
	config.port = holder.port();
	const auto moved = StreamServer::start(config, hub, nullptr);
	EXPECT_FALSE(moved.ok()) << "a server that failed to start does not exist, so cannot report running";
	EXPECT_FALSE(server->running());
	EXPECT_EQ(test::raw_get_status(first_port, "/"), -1) << "the old port is closed, not left serving";
	server->stop();
}

} // namespace
} // namespace sse_audio
