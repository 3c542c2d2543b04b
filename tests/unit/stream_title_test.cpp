// The stream's title: a setting validated as display text, served in /status.json for the player.

#include "serve/stream_server.hpp"
#include "settings/stream_settings.hpp"
#include "http_test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace sse_audio {
namespace {

using namespace test;

bool title_refused(const std::string &title)
{
	StreamSettings s;
	s.title = title;
	const auto problems = validate_settings(s);
	return problems.size() == 1 && problems[0].field == "title" && !check_settings(s).ok();
}

TEST(StreamTitle, AcceptsPlainAndInternationalText)
{
	for (const std::string title : {"", "OBS", "Sunday service — main hall", "周日礼拜 主厅", "Café 🎵"}) {
		StreamSettings s;
		s.title = title;
		EXPECT_TRUE(validate_settings(s).empty()) << title;
	}
	StreamSettings longest;
	longest.title = std::string(StreamSettings::kMaxTitleBytes, 'a');
	EXPECT_TRUE(validate_settings(longest).empty());
}

TEST(StreamTitle, RefusesControlCharactersBadUtf8AndOverlongText)
{
	EXPECT_TRUE(title_refused(std::string(StreamSettings::kMaxTitleBytes + 1, 'a')));
	EXPECT_TRUE(title_refused("line\nbreak"));
	EXPECT_TRUE(title_refused("tab\there"));
	EXPECT_TRUE(title_refused(std::string("nul\0x", 5)));
	EXPECT_TRUE(title_refused("del\x7F"));
	EXPECT_TRUE(title_refused("\xC2\x85"));         // C1 control (NEL)
	EXPECT_TRUE(title_refused("\xFF"));             // never valid in UTF-8
	EXPECT_TRUE(title_refused("\xC3"));             // truncated sequence
	EXPECT_TRUE(title_refused("\xE4\xB8"));         // truncated three-byte sequence
	EXPECT_TRUE(title_refused("\xC0\xAF"));         // overlong '/'
	EXPECT_TRUE(title_refused("\xED\xA0\x80"));     // surrogate
	EXPECT_TRUE(title_refused("\xF4\x90\x80\x80")); // past U+10FFFF
}

TEST(StreamTitle, StatusJsonCarriesTheConfiguredTitle)
{
	HubConfig hub_config;
	auto hub = std::make_shared<StreamHub>(hub_config);
	TempWebRoot web;
	ServerConfig config;
	EXPECT_EQ(config.title, "OBS") << "the default a server shows when nobody set a title";
	config.bind_address = "127.0.0.1";
	config.web_root = web.web();
	config.title = "周日礼拜 \"main\" hall";
	auto started = start_on_free_port(config, hub, [] { return ChannelStats{}; });
	ASSERT_TRUE(started.ok()) << started.error();
	const std::unique_ptr<StreamServer> server = std::move(*started);
	const auto doc = nlohmann::json::parse(raw_get_body(config.port, "/status.json"), nullptr, false);
	ASSERT_FALSE(doc.is_discarded());
	EXPECT_EQ(doc.value("title", std::string("<missing>")), "周日礼拜 \"main\" hall");
	server->stop();
}

} // namespace
} // namespace sse_audio
