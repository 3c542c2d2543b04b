// The plugin's settings file and the obs-websocket status response, with libobs's real obs_data (no OBS running).

#include "settings_store.hpp"
#include "websocket_requests.hpp"

#include <obs-module.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

// The module entry's definitions (obs_current_module, obs_module_text, ...) that the linked plugin code expects;
// in the plugin they come from plugin_module.cpp.
OBS_DECLARE_MODULE()
OBS_MODULE_USE_DEFAULT_LOCALE("obs-sse-audio", "en-US")

namespace sse_audio::obs {
namespace {

class SettingsFile : public ::testing::Test {
protected:
	void SetUp() override
	{
		folder_ = std::filesystem::temp_directory_path() /
			  ("sse-audio-settings-" + std::to_string(getpid()) + "-" +
			   ::testing::UnitTest::GetInstance()->current_test_info()->name());
		std::filesystem::remove_all(folder_);
		path_ = (folder_ / "plugin_config" / "obs-sse-audio" / "settings.json").string();
	}
	void TearDown() override { std::filesystem::remove_all(folder_); }

	void write(const std::string &text)
	{
		std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
		std::ofstream(path_) << text;
	}

	std::filesystem::path folder_;
	std::string path_;
};

TEST_F(SettingsFile, MissingFileGivesTheDefaults)
{
	std::vector<SettingsProblem> refused = {{"x", "y"}};
	const PluginSettings s = load_plugin_settings(path_, &refused);
	EXPECT_TRUE(s == PluginSettings{});
	EXPECT_EQ(s.stream.port, 8330);
	EXPECT_FALSE(s.start_with_obs);
	EXPECT_TRUE(refused.empty());
}

TEST_F(SettingsFile, SavedSettingsComeBackAndUseTheContractKeys)
{
	PluginSettings s;
	s.stream.port = 9123;
	s.stream.bitrate_kbps = 256;
	s.stream.timeout_seconds = 40;
	s.stream.bind_address = "127.0.0.1";
	s.stream.mixer = 5;
	s.stream.max_listeners = 12;
	s.stream.access_key = "abc-DEF_1.~";
	s.stream.title = "Choir";
	s.start_with_obs = true;
	ASSERT_TRUE(save_plugin_settings(s, path_)) << "the folder must be created as needed";

	EXPECT_TRUE(load_plugin_settings(path_) == s);

	std::ifstream file(path_);
	const auto json = nlohmann::json::parse(file);
	EXPECT_EQ(json.at("port"), 9123);
	EXPECT_EQ(json.at("bitrate"), 256);
	EXPECT_EQ(json.at("timeout"), 40);
	EXPECT_EQ(json.at("bind_address"), "127.0.0.1");
	EXPECT_EQ(json.at("mixer"), 5);
	EXPECT_EQ(json.at("max_listeners"), 12);
	EXPECT_EQ(json.at("access_key"), "abc-DEF_1.~");
	EXPECT_EQ(json.at("start_with_obs"), true);
}

// A hand-edited file's refused values stay as written and are reported, field by field: none falls back to a
// default, since the defaults of the access key (none) and the bind address (every network) are more open.
TEST_F(SettingsFile, RefusedValuesAreKeptAndReportedNeverReplacedByOpenDefaults)
{
	write(R"({"port": 0, "bitrate": 100, "timeout": 30, "bind_address": "localhost", "mixer": 2,
		  "max_listeners": 5000, "access_key": "no spaces", "start_with_obs": true})");
	std::vector<SettingsProblem> refused;
	const PluginSettings s = load_plugin_settings(path_, &refused);
	EXPECT_EQ(s.stream.port, 0);
	EXPECT_EQ(s.stream.bitrate_kbps, 100);
	EXPECT_EQ(s.stream.bind_address, "localhost") << "a refused bind address must not become 0.0.0.0";
	EXPECT_EQ(s.stream.max_listeners, 5000);
	EXPECT_EQ(s.stream.access_key, "no spaces") << "a refused access key must not become an open stream";
	EXPECT_EQ(s.stream.timeout_seconds, 30);
	EXPECT_EQ(s.stream.mixer, 2);
	EXPECT_TRUE(s.start_with_obs);
	std::vector<std::string> fields;
	for (const auto &problem : refused)
		fields.push_back(problem.field);
	EXPECT_EQ(fields, (std::vector<std::string>{"port", "bitrate", "bind_address", "max_listeners", "access_key"}));
	EXPECT_FALSE(check_settings(s.stream)) << "the output must refuse to start with these";
}

TEST_F(SettingsFile, RelaySettingsAndListenersPerAddressComeBackUnderTheirKeys)
{
	PluginSettings s;
	s.stream.max_listeners_per_address = 3;
	s.stream.relay_url = "http://127.0.0.1:8080/pub/obs";
	s.stream.relay_key = "k3y";
	s.stream.serve_listeners = false;
	ASSERT_TRUE(save_plugin_settings(s, path_));
	EXPECT_TRUE(load_plugin_settings(path_) == s);

	std::ifstream file(path_);
	const auto json = nlohmann::json::parse(file);
	EXPECT_EQ(json.at("max_listeners_per_address"), 3);
	EXPECT_EQ(json.at("relay_url"), "http://127.0.0.1:8080/pub/obs");
	EXPECT_EQ(json.at("relay_key"), "k3y");
	EXPECT_EQ(json.at("serve_listeners"), false);
}

TEST_F(SettingsFile, AnOlderFileWithoutTheRelayKeysGetsTheirDefaults)
{
	write(R"({"port": 9000})");
	const PluginSettings s = load_plugin_settings(path_);
	EXPECT_EQ(s.stream.port, 9000);
	EXPECT_EQ(s.stream.max_listeners_per_address, 16);
	EXPECT_TRUE(s.stream.relay_url.empty());
	EXPECT_TRUE(s.stream.serve_listeners) << "a missing key must not turn the plugin's own listeners off";
}

TEST_F(SettingsFile, ABadRelayUrlIsKeptAndReported)
{
	write(R"({"relay_url": "https://relay.example.org/pub/obs", "serve_listeners": false,
		  "max_listeners_per_address": -4})");
	std::vector<SettingsProblem> refused;
	const PluginSettings s = load_plugin_settings(path_, &refused);
	EXPECT_EQ(s.stream.relay_url, "https://relay.example.org/pub/obs");
	EXPECT_FALSE(s.stream.serve_listeners);
	EXPECT_EQ(s.stream.max_listeners_per_address, -4);
	std::vector<std::string> fields;
	for (const auto &problem : refused)
		fields.push_back(problem.field);
	EXPECT_EQ(fields, (std::vector<std::string>{"max_listeners_per_address", "relay_url"}));
}

