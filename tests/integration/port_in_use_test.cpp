// In real OBS: starting the output while another program holds its port fails with a reason naming the port,
// OBS keeps running, and the same output starts and streams once the port is free again.

#include "audio_events.hpp"
#include "host_test.hpp"
#include "sse_reader.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sse_audio::itest {
namespace {

using namespace std::chrono_literals;

// Another program listening on 127.0.0.1:`port`; -1 when the port could not be taken.
int hold_port(int port)
{
	const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sockaddr_in addr{};
	addr.sin_family = AF_INET;
	addr.sin_port = htons(static_cast<uint16_t>(port));
	inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
	const int yes = 1;
	// The port was ours a moment ago and may have connections in TIME_WAIT.
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
	if (fd < 0 || bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0 || listen(fd, 4) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

class PortInUseTest : public HostTest {};

TEST_F(PortInUseTest, StartFailsWhileThePortIsTakenAndWorksOnceItIsFree)
{
	HostProcess *host = start_tone_host();
	ASSERT_NE(host, nullptr);
	const int port = host->port();
	ASSERT_TRUE(host->send("stop"));
	ASSERT_TRUE(host->wait_for_line({"STOPPED"}, kCommandTimeout)) << describe(*host);

	const int holder = hold_port(port);
	ASSERT_GE(holder, 0) << "could not take port " << port << " after the output stopped";
	for (int attempt = 0; attempt < 3; attempt++) {
		ASSERT_TRUE(host->send("start"));
		const auto line = host->wait_for_line({"READY", "START FAILED"}, kCommandTimeout);
		ASSERT_TRUE(line.has_value()) << describe(*host);
		EXPECT_EQ(line->rfind("START FAILED: ", 0), 0u) << *line;
		EXPECT_NE(line->find(std::to_string(port)), std::string::npos) << *line;
		EXPECT_NE(line->find("in use"), std::string::npos) << *line;
		if (attempt == 0)
			report("port in use: " + *line);
	}
	close(holder);

	ASSERT_TRUE(host->send("start"));
	const auto line = host->wait_for_line({"READY", "START FAILED"}, kCommandTimeout);
	ASSERT_TRUE(line.has_value()) << describe(*host);
	ASSERT_EQ(*line, "READY " + std::to_string(port)) << describe(*host);
	std::string error;
	auto client = SseClient::open(port, "/stream", {}, 5s, &error);
	ASSERT_TRUE(client) << error;
	ASSERT_TRUE(client->read_events(40, Clock::now() + 5s));
	const AudioEvents audio = check_audio_events(client->parser().events());
	EXPECT_EQ(audio.problem_count, 0u) << audio.problems_text();
	std::string gap;
	EXPECT_TRUE(audio.ids_consecutive(&gap)) << gap;
	const auto status = fetch_status(port, &error);
	ASSERT_TRUE(status) << error;
	EXPECT_EQ((*status)["running"], true);
}

} // namespace
} // namespace sse_audio::itest
