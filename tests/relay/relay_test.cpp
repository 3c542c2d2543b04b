// Relay mode end to end: the real plugin in obs-sse-audio-host publishes to nginx + nchan (configured from
// deploy/nginx, started on loopback in a temporary folder), and listeners read nginx's /stream the way EventSource
// does. They must get the very events the plugin's own listeners get (same names, same MP3 bytes, in order, no
// gap), resume after Last-Event-ID without a gap, and on a second nginx node sharing Redis hear what the plugin
// published on the first.

#include "host_test.hpp"
#include "relay_services.hpp"

#include "audio_analysis.hpp"
#include "audio_events.hpp"
#include "mp3_decoder.hpp"
#include "payload_checks.hpp"
#include "sse_reader.hpp"

#include <algorithm>
#include <iostream>
#include <set>
#include <sstream>

namespace sse_audio::itest {
namespace {

using namespace std::chrono_literals;
using rtest::NginxNode;
using rtest::NginxOptions;
using rtest::RedisServer;
using rtest::TempFolder;

const Headers kEventSource = {{"Accept", "text/event-stream"}};

// What one listener received, reduced to what the player uses.
struct Received {
	std::vector<std::string> audio_ids;
	std::vector<uint8_t> audio; // every audio event's MP3 bytes, in arrival order
	size_t audio_events = 0;
	size_t timing_events = 0;
	size_t stopped_events = 0;
	std::vector<std::string> problems;
};

Received received(const SseParser &parser)
{
	Received r;
	for (const SseEvent &e : parser.events()) {
		if (e.type == "audio") {
			r.audio_events++;
			if (!e.id || e.id->empty())
				r.problems.push_back("an audio event without id");
			else
				r.audio_ids.push_back(*e.id);
			const auto bytes = strict_base64_decode(e.data);
			if (!bytes || e.data_lines != 1)
				r.problems.push_back("audio data is not one line of padded base64");
			else
				r.audio.insert(r.audio.end(), bytes->begin(), bytes->end());
		} else if (e.type == "timing") {
			r.timing_events++;
			const auto doc = nlohmann::json::parse(e.data, nullptr, false);
			if (!doc.is_object() || !doc.contains("capture_ms") || !doc.contains("server_ms"))
				r.problems.push_back("timing data is not {capture_ms, server_ms}: " + e.data);
		} else if (e.type == "stopped") {
			r.stopped_events++;
		} else {
			r.problems.push_back("unexpected event type " + e.type);
		}
	}
	return r;
}

// True when `part` occurs in `whole` as one run: same bytes, same order, nothing missing in between.
bool contiguous_in(const std::vector<uint8_t> &part, const std::vector<uint8_t> &whole)
{
	return !part.empty() && std::search(whole.begin(), whole.end(), part.begin(), part.end()) != whole.end();
}

struct Tone {
	double hz = 0;
	double level = 0;
	bool decoded = false;
	std::string error;
};

Tone tone_of(const std::vector<uint8_t> &mp3)
{
	Mp3Decoder decoder;
	Tone t;
	if (decoder.feed(mp3) < 0 || !decoder.ok()) {
		t.error = decoder.error();
		return t;
	}
	const auto tail = decoded_tail(decoder, 2.0);
	t.decoded = decoder.sample_rate() == 48000 && decoder.channels() == 2 && !tail.empty();
	t.hz = dominant_frequency(tail, 48000);
	t.level = rms(tail);
	return t;
}

class RelayTest : public HostTest {
protected:
	void SetUp() override
	{
		HostTest::SetUp();
		if (IsSkipped())
			return;
		std::string missing;
		ASSERT_TRUE(rtest::relay_services_installed(missing))
			<< "not installed: " << missing << " (bash scripts/install-deps.sh test)";
		folder_ = std::make_unique<TempFolder>(
			"relay-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
	}
	void TearDown() override
	{
		if (HasFailure())
			for (const auto &node : nodes_)
				std::cout << "nginx on port " << node->port() << ":\n" << node->error_log_tail();
		HostTest::TearDown();
		nodes_.clear();
		redis_.reset();
		folder_.reset();
	}

	NginxNode *start_nginx(NginxOptions options)
	{
		const auto name = "nginx-" + std::to_string(nodes_.size());
		nodes_.push_back(std::make_unique<NginxNode>(folder_->path() / name, std::move(options)));
		std::string error;
		if (!nodes_.back()->start(error)) {
			ADD_FAILURE() << error;
			return nullptr;
		}
		return nodes_.back().get();
	}
	RedisServer *start_redis()
	{
		redis_ = std::make_unique<RedisServer>(folder_->path() / "redis");
		std::string error;
		if (!redis_->start(error)) {
			ADD_FAILURE() << error;
			return nullptr;
		}
		return redis_.get();
	}
	// nginx refuses a channel nothing was published to yet (403, deploy/nginx: nchan_subscribe_existing_channels_only),
	// as the player finds when it comes before OBS starts: like the player, try again, here for up to 8 s.
	static std::unique_ptr<SseClient> listen(int port, const Headers &headers = kEventSource,
						 std::string_view target = "/stream")
	{
		std::string error;
		std::unique_ptr<SseClient> client;
		const auto deadline = Clock::now() + 8s;
		for (int attempt = 0; attempt < 80; attempt++) {
			client = SseClient::open(port, target, headers, 5s, &error);
			if (!client || client->head().status != 403 || Clock::now() >= deadline)
				break;
			pause_for(100ms);
		}
		EXPECT_TRUE(client) << "GET " << target << " on port " << port << ": " << error;
		if (client) {
			EXPECT_EQ(client->head().status, 200) << "GET " << target << " on port " << port;
		}
		return client;
	}

	std::unique_ptr<TempFolder> folder_;
	std::vector<std::unique_ptr<NginxNode>> nodes_;
	std::unique_ptr<RedisServer> redis_;
};

TEST_F(RelayTest, NginxListenersGetThePluginsOwnEventsAndTheToneDecodes)
{
	NginxNode *nginx = start_nginx({"single", 0, "relay-key-1", ""});
	ASSERT_NE(nginx, nullptr);
	HostProcess *host = start_tone_host(
		{"--relay-url", nginx->publish_url(), "--relay-key", "relay-key-1", "--title", "Relayed choir"});
	ASSERT_NE(host, nullptr);

	// The plugin's own listener is the reference: it connects first and leaves last, so everything the nginx
	// listener hears must be one run inside what it heard.
	auto reference = listen(host->port(), {});
	ASSERT_TRUE(reference);
	pause_for(1000ms);
	auto relayed = listen(nginx->port());
	ASSERT_TRUE(relayed);
	EXPECT_EQ(relayed->head().status, 200);
	EXPECT_EQ(relayed->head().header("Content-Type").rfind("text/event-stream", 0), 0u);
	const auto t0 = relayed->connected_at();
	EXPECT_TRUE(relayed->read_until(t0 + 6s)) << "nginx ended the stream early";
	EXPECT_TRUE(reference->read_until(Clock::now() + 1s));

	const Received got = received(relayed->parser());
	const Received want = received(reference->parser());
	EXPECT_TRUE(got.problems.empty()) << got.problems.size() << " problems, the first: " << got.problems.front();
	// 0.5 s of burst and 6 s live, 24 ms per event.
	EXPECT_GE(got.audio_events, 200u);
	EXPECT_GE(got.timing_events, 4u) << "about one timing event per second of audio";
	EXPECT_TRUE(contiguous_in(got.audio, want.audio))
		<< "the audio through nginx must be the plugin's own events, in order and without a gap ("
		<< got.audio.size() << " bytes relayed, " << want.audio.size() << " bytes from the plugin)";
	EXPECT_EQ(std::set<std::string>(got.audio_ids.begin(), got.audio_ids.end()).size(), got.audio_ids.size())
		<< "nchan's ids must be distinct";

	const Tone tone = tone_of(got.audio);
	ASSERT_TRUE(tone.decoded) << tone.error;
	EXPECT_NEAR(tone.hz, 440.0, 3.0);
	EXPECT_GT(tone.level, 0.05);

	// The player's /status.json, published by the relay beside the stream.
	std::string error;
	const auto status = fetch_status(nginx->port(), &error);
	ASSERT_TRUE(status) << error;
	EXPECT_EQ(status->value("title", ""), "Relayed choir");
	EXPECT_EQ(status->value("running", false), true);
	EXPECT_EQ(status->value("bitrate_kbps", 0), 128);
	EXPECT_GE((*status)["listeners"].value("now", 0), 0);

	// The player page and its modules come from nginx too.
	const auto page = http_get(nginx->port(), "/", 5s, &error);
	ASSERT_TRUE(page) << error;
	EXPECT_EQ(page->head.status, 200);
	EXPECT_NE(page->body.find("<html"), std::string::npos);
	const auto module = http_get(nginx->port(), "/main.js", 5s, &error);
	ASSERT_TRUE(module) << error;
	EXPECT_EQ(module->head.header("Content-Type").rfind("application/javascript", 0), 0u);
	// Any page may embed the player from nginx (docs/embedding.md): its modules load with CORS.
	EXPECT_EQ(module->head.header("Access-Control-Allow-Origin"), "*");

	std::ostringstream figures;
	figures << "relay: " << got.audio_events << " audio and " << got.timing_events
		<< " timing events through nginx, " << got.audio.size() << " bytes, tone " << tone.hz << " Hz, RMS "
		<< tone.level;
	report(figures.str());
}

TEST_F(RelayTest, APublisherFromAnotherAddressIsRefused)
{
	// Only 127.0.0.2 may publish; the plugin publishes from 127.0.0.1.
	NginxNode *nginx = start_nginx({"single", 0, "", "", "127.0.0.2"});
	ASSERT_NE(nginx, nullptr);
	HostProcess *host = start_tone_host({"--relay-url", nginx->publish_url()});
	ASSERT_NE(host, nullptr);
	pause_for(1500ms);
	// Nothing reached nginx, so it has no such channel: a listener is refused at once (nchan's 403) and hears nothing.
	std::string error;
	auto relayed = SseClient::open(nginx->port(), "/stream", kEventSource, 5s, &error);
	ASSERT_TRUE(relayed) << error;
	EXPECT_EQ(relayed->head().status, 403) << "nginx must refuse a publisher from elsewhere";
	relayed->read_until(Clock::now() + 500ms);
	EXPECT_EQ(received(relayed->parser()).audio_events, 0u) << "nginx must refuse a publisher from elsewhere";
	host->send("quit");
	ASSERT_TRUE(host->wait_exit(kCommandTimeout));
	EXPECT_NE(host->log_tail(400).find("the relay answered HTTP 403"), std::string::npos);
}

TEST_F(RelayTest, APublisherWithTheWrongKeyIsRefused)
{
	NginxNode *nginx = start_nginx({"single", 0, "right-key", ""});
	ASSERT_NE(nginx, nullptr);
	HostProcess *host = start_tone_host({"--relay-url", nginx->publish_url(), "--relay-key", "wrong-key"});
	ASSERT_NE(host, nullptr);
	pause_for(1500ms);
	// Nothing reached nginx, so it has no such channel: a listener is refused at once (nchan's 403) and hears nothing.
	std::string error;
	auto relayed = SseClient::open(nginx->port(), "/stream", kEventSource, 5s, &error);
	ASSERT_TRUE(relayed) << error;
	EXPECT_EQ(relayed->head().status, 403) << "nginx must refuse a publisher with a wrong key";
	relayed->read_until(Clock::now() + 500ms);
	EXPECT_EQ(received(relayed->parser()).audio_events, 0u) << "nginx must refuse a publisher with a wrong key";
	host->send("quit");
	ASSERT_TRUE(host->wait_exit(kCommandTimeout));
	// libobs's log (the host's standard error) holds the plugin's log lines.
	const std::string log = host->log_tail(400);
	const bool logged = log.find("relay stopped: 0 events relayed") != std::string::npos &&
			    log.find("HTTP 403 (check the relay key)") != std::string::npos;
	EXPECT_TRUE(logged) << "the refusal must be counted and named in OBS's log";
}

TEST_F(RelayTest, AListenerResumingWithLastEventIdGetsNoGap)
{
	NginxNode *nginx = start_nginx({"single", 0, "", ""});
	ASSERT_NE(nginx, nullptr);
	HostProcess *host = start_tone_host({"--relay-url", nginx->publish_url()});
	ASSERT_NE(host, nullptr);
	auto reference = listen(host->port(), {});
	ASSERT_TRUE(reference);
	pause_for(1000ms);

	auto first = listen(nginx->port());
	ASSERT_TRUE(first);
	ASSERT_TRUE(first->read_events(60, Clock::now() + 5s));
	first->close();
	const Received before = received(first->parser());
	const std::string last_id = first->parser().last_event_id();
	ASSERT_FALSE(last_id.empty());

	// Away for 1.5 s (EventSource's retry plus a slow network), then back with the last id it saw: as a header
	// (EventSource) and as ?lastEventId= (the player's own reconnect after EventSource gave up).
	pause_for(1500ms);
	Headers resume = kEventSource;
	resume.emplace_back("Last-Event-ID", last_id);
	auto second = listen(nginx->port(), resume);
	ASSERT_TRUE(second);
	ASSERT_TRUE(second->read_events(80, Clock::now() + 5s));
	auto third = listen(nginx->port(), kEventSource, "/stream?lastEventId=" + last_id);
	ASSERT_TRUE(third);
	ASSERT_TRUE(third->read_events(80, Clock::now() + 5s));
	EXPECT_TRUE(reference->read_until(Clock::now() + 1s));

	const Received want = received(reference->parser());
	for (SseClient *resumed : {second.get(), third.get()}) {
		const Received after = received(resumed->parser());
		ASSERT_FALSE(after.audio_ids.empty());
		EXPECT_NE(after.audio_ids.front(), last_id) << "no repeat of the last event heard";
		std::vector<uint8_t> joined = before.audio;
		joined.insert(joined.end(), after.audio.begin(), after.audio.end());
		EXPECT_TRUE(contiguous_in(joined, want.audio))
			<< "before and after the reconnect must join without a gap or a repeat";
	}
}

TEST_F(RelayTest, RelayOnlyModeOpensNoPortAndEndsWithTheStoppedEvent)
{
	NginxNode *nginx = start_nginx({"single", 0, "", ""});
	ASSERT_NE(nginx, nullptr);
	HostProcess &host = launch({"--tone", "440", "--relay-url", nginx->publish_url(), "--no-serve"});
	ASSERT_TRUE(ready(host));
	EXPECT_FALSE(can_connect(host.port(), 500ms)) << "with serve_listeners off the plugin listens on no port";

	auto relayed = listen(nginx->port());
	ASSERT_TRUE(relayed);
	ASSERT_TRUE(relayed->read_events(50, Clock::now() + 5s));
	host.send("stop");
	EXPECT_TRUE(relayed->read_events(1, Clock::now() + 5s, "stopped")) << "the stopped event must reach nginx";
	const Received got = received(relayed->parser());
	EXPECT_EQ(got.stopped_events, 1u);
	EXPECT_TRUE(got.problems.empty()) << got.problems.front();
	const Tone tone = tone_of(got.audio);
	EXPECT_NEAR(tone.hz, 440.0, 3.0);

	std::string error;
	std::optional<nlohmann::json> status;
	for (int i = 0; i < 20 && !(status && status->value("running", true) == false); i++) {
		status = fetch_status(nginx->port(), &error);
		pause_for(100ms);
	}
	ASSERT_TRUE(status) << error;
	EXPECT_EQ(status->value("running", true), false) << "the relay's last status says the stream stopped";
}

// nchan 1.3.6 kills its worker (spool.c:479) when two subscribers asking for earlier messages wait on a channel
// that holds none and a message arrives: with the templates before this test, two listeners who came before OBS
// started took nginx's worker, and every listener on it, down at the first publish. deploy/nginx now refuses them
// until the channel exists, and the player (here: listen()) tries again.
TEST_F(RelayTest, ListenersWhoComeBeforeObsStartsDoNotBringNginxDown)
{
	NginxNode *nginx = start_nginx({"single", 0, "", ""});
	ASSERT_NE(nginx, nullptr);
	std::string error;
	std::vector<std::unique_ptr<SseClient>> early;
	for (int i = 0; i < 2; i++) {
		early.push_back(SseClient::open(nginx->port(), "/stream", kEventSource, 5s, &error));
		ASSERT_TRUE(early.back()) << error;
		EXPECT_EQ(early.back()->head().status, 403)
			<< "a stream nothing was published to yet is refused at once";
	}
	HostProcess *host = start_tone_host({"--relay-url", nginx->publish_url()});
	ASSERT_NE(host, nullptr);
	auto first = listen(nginx->port());
	auto second = listen(nginx->port());
	ASSERT_TRUE(first && second);
	EXPECT_TRUE(first->read_events(50, Clock::now() + 5s, "audio"));
	EXPECT_TRUE(second->read_events(50, Clock::now() + 5s, "audio"));
	EXPECT_FALSE(nginx->worker_crashed()) << nginx->error_log_tail();
}

TEST_F(RelayTest, AnUnreachableRelayIsRetriedUntilNginxComesUp)
{
	const int port = pick_free_port();
	HostProcess *host = start_tone_host({"--relay-url", "http://127.0.0.1:" + std::to_string(port) + "/pub/obs"});
	ASSERT_NE(host, nullptr);
	pause_for(1500ms); // a few failed attempts with growing pauses
	auto direct = listen(host->port(), {});
	ASSERT_TRUE(direct);
	EXPECT_TRUE(direct->read_events(20, Clock::now() + 3s))
		<< "listeners of the plugin must not wait for the relay";

	NginxNode *nginx = start_nginx({"single", port, "", ""});
	ASSERT_NE(nginx, nullptr);
	auto relayed = listen(nginx->port());
	ASSERT_TRUE(relayed);
	EXPECT_TRUE(relayed->read_events(50, Clock::now() + 8s)) << "the relay must reconnect by itself";
	host->send("quit");
	ASSERT_TRUE(host->wait_exit(kCommandTimeout));
	const std::string log = host->log_tail(400);
	const size_t stopped = log.find("relay stopped: ");
	const bool counted = stopped != std::string::npos &&
			     log.find(" 0 failed attempts", stopped) == std::string::npos &&
			     log.find("cannot reach", stopped) != std::string::npos;
	EXPECT_TRUE(counted) << "the failed attempts must be counted and the reason named in OBS's log";
}

TEST_F(RelayTest, TwoNodesSharingRedisServeTheSameStream)
{
	RedisServer *redis = start_redis();
	ASSERT_NE(redis, nullptr);
	NginxNode *a = start_nginx({"redis", 0, "", redis->url()});
	ASSERT_NE(a, nullptr);
	NginxNode *b = start_nginx({"redis", 0, "", redis->url()});
	ASSERT_NE(b, nullptr);
	HostProcess *host = start_tone_host({"--relay-url", a->publish_url()});
	ASSERT_NE(host, nullptr);
	pause_for(1000ms);

	auto on_a = listen(a->port());
	ASSERT_TRUE(on_a);
	pause_for(500ms);
	auto on_b = listen(b->port());
	ASSERT_TRUE(on_b);
	ASSERT_TRUE(on_b->read_events(100, Clock::now() + 8s)) << "node B must relay what was published on node A";
	on_b->close();
	const std::string last_on_b = on_b->parser().last_event_id();

	// A listener moving from node B to node A resumes there: the message buffer and its ids live in Redis.
	pause_for(1000ms);
	Headers resume = kEventSource;
	resume.emplace_back("Last-Event-ID", last_on_b);
	auto moved = listen(a->port(), resume);
	ASSERT_TRUE(moved);
	ASSERT_TRUE(moved->read_events(50, Clock::now() + 5s));
	EXPECT_TRUE(on_a->read_until(Clock::now() + 1s));

	const Received from_a = received(on_a->parser());
	const Received from_b = received(on_b->parser());
	EXPECT_TRUE(from_b.problems.empty()) << from_b.problems.front();
	EXPECT_TRUE(contiguous_in(from_b.audio, from_a.audio)) << "node B must carry node A's events, without a gap";
	std::vector<uint8_t> joined = from_b.audio;
	const Received after = received(moved->parser());
	joined.insert(joined.end(), after.audio.begin(), after.audio.end());
	EXPECT_TRUE(contiguous_in(joined, from_a.audio)) << "resuming on the other node must not leave a gap";
	const Tone tone = tone_of(from_b.audio);
	EXPECT_NEAR(tone.hz, 440.0, 3.0);
	std::ostringstream figures;
	figures << "redis: node B got " << from_b.audio_events << " audio events published on node A";
	report(figures.str());
}

// Channels in relay mode (docs/channels.md): each channel is published to <relay_url>/<id>, the list beside them,
// and nginx serves each by its id, a request without one by DEFAULT_CHANNEL, and the list and each channel's status
// for the player.
TEST_F(RelayTest, NginxServesEachChannelByItsIdAndTheChannelList)
{
	NginxOptions options{"single", 0, "relay-key-2", ""};
	options.default_channel = "floor";
	NginxNode *nginx = start_nginx(options);
	ASSERT_NE(nginx, nullptr);
	HostProcess &host = launch({"--track-tone", "1:440", "--track-tone", "2:660", "--channel", "floor:1:Floor",
				    "--channel", "en:2:English", "--relay-url", nginx->publish_url(), "--relay-key",
				    "relay-key-2", "--no-serve"});
	ASSERT_TRUE(ready(host));

	auto floor = listen(nginx->port(), kEventSource, "/stream?channel=floor");
	auto english = listen(nginx->port(), kEventSource, "/stream?channel=en");
	auto plain = listen(nginx->port(), kEventSource, "/stream");
	ASSERT_TRUE(floor && english && plain);
	// 150 events: 3.6 s of sound each (the burst and a few seconds live); the three read one after the other.
	for (SseClient *client : {floor.get(), english.get(), plain.get()})
		EXPECT_TRUE(client->read_events(150, Clock::now() + 8s, "audio"))
			<< "nginx ended a channel's stream early";

	struct Heard {
		const char *what;
		SseClient *client;
		double hz;
		double other_hz;
	};
	std::ostringstream figures;
	figures << "relay channels:";
	for (const Heard &h :
	     {Heard{"?channel=floor", floor.get(), 440, 660}, Heard{"?channel=en", english.get(), 660, 440},
	      Heard{"no channel (DEFAULT_CHANNEL floor)", plain.get(), 440, 660}}) {
		const Received got = received(h.client->parser());
		EXPECT_TRUE(got.problems.empty()) << h.what << ": " << got.problems.front();
		EXPECT_GE(got.audio_events, 150u) << h.what;
		Mp3Decoder decoder;
		ASSERT_GE(decoder.feed(got.audio), 0) << h.what << ": " << decoder.error();
		const auto tail = decoded_tail(decoder, 2.0);
		const double own = tone_level(tail, 48000, h.hz);
		EXPECT_GT(own, 0.05) << h.what << ": its " << h.hz << " Hz is not there";
		EXPECT_NEAR(dominant_frequency(tail, 48000), h.hz, 3.0) << h.what;
		EXPECT_LT(tone_level(tail, 48000, h.other_hz), own / 100)
			<< h.what << ": the other channel's " << h.other_hz << " Hz is heard";
		figures << " " << h.what << " " << got.audio_events << " events at " << dominant_frequency(tail, 48000)
			<< " Hz;";
	}

	// The list, with each channel's listeners as nchan counted them (the list goes out every 2 s).
	std::string error;
	nlohmann::json list;
	for (int i = 0; i < 50; i++) {
		const auto answer = http_get(nginx->port(), "/channels.json", 5s, &error);
		ASSERT_TRUE(answer) << error;
		list = nlohmann::json::parse(answer->body, nullptr, false);
		if (list.is_object() && list["channels"].is_array() && list["channels"].size() == 2 &&
		    list["channels"][1].value("listeners", 0) >= 1)
			break;
		pause_for(100ms);
	}
	ASSERT_TRUE(list.is_object() && list["channels"].is_array() && list["channels"].size() == 2) << list.dump();
	EXPECT_EQ(list["channels"][0].value("id", ""), "floor");
	EXPECT_EQ(list["channels"][0].value("name", ""), "Floor");
	EXPECT_EQ(list["channels"][1].value("id", ""), "en");
	EXPECT_EQ(list["channels"][1].value("name", ""), "English");
	EXPECT_GE(list["channels"][1].value("listeners", 0), 1) << list.dump();

	// Each channel's status document, for the player's figures.
	const auto status = http_get(nginx->port(), "/status.json?channel=en", 5s, &error);
	ASSERT_TRUE(status) << error;
	const auto doc = nlohmann::json::parse(status->body, nullptr, false);
	ASSERT_TRUE(doc.is_object()) << status->body;
	EXPECT_EQ(doc.value("running", false), true);
	EXPECT_GE(doc["listeners"].value("now", 0), 1) << status->body;

	// A ?channel= that cannot be an id is refused, as the plugin refuses one it does not have.
	const auto bad = http_get(nginx->port(), "/stream?channel=no.such", 5s, &error);
	ASSERT_TRUE(bad) << error;
	EXPECT_EQ(bad->head.status, 404);
	report(figures.str());
}

} // namespace
} // namespace sse_audio::itest
