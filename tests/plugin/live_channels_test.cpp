// Channels added and removed while the stream is live, as the dock does it: the controller applies the new list
// by restarting the output, and the server then serves exactly the channels of the list.

#include "output_controller.hpp"

#include "host_process.hpp"
#include "http_stream.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace sse_audio::obs {
namespace {

using namespace std::chrono_literals;

// The ids /channels.json lists, in order; empty when it did not answer.
std::vector<std::string> served_ids(int port)
{
	std::string error;
	const auto list = itest::http_get(port, "/channels.json", 5s, &error);
	std::vector<std::string> ids;
	if (!list || list->head.status != 200) {
		ADD_FAILURE()
			<< "/channels.json: " << (list ? std::to_string(list->head.status) + " " + list->body : error);
		return ids;
	}
	const auto document = nlohmann::json::parse(list->body, nullptr, false);
	if (!document.contains("channels")) {
		ADD_FAILURE() << "no channels in " << list->body;
		return ids;
	}
	for (const auto &channel : document["channels"])
		ids.push_back(channel["id"].get<std::string>());
	return ids;
}

int stream_status(int port, const std::string &channel)
{
	std::string error;
	const auto stream = itest::HttpStream::open(port, "/stream.mp3?channel=" + channel, {}, 2s, &error);
	return stream ? stream->head().status : -1;
}

TEST(LiveChannels, AddingAndRemovingChannelsWhileLiveRestartsWithTheNewList)
{
	OutputController controller(""); // settings in memory only
	PluginSettings settings = controller.settings();
	settings.stream.port = itest::pick_free_port();
	settings.stream.bind_address = "127.0.0.1";
	ASSERT_TRUE(controller.apply(settings).empty());
	controller.start();
	ASSERT_EQ(controller.wait_settled(10s).phase, StreamPhase::Live) << controller.state().error.message;
	const int port = settings.stream.port;
	EXPECT_EQ(served_ids(port), std::vector<std::string>{"main"});

	settings.stream.channels = {{"floor", "Floor", 0}, {"en", "English", 1}, {"fr", "Français", 2}};
	ASSERT_TRUE(controller.apply(settings).empty());
	ASSERT_EQ(controller.wait_settled(10s).phase, StreamPhase::Live) << controller.state().error.message;
	EXPECT_EQ(served_ids(port), (std::vector<std::string>{"floor", "en", "fr"}));
	EXPECT_EQ(stream_status(port, "fr"), 200);

	settings.stream.channels.pop_back();
	ASSERT_TRUE(controller.apply(settings).empty());
	ASSERT_EQ(controller.wait_settled(10s).phase, StreamPhase::Live) << controller.state().error.message;
	EXPECT_EQ(served_ids(port), (std::vector<std::string>{"floor", "en"}));
	EXPECT_EQ(stream_status(port, "fr"), 404) << "a removed channel is gone";
	EXPECT_EQ(controller.figures().channels.size(), 2U);

	// A seventh channel is refused with its reason and the live stream keeps its list.
	settings.stream.channels.clear();
	for (int i = 0; i < 7; i++)
		settings.stream.channels.push_back({std::string("c").append(std::to_string(i)), "Channel", i % 6});
	const auto refused = controller.apply(settings);
	ASSERT_EQ(refused.size(), 1U);
	EXPECT_EQ(refused[0].field, "channels");
	EXPECT_NE(refused[0].message.find("At most 6 channels"), std::string::npos) << refused[0].message;
	EXPECT_EQ(controller.state().phase, StreamPhase::Live);
	EXPECT_EQ(served_ids(port), (std::vector<std::string>{"floor", "en"}));
	controller.shutdown();
}

} // namespace
} // namespace sse_audio::obs