TEST_F(SettingsFile, ChannelsComeBackAsTheListTheContractNames)
{
	PluginSettings s;
	s.stream.channels = {{"floor", "Floor", 0}, {"en", "English", 1}, {"zh", "中文", 2}};
	ASSERT_TRUE(save_plugin_settings(s, path_));
	EXPECT_TRUE(load_plugin_settings(path_) == s);

	std::ifstream file(path_);
	const auto json = nlohmann::json::parse(file);
	ASSERT_EQ(json.at("channels").size(), 3u);
	EXPECT_EQ(json.at("channels")[1], (nlohmann::json{{"id", "en"}, {"name", "English"}, {"mixer", 1}}));
}

TEST_F(SettingsFile, AFileWithoutChannelsIsOneChannelAndBadChannelsAreReported)
{
	write(R"({"mixer": 2})");
	PluginSettings s = load_plugin_settings(path_);
	EXPECT_TRUE(s.stream.channels.empty());
	EXPECT_EQ(served_channels(s.stream).front().mixer, 2);

	write(R"({"channels": [{"id": "en", "name": "English", "mixer": 1}, {"id": "no spaces", "name": "X", "mixer": 9}]})");
	std::vector<SettingsProblem> refused;
	s = load_plugin_settings(path_, &refused);
	ASSERT_EQ(s.stream.channels.size(), 2u) << "kept as written, to be corrected";
	ASSERT_EQ(refused.size(), 2u); // the id and the track
	EXPECT_EQ(refused[0].field, "channels");
	EXPECT_FALSE(check_settings(s.stream));
}

