// The `channels` setting (docs/channels.md): what a list may hold, and the one channel of settings without one.

#include "settings/stream_settings.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sse_audio {
namespace {

std::vector<std::string> channel_problems(const std::vector<ChannelSetting> &channels)
{
	StreamSettings s;
	s.channels = channels;
	std::vector<std::string> messages;
	for (const auto &problem : validate_settings(s)) {
		EXPECT_EQ(problem.field, "channels") << problem.message;
		messages.push_back(problem.message);
	}
	return messages;
}

TEST(ChannelSettings, WithoutAListTheStreamIsOneChannelFromItsTrack)
{
	StreamSettings s;
	s.mixer = 3;
	const auto channels = served_channels(s);
	ASSERT_EQ(channels.size(), 1u);
	EXPECT_EQ(channels[0].id, kDefaultChannelId);
	EXPECT_EQ(channels[0].name, "");
	EXPECT_EQ(channels[0].mixer, 3);
	EXPECT_TRUE(validate_settings(s).empty());
}

TEST(ChannelSettings, AcceptsSixChannelsOnTheSixTracks)
{
	std::vector<ChannelSetting> six = {{"floor", "Floor", 0},  {"en", "English", 1},
					   {"fr", "Français", 2},  {"zh-CN", "中文", 3},
					   {"de_1", "Deutsch", 4}, {"ABCDEFGHIJKLMNOP", "16", 5}};
	EXPECT_TRUE(channel_problems(six).empty());
	StreamSettings s;
	s.mixer = 5; // ignored once there is a list
	s.channels = six;
	EXPECT_EQ(served_channels(s), six);
}

TEST(ChannelSettings, RefusesASeventhChannel)
{
	std::vector<ChannelSetting> seven;
	for (int i = 0; i < 7; i++)
		seven.push_back({std::string("c").append(std::to_string(i)), "Channel", i % 6});
	const auto problems = channel_problems(seven);
	ASSERT_EQ(problems.size(), 1u);
	EXPECT_NE(problems[0].find("At most 6 channels"), std::string::npos) << problems[0];
}

TEST(ChannelSettings, RefusesBadIdsNamesAndTracksOneByOne)
{
	const std::vector<std::vector<ChannelSetting>> bad = {
		{{"", "Empty id", 0}},
		{{"ABCDEFGHIJKLMNOPQ", "17 characters", 0}},
		{{"en fr", "A space", 0}},
		{{"en/fr", "A slash", 0}},
		{{"é", "Not ASCII", 0}},
		{{"en", "", 0}},
		{{"en", std::string(65, 'x'), 0}},
		{{"en", "Line\nbreak", 0}},
		{{"en", std::string("\xC3\x28", 2), 0}},
		{{"en", "Track 0", -1}},
		{{"en", "Track 7", 6}},
		{{"en", "English", 1}, {"en", "Again", 2}},
		{{"en-status", "Taken by the relay", 1}},
	};
	for (const auto &channels : bad) {
		const auto problems = channel_problems(channels);
		EXPECT_EQ(problems.size(), 1u) << channels.back().id << " / " << channels.back().name;
	}
	const auto twice = channel_problems({{"en", "English", 1}, {"en", "Again", 2}});
	ASSERT_EQ(twice.size(), 1u);
	EXPECT_NE(twice[0].find("already channel 1"), std::string::npos) << twice[0];
}

TEST(ChannelSettings, ChannelIds)
{
	EXPECT_TRUE(is_channel_id("en"));
	EXPECT_TRUE(is_channel_id("zh-Hant_2"));
	EXPECT_FALSE(is_channel_id(""));
	EXPECT_FALSE(is_channel_id("a?b"));
	EXPECT_FALSE(is_channel_id(std::string(17, 'a')));
}

} // namespace
} // namespace sse_audio
