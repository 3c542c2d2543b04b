// The output's life in a running OBS: stop and start on the same port, a port already taken, and quitting while
// listeners are connected.

#include "audio_events.hpp"
#include "host_test.hpp"
#include "sse_reader.hpp"

#include <sstream>

namespace sse_audio::itest {
namespace {

using namespace std::chrono_literals;

class HostLifecycleTest : public HostTest {};

TEST_F(HostLifecycleTest, StopsAndStartsAgainOnTheSamePort)
{
	HostProcess *host = start_tone_host();
	ASSERT_NE(host, nullptr);
	const int port = host->port();
	std::string error;

	auto before = SseClient::open(port, "/stream", {}, 5s, &error);
	ASSERT_TRUE(before) << error;
	ASSERT_TRUE(before->read_events(30, Clock::now() + 5s));

	ASSERT_TRUE(host->send("stop"));
	ASSERT_TRUE(host->wait_for_line({"STOPPED"}, kCommandTimeout)) << "no STOPPED after stop";
	// The open stream ends, and nothing listens on the port any more.
	EXPECT_TRUE(before->read_to_end(Clock::now() + 3s)) << "the listener's stream did not end after stop";
	const AudioEvents old_run = check_audio_events(before->parser().events());
	ASSERT_FALSE(old_run.events.empty());
	EXPECT_EQ(old_run.problem_count, 0u) << old_run.problems_text();
	EXPECT_FALSE(can_connect(port, 1s)) << "the port still accepts connections after stop";

	ASSERT_TRUE(host->send("start"));
	const auto line = host->wait_for_start(kCommandTimeout);
	ASSERT_TRUE(line.has_value()) << "no READY after start";
	ASSERT_EQ(*line, "READY " + std::to_string(port));

	auto after = SseClient::open(port, "/stream", {}, 5s, &error);
	ASSERT_TRUE(after) << error;
	ASSERT_TRUE(after->read_events(40, Clock::now() + 5s));
	const AudioEvents new_run = check_audio_events(after->parser().events());
	EXPECT_EQ(new_run.problem_count, 0u) << new_run.problems_text();
	std::string gap;
	EXPECT_TRUE(new_run.ids_consecutive(&gap)) << gap;
	// Ids start at the wall clock in ms, so a stale Last-Event-ID from the old run can never match the new one.
	EXPECT_GT(new_run.events.front().id, old_run.events.back().id);
	ASSERT_TRUE(new_run.decoder->ok()) << new_run.decoder->error();
	const auto tail = decoded_tail(*new_run.decoder, 0.5);
	EXPECT_NEAR(dominant_frequency(tail, 48000), 440.0, 3.0);
	EXPECT_GT(rms(tail), 0.05);
	after->close();

	// `restart` is stop then start in one step (what the dock does to apply settings).
	ASSERT_TRUE(host->send("restart"));
	const auto restarted = host->wait_for_start(kCommandTimeout);
	ASSERT_TRUE(restarted.has_value()) << "no READY after restart";
	EXPECT_EQ(*restarted, "READY " + std::to_string(port));
	auto third = SseClient::open(port, "/stream", {}, 5s, &error);
	ASSERT_TRUE(third) << error;
	EXPECT_TRUE(third->read_events(5, Clock::now() + 5s));
	third->close();

	// Two commands in one write (a script piping its commands) are both carried out at once.
	ASSERT_TRUE(host->send("stop\nstart"));
	EXPECT_TRUE(host->wait_for_line({"STOPPED"}, kCommandTimeout)) << "no STOPPED";
	const auto both = host->wait_for_start(3s);
	ASSERT_TRUE(both.has_value()) << "the second of two commands sent together was not carried out";
	EXPECT_EQ(*both, "READY " + std::to_string(port));

	ASSERT_TRUE(host->send("quit"));
	const auto code = host->wait_exit(kCommandTimeout);
	ASSERT_TRUE(code.has_value()) << "the host did not exit after quit";
	EXPECT_EQ(*code, 0);
	EXPECT_EQ(host->last_line(), "EXITED");
}

TEST_F(HostLifecycleTest, SecondHostOnTheSamePortFailsAndTheFirstKeepsServing)
{
	HostProcess *first = start_tone_host();
	ASSERT_NE(first, nullptr);
	const int port = first->port();

	HostProcess &second = launch({"--tone", "880"}, port);
	const auto line = second.wait_for_start(kStartTimeout);
	ASSERT_TRUE(line.has_value()) << "the second host printed neither READY nor START FAILED";
	EXPECT_EQ(line->rfind("START FAILED: ", 0), 0u) << *line;
	EXPECT_NE(line->find(std::to_string(port)), std::string::npos) << "the message should name the port: " << *line;
	EXPECT_NE(line->find("in use"), std::string::npos) << "the message should say why: " << *line;
	const auto code = second.wait_exit(kCommandTimeout);
	ASSERT_TRUE(code.has_value()) << "the second host did not exit after failing to start";
	EXPECT_EQ(*code, 1);

	// The first host still serves its own tone (440 Hz, not the second host's 880 Hz).
	std::string error;
	auto client = SseClient::open(port, "/stream", {}, 5s, &error);
	ASSERT_TRUE(client) << error;
	ASSERT_TRUE(client->read_events(40, Clock::now() + 5s));
	const AudioEvents audio = check_audio_events(client->parser().events());
	EXPECT_EQ(audio.problem_count, 0u) << audio.problems_text();
	ASSERT_TRUE(audio.decoder->ok()) << audio.decoder->error();
	EXPECT_NEAR(dominant_frequency(decoded_tail(*audio.decoder, 0.5), 48000), 440.0, 3.0);
	const auto status = fetch_status(port, &error);
	ASSERT_TRUE(status) << error;
	EXPECT_EQ((*status)["running"], true);
}

TEST_F(HostLifecycleTest, QuitsPromptlyWithTenListenersConnected)
{
	HostProcess *host = start_tone_host();
	ASSERT_NE(host, nullptr);
	const int port = host->port();

	std::vector<std::unique_ptr<SseClient>> listeners;
	for (int i = 0; i < 10; i++) {
		std::string error;
		auto client = SseClient::open(port, "/stream", {}, 5s, &error);
		ASSERT_TRUE(client) << "listener " << i << ": " << error;
		listeners.push_back(std::move(client));
	}
	for (size_t i = 0; i < listeners.size(); i++)
		ASSERT_TRUE(listeners[i]->read_events(1, Clock::now() + 5s)) << "listener " << i << " got no audio";
	std::string error;
	const auto status = fetch_status(port, &error);
	ASSERT_TRUE(status) << error;
	EXPECT_EQ((*status)["listeners"]["now"], 10);

	const auto asked = Clock::now();
	ASSERT_TRUE(host->send("quit"));
	const auto code = host->wait_exit(3s);
	const double took = std::chrono::duration<double>(Clock::now() - asked).count();
	ASSERT_TRUE(code.has_value()) << "the host did not exit within 3 s of quit with 10 listeners connected";
	EXPECT_EQ(*code, 0);
	EXPECT_EQ(host->last_line(), "EXITED");
	// Every listener's response was ended by the server.
	for (size_t i = 0; i < listeners.size(); i++)
		EXPECT_TRUE(listeners[i]->read_to_end(Clock::now() + 1s)) << "listener " << i << " was not closed";

	std::ostringstream figures;
	figures << "quit with 10 listeners: exited in " << took << " s";
	report(figures.str());
}

} // namespace
} // namespace sse_audio::itest