// A hand-edited file whose `channels` is not a list of channels is refused, never read as "no channels" (which
// would stream track `mixer` alone) or as track 1.
TEST_F(SettingsFile, ChannelsThatAreNotAListOfChannelsAreRefused)
{
	const struct {
		const char *json;
		const char *why;
	} cases[] = {
		{R"({"channels": "en"})", "channels must be a list"},
		{R"({"channels": {"id": "en", "name": "English", "mixer": 1}})", "channels must be a list"},
		{R"({"channels": [{"id": "en", "name": "English", "mixer": "1"}]})",
		 "Channel 1: id and name must be text"},
		{R"({"channels": [{"id": "en", "name": "English", "mixer": 1.5}]})",
		 "Channel 1: id and name must be text"},
		{R"({"channels": [{"id": "en", "name": "English", "mixer": 1}, {"id": "fr", "name": "Fr"}]})",
		 "Channel 2: id and name must be text"},
		{R"({"channels": [{"id": 7, "name": "Seven", "mixer": 1}]})", "Channel 1: id and name must be text"},
	};
	for (const auto &c : cases) {
		write(c.json);
		std::vector<SettingsProblem> refused;
		const PluginSettings s = load_plugin_settings(path_, &refused);
		ASSERT_FALSE(refused.empty()) << c.json;
		EXPECT_EQ(refused[0].field, "channels") << c.json;
		EXPECT_NE(refused[0].message.find(c.why), std::string::npos) << c.json << ": " << refused[0].message;
		EXPECT_FALSE(check_settings(s.stream)) << c.json;
	}
	write(R"({"channels": []})");
	std::vector<SettingsProblem> refused;
	const PluginSettings s = load_plugin_settings(path_, &refused);
	EXPECT_TRUE(refused.empty()) << "an empty list is one channel from mixer, as documented";
}

TEST_F(SettingsFile, UnreadableFileGivesTheDefaultsAndSaysSo)
{
	write("{ this is not json");
	std::vector<SettingsProblem> refused;
	EXPECT_TRUE(load_plugin_settings(path_, &refused) == PluginSettings{});
	ASSERT_EQ(refused.size(), 1u);
	EXPECT_TRUE(refused[0].field.empty());
	EXPECT_NE(refused[0].message.find("could not be read"), std::string::npos) << refused[0].message;
}

TEST(WebsocketStatus, CarriesStateUrlsAndCounters)
{
	PluginSettings settings;
	settings.stream.port = 9001;
	settings.stream.access_key = "k";
	settings.stream.mixer = 1;
	StreamState state{StreamPhase::Live, 1700000000123, {}};
	StreamFigures figures;
	figures.running = true;
	figures.listeners_now = 3;
	figures.listeners_peak = 8;
	figures.bytes_sent = 123456789012;
	figures.pcm_frames_dropped = 1;
	figures.listener_skips = 2;
	figures.listeners_timed_out = 3;
	figures.rejected_full = 4;

	obs_data_t *data = obs_data_create();
	write_status(settings, state, figures, {"192.168.0.2", "10.1.1.1"}, data);
	const auto json = nlohmann::json::parse(obs_data_get_json(data));
	obs_data_release(data);

	EXPECT_EQ(json.at("state"), "live");
	EXPECT_EQ(json.at("live_since_ms"), 1700000000123);
	EXPECT_EQ(json.at("url"), "http://192.168.0.2:9001/?key=k");
	ASSERT_EQ(json.at("urls").size(), 2U);
	EXPECT_EQ(json.at("urls")[1].at("url"), "http://10.1.1.1:9001/?key=k");
	EXPECT_EQ(json.at("port"), 9001);
	EXPECT_EQ(json.at("track"), 2);
	EXPECT_EQ(json.at("access_key_required"), true);
	EXPECT_EQ(json.at("listeners").at("now"), 3);
	EXPECT_EQ(json.at("listeners").at("peak"), 8);
	EXPECT_EQ(json.at("bytes_sent"), 123456789012);
	EXPECT_EQ(json.at("drops").at("pcm_frames"), 1);
	EXPECT_EQ(json.at("drops").at("listener_skips"), 2);
	EXPECT_EQ(json.at("drops").at("listeners_timed_out"), 3);
	EXPECT_EQ(json.at("drops").at("rejected_full"), 4);
	EXPECT_EQ(json.at("error"), "");
	EXPECT_FALSE(json.contains("relay")) << "no relay object without a relay";
}

