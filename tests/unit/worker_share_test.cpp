// Clients that pipeline requests and never read the answers: each answer the server cannot write holds the worker
// writing it. They used to hold every worker (8 such connections: an ordinary page request waited 12 s). Now one
// address keeps at most its share of the workers busy, its further requests wait in the request gate holding none,
// and a request's answer has a deadline that progress does not extend.

#include "serve/stream_server.hpp"

#include "http_test_support.hpp"
#include "raw_connection.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::RawConnection;

TEST(WorkerShare, ClientsThatPipelineAndNeverReadHoldOnlyTheirAddresssShare)
{
	test::TempWebRoot web;
	// A file large enough that a few unread answers fill every buffer between the server and the client.
	std::ofstream(web.web() + "/big.js") << std::string(size_t{256} * 1024, 'x');
	ServerConfig config;
	config.bind_address = "127.0.0.1";
	config.web_root = web.web();
	auto started = test::start_on_free_port(config, std::make_shared<StreamHub>(HubConfig{}));
	ASSERT_TRUE(started) << started.error();
	const std::unique_ptr<StreamServer> server = std::move(*started);
	const std::string host = "Host: 127.0.0.1:" + std::to_string(config.port) + "\r\n";

	std::string pipelined;
	for (int i = 0; i < 200; i++)
		pipelined += "GET /big.js HTTP/1.1\r\n" + host + "\r\n";
	std::vector<std::unique_ptr<RawConnection>> hogs;
	for (int i = 0; i < 12; i++) { // more than the 8 workers
		hogs.push_back(std::make_unique<RawConnection>("127.0.0.1", config.port, 2s, "127.0.0.6"));
		ASSERT_TRUE(hogs.back()->connected());
		hogs.back()->send(pipelined.substr(0, 16 * 1024)); // what the socket takes at once; never read
	}
	std::this_thread::sleep_for(500ms); // the workers that took their requests are stuck writing by now

	Clock::duration slowest{};
	for (int probe = 0; probe < 5; probe++) {
		const auto began = Clock::now();
		const auto reply = test::exchange(
			config.port, "GET /index.html HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n", 5s);
		const auto took = Clock::now() - began;
		slowest = std::max(slowest, took);
		EXPECT_EQ(reply.status, 200) << "probe " << probe;
		EXPECT_LT(took, 1s) << "probe " << probe << " waited for a worker the hogs held";
	}
	std::cout << "[ figures  ] 12 pipelining non-readers from one address: slowest of 5 page requests from "
		     "another took "
		  << std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count() << " ms\n";
	hogs.clear();
	server->stop();
}

} // namespace
} // namespace sse_audio
