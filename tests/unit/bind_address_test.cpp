// The bind address really decides which interfaces the server answers on: 127.0.0.1 keeps it off every other
// address of the machine, 0.0.0.0 puts it on all of them.

#include "http_test_support.hpp"
#include "settings/listener_urls.hpp"
#include "raw_connection.hpp"
#include "serve/stream_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;
using namespace test;

// A non-loopback IPv4 address of this machine (an up interface), or empty when it has none. The plugin finds the
// addresses it shows listeners the same way.
std::string non_loopback_address()
{
	const auto addresses = local_ipv4_addresses();
	return addresses.empty() ? std::string() : addresses.front();
}

// The status of GET / sent to `address`:`port`, or -1 when the connection is refused or nothing answers.
int status_at(const std::string &address, int port)
{
	RawConnection connection(address, port, 2s);
	if (!connection.connected())
		return -1;
	connection.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	connection.read_head(RawConnection::Clock::now() + 3s);
	return connection.status();
}

class BindAddressTest : public ::testing::Test {
protected:
	// Starts `server` on `address` at a free port (retried when the port was taken in between).
	::testing::AssertionResult start(std::unique_ptr<StreamServer> &server, const std::string &address)
	{
		ServerConfig config;
		config.bind_address = address;
		config.web_root = web_.web();
		auto started = start_on_free_port(config, hub_);
		if (!started)
			return ::testing::AssertionFailure() << "server did not start: " << started.error();
		server = std::move(*started);
		port_ = config.port;
		return ::testing::AssertionSuccess();
	}

	TempWebRoot web_;
	std::shared_ptr<StreamHub> hub_ = std::make_shared<StreamHub>(HubConfig{});
	int port_ = 0;
};

// The whole 127.0.0.0/8 block reaches the loopback interface on Linux without configuration, so 127.0.0.2 is
// another address of this machine that a server bound to 127.0.0.1 must not answer on.
TEST_F(BindAddressTest, LoopbackServerDoesNotAnswerOnAnotherLoopbackAddress)
{
	std::unique_ptr<StreamServer> server;
	ASSERT_TRUE(start(server, "127.0.0.1"));
	EXPECT_EQ(status_at("127.0.0.1", port_), 200);
	EXPECT_EQ(status_at("127.0.0.2", port_), -1) << "127.0.0.2 reached a server bound to 127.0.0.1";
}

TEST_F(BindAddressTest, LoopbackServerIsNotReachableOnTheMachinesNetworkAddress)
{
	const std::string address = non_loopback_address();
	if (address.empty())
		GTEST_SKIP() << "this machine has no non-loopback IPv4 address (the 127.0.0.2 test covers the idea)";
	std::cout << "[ figures  ] non-loopback address checked: " << address << "\n";
	std::unique_ptr<StreamServer> server;
	ASSERT_TRUE(start(server, "127.0.0.1"));
	EXPECT_EQ(status_at("127.0.0.1", port_), 200);
	EXPECT_EQ(status_at(address, port_), -1) << address << " reached a server bound to 127.0.0.1";
}

// The one server in the tests not bound to 127.0.0.1 (the rule for tests): the point is to see 0.0.0.0 answer on
// the other addresses. It serves only the test's web root on a random port, for well under a second.
TEST_F(BindAddressTest, AnyAddressServerAnswersOnEveryAddress)
{
	std::unique_ptr<StreamServer> server;
	ASSERT_TRUE(start(server, "0.0.0.0"));
	EXPECT_EQ(status_at("127.0.0.1", port_), 200);
	EXPECT_EQ(status_at("127.0.0.2", port_), 200);
	const std::string address = non_loopback_address();
	if (!address.empty()) {
		EXPECT_EQ(status_at(address, port_), 200) << address;
	}
}

} // namespace
} // namespace sse_audio