TEST(WebsocketStatus, ListsTheChannelsWithTheirListeners)
{
	PluginSettings settings;
	settings.stream.mixer = 4;
	StreamFigures figures;
	figures.running = true;
	figures.channels = {{5, ""}};
	obs_data_t *data = obs_data_create();
	write_status(settings, {StreamPhase::Live, 1, {}}, figures, {"127.0.0.1"}, data);
	auto json = nlohmann::json::parse(obs_data_get_json(data));
	ASSERT_EQ(json.at("channels").size(), 1U);
	EXPECT_EQ(json.at("channels")[0],
		  (nlohmann::json{{"id", "main"}, {"name", ""}, {"track", 5}, {"listeners", 5}, {"error", ""}}));

	settings.stream.channels = {{"floor", "Floor", 0}, {"en", "English", 1}};
	figures.channels = {{2, ""}, {0, "LAME failed to encode (error -2)"}};
	write_status(settings, {StreamPhase::Live, 1, {}}, figures, {"127.0.0.1"}, data);
	json = nlohmann::json::parse(obs_data_get_json(data));
	obs_data_release(data);
	ASSERT_EQ(json.at("channels").size(), 2U);
	EXPECT_EQ(json.at("channels")[1].at("id"), "en");
	EXPECT_EQ(json.at("channels")[1].at("name"), "English");
	EXPECT_EQ(json.at("channels")[1].at("track"), 2);
	EXPECT_EQ(json.at("channels")[1].at("listeners"), 0);
	EXPECT_EQ(json.at("channels")[1].at("error"), "LAME failed to encode (error -2)");
	EXPECT_EQ(json.at("channels")[0].at("listeners"), 2);
}

TEST(WebsocketStatus, CarriesTheRelaysState)
{
	PluginSettings settings;
	StreamState state{StreamPhase::Live, 1700000000123, {}};
	StreamFigures figures;
	figures.running = true;
	RelayStats relay;
	relay.state = RelayStats::State::Retrying;
	relay.url = "http://127.0.0.1:8080/pub/obs";
	relay.events_relayed = 41;
	relay.failed_attempts = 2;
	relay.events_lost = 3;
	relay.last_error = "the relay answered HTTP 403 (check the relay key)";
	figures.relay = relay;

	obs_data_t *data = obs_data_create();
	write_status(settings, state, figures, {"192.168.0.2"}, data);
	const auto json = nlohmann::json::parse(obs_data_get_json(data));
	obs_data_release(data);
	const auto &r = json.at("relay");
	EXPECT_EQ(r.at("state"), "retrying");
	EXPECT_EQ(r.at("url"), "http://127.0.0.1:8080/pub/obs");
	EXPECT_EQ(r.at("events_relayed"), 41);
	EXPECT_EQ(r.at("failed_attempts"), 2);
	EXPECT_EQ(r.at("events_lost"), 3);
	EXPECT_EQ(r.at("last_error"), "the relay answered HTTP 403 (check the relay key)");
}

TEST(WebsocketStatus, NamesEveryPhase)
{
	EXPECT_STREQ(phase_name(StreamPhase::Stopped), "stopped");
	EXPECT_STREQ(phase_name(StreamPhase::Starting), "starting");
	EXPECT_STREQ(phase_name(StreamPhase::Live), "live");
	EXPECT_STREQ(phase_name(StreamPhase::Stopping), "stopping");
	EXPECT_STREQ(phase_name(StreamPhase::Error), "error");
}

} // namespace
} // namespace sse_audio::obs
