// Malformed and hostile HTTP against a real server serving a real channel (LAME fed with a tone at real-time pace):
// garbage, oversized request lines and headers, too many headers, slowloris, invalid Last-Event-ID, huge query
// strings, unsupported methods, HTTP/0.9 and HTTP/2 prefaces. Each must get a 4xx or a closed connection, while
// one ordinary SSE listener, connected through the whole test, receives every event with consecutive ids.

#include "audio/audio_channel.hpp"
#include "audio_events.hpp"
#include "http_test_support.hpp"
#include "raw_connection.hpp"
#include "sse_reader.hpp"
#include "serve/stream_server.hpp"
#include "test_audio.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::exchange;
using test::RawConnection;
using test::RawExchange;

constexpr int kTimeoutSeconds = 5; // the server's `timeout`
// How long a connection that stops sending may be kept open: a 10 s deadline for a whole request (longer than the
// 5 s `timeout`) plus slack for a loaded CI machine. A server that never closes it would hold a slot for ever.
constexpr auto kIdleCloseWithin = std::chrono::seconds(12);

// The OBS side: pushes a 440 Hz tone into the channel in 1024-frame blocks at real-time pace.
class ToneFeeder {
public:
	explicit ToneFeeder(AudioChannel &channel)
		: thread_([this, &channel] {
			  constexpr uint32_t kBlock = 1024;
			  const auto begin = Clock::now();
			  for (size_t i = 0; !stop_; i++) {
				  const auto pcm = test::make_sine(440, 440, 48000, kBlock, i * kBlock);
				  channel.push(pcm.left.data(), pcm.right.data(), kBlock);
				  std::this_thread::sleep_until(
					  begin +
					  std::chrono::microseconds(int64_t(i + 1) * kBlock * 1'000'000 / 48000));
			  }
		  })
	{
	}
	~ToneFeeder()
	{
		stop_ = true;
		thread_.join();
	}
	ToneFeeder(const ToneFeeder &) = delete;
	ToneFeeder &operator=(const ToneFeeder &) = delete;

private:
	std::atomic<bool> stop_{false};
	std::thread thread_;
};

// The ordinary listener: reads /stream in its own thread for as long as the test runs.
class SteadyListener {
public:
	explicit SteadyListener(int port)
	{
		std::string error;
		client_ = itest::SseClient::open(port, "/stream", {}, 5s, &error);
		error_ = error;
		if (client_)
			thread_ = std::thread([this] {
				while (!stop_ && client_->read_until(Clock::now() + 100ms)) {
				}
				ended_early_ = !stop_;
			});
	}
	~SteadyListener() { finish(); }
	SteadyListener(const SteadyListener &) = delete;
	SteadyListener &operator=(const SteadyListener &) = delete;

	[[nodiscard]] bool connected() const { return client_ != nullptr; }
	[[nodiscard]] const std::string &error() const { return error_; }
	void finish()
	{
		stop_ = true;
		if (thread_.joinable())
			thread_.join();
	}
	// After finish(): whether the stream ended before the test was done, and what it received.
	[[nodiscard]] bool ended_early() const { return ended_early_; }
	[[nodiscard]] itest::AudioEvents audio() const { return itest::check_audio_events(client_->parser().events()); }
	[[nodiscard]] Clock::time_point connected_at() const { return client_->connected_at(); }

private:
	std::unique_ptr<itest::SseClient> client_;
	std::string error_;
	std::atomic<bool> stop_{false};
	bool ended_early_ = false;
	std::thread thread_;
};

class HostileRequestsTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		auto channel = AudioChannel::start(ChannelConfig{});
		ASSERT_TRUE(channel) << channel.error();
		channel_ = std::move(*channel);
		feeder_ = std::make_unique<ToneFeeder>(*channel_);

		ServerConfig config;
		config.bind_address = "127.0.0.1";
		config.timeout_seconds = kTimeoutSeconds;
		config.max_listeners = 20;
		config.web_root = web_.web();
		config.heartbeat = 1000ms;
		AudioChannel *channel_raw = channel_.get();
		auto started = test::start_on_free_port(config, channel_->hub(),
							[channel_raw] { return channel_raw->stats(); });
		ASSERT_TRUE(started.ok()) << started.error();
		server_ = std::move(*started);
		ASSERT_TRUE(server_->running());
		port_ = config.port;
		std::this_thread::sleep_for(300ms); // a few events in the ring, so the listener starts with a burst
		listener_ = std::make_unique<SteadyListener>(port_);
		ASSERT_TRUE(listener_->connected()) << listener_->error();
	}

	void TearDown() override
	{
		if (listener_)
			expect_listener_unharmed();
		listener_.reset();
		if (server_)
			server_->stop();
		feeder_.reset();
		if (channel_)
			channel_->stop();
	}

	// The listener got every event from its first to now, ids consecutive, at about real time.
	void expect_listener_unharmed()
	{
		// At least a second of listening, so that the figures below mean something after a quick test.
		std::this_thread::sleep_until(listener_->connected_at() + 1500ms);
		listener_->finish();
		EXPECT_FALSE(listener_->ended_early()) << "the ordinary listener's stream ended during the test";
		const itest::AudioEvents audio = listener_->audio();
		EXPECT_EQ(audio.problem_count, 0u) << audio.problems_text();
		std::string gap;
		EXPECT_TRUE(audio.ids_consecutive(&gap)) << gap;
		const double seconds = std::chrono::duration<double>(Clock::now() - listener_->connected_at()).count();
		// One 1152-sample event per 24 ms at 48 kHz; allow for a loaded machine and the burst.
		EXPECT_GE(double(audio.events.size()), seconds * 41.6 * 0.8)
			<< audio.events.size() << " events in " << seconds << " s";
		std::cout << "[ figures  ] listener: " << audio.events.size() << " events in " << seconds
			  << " s, ids consecutive: " << (gap.empty() ? "yes" : gap) << "\n";
	}

	// The request got a 4xx (or 505 for an HTTP version the server does not speak) or the connection was closed;
	// never a 2xx or 3xx, and never silence kept open.
	void expect_refused(const std::string &what, const std::string &request, std::chrono::milliseconds wait = 3s)
	{
		const RawExchange reply = exchange(port_, request, wait);
		ASSERT_TRUE(reply.connected) << what << ": could not connect";
		const bool client_error = (reply.status >= 400 && reply.status < 500) || reply.status == 505;
		EXPECT_TRUE(client_error || (reply.status == -1 && reply.closed))
			<< what << ": answered " << (reply.status == -1 ? "nothing, and kept the connection open" : "")
			<< printable(reply.received.substr(0, 160));
		outcomes_.push_back(what + " -> " +
				    (reply.status != -1 ? std::to_string(reply.status)
				     : reply.closed     ? std::string("closed")
							: std::string("no answer, still open")));
	}

	// The server still answers an ordinary request at once.
	void expect_still_serving(const std::string &when)
	{
		const auto began = Clock::now();
		const RawExchange reply = exchange(
			port_, "GET /status.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 3s);
		EXPECT_EQ(reply.status, 200) << when;
		EXPECT_LT(Clock::now() - began, 2s) << when;
	}

	static std::string printable(const std::string &bytes)
	{
		std::string out;
		for (const char c : bytes)
			out += (c >= 32 && c < 127) ? std::string(1, c)
			       : c == '\n'          ? std::string("\\n")
						    : std::string("?");
		return out;
	}

	void print_outcomes()
	{
		for (const auto &line : outcomes_)
			std::cout << "[ outcome  ] " << line << "\n";
	}

	test::TempWebRoot web_;
	std::unique_ptr<AudioChannel> channel_;
	std::unique_ptr<ToneFeeder> feeder_;
	std::unique_ptr<StreamServer> server_;
	int port_ = 0;
	std::unique_ptr<SteadyListener> listener_;
	std::vector<std::string> outcomes_;
};

TEST_F(HostileRequestsTest, GarbageIsRefused)
{
	std::mt19937 random(5); // fixed seed: the same bytes every run
	std::string binary(4096, '\0');
	for (char &c : binary)
		c = static_cast<char>(random() & 0xff);
	expect_refused("random bytes", binary + "\r\n\r\n");
	expect_refused("text without a method", "HELLO THERE\r\n\r\n");
	expect_refused("only a method", "GET\r\n\r\n");
	expect_refused("empty lines then junk", "\r\n\r\n\r\n\x01\x02\x03\r\n\r\n");
	expect_refused("no target", "GET  HTTP/1.1\r\nHost: x\r\n\r\n");
	expect_refused("target without slash", "GET stream HTTP/1.1\r\nHost: x\r\n\r\n");
	expect_refused("bad version", "GET / HTTP/x.y\r\nHost: x\r\n\r\n");
	expect_refused("unknown major version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n");
	expect_refused("header without colon", "GET / HTTP/1.1\r\nHost x\r\nthis is not a header\r\n\r\n");
	expect_refused("NUL in the method", std::string("G\0T / HTTP/1.1\r\nHost: x\r\n\r\n", 27));
	expect_refused("binary junk with bare LF line endings", std::string("\x16\x03\x01\x02\x00\n\n", 7));
	expect_refused("a request with bare LF line endings", "GET /nope HTTP/1.1\nHost: x\n\n");
	expect_still_serving("after garbage");
	print_outcomes();
}

TEST_F(HostileRequestsTest, OversizedRequestLineAndHeadersAreRefused)
{
	const std::string huge(100 * 1024, 'a');
	expect_refused("100 KB request target", "GET /" + huge + " HTTP/1.1\r\nHost: x\r\n\r\n");
	expect_refused("100 KB method", huge + " / HTTP/1.1\r\nHost: x\r\n\r\n");
	expect_refused("100 KB header value", "GET /status.json HTTP/1.1\r\nHost: x\r\nX-Big: " + huge + "\r\n\r\n");
	expect_refused("100 KB header name", "GET /status.json HTTP/1.1\r\nHost: x\r\n" + huge + ": 1\r\n\r\n");
	expect_refused("100 KB Host", "GET /status.json HTTP/1.1\r\nHost: " + huge + "\r\n\r\n");
	// Each line under 8 KB, 100 KB in all.
	std::string many_lines;
	for (int i = 0; i < 25; i++)
		many_lines += "X-Part-" + std::to_string(i) + ": " + std::string(4000, 'b') + "\r\n";
	expect_refused("100 KB of 4 KB headers", "GET /status.json HTTP/1.1\r\nHost: x\r\n" + many_lines + "\r\n");
	expect_still_serving("after oversized requests");
	print_outcomes();
}

TEST_F(HostileRequestsTest, TooManyHeadersAreRefused)
{
	for (const int count : {1000, 10000}) {
		std::string headers;
		for (int i = 0; i < count; i++)
			headers += "X-H" + std::to_string(i) + ": v\r\n";
		expect_refused(std::to_string(count) + " headers",
			       "GET /status.json HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n");
		expect_refused(std::to_string(count) + " headers on /stream",
			       "GET /stream HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n");
	}
	expect_still_serving("after too many headers");
	print_outcomes();
}

TEST_F(HostileRequestsTest, HugeQueryStringsAreRefused)
{
	const std::string huge(100 * 1024, 'q');
	expect_refused("100 KB query on /stream", "GET /stream?" + huge + " HTTP/1.1\r\nHost: x\r\n\r\n");
	expect_refused("100 KB key", "GET /status.json?key=" + huge + " HTTP/1.1\r\nHost: x\r\n\r\n");
	expect_refused("100 KB lastEventId",
		       "GET /stream?lastEventId=" + std::string(100 * 1024, '9') + " HTTP/1.1\r\nHost: x\r\n\r\n");
	std::string params;
	for (int i = 0; i < 20000; i++)
		params += "a=1&";
	expect_refused("20000 parameters", "GET /stream.mp3?" + params + " HTTP/1.1\r\nHost: x\r\n\r\n");
	std::string encoded;
	for (int i = 0; i < 30000; i++)
		encoded += "%41";
	expect_refused("90 KB of percent-encoding", "GET /?" + encoded + " HTTP/1.1\r\nHost: x\r\n\r\n");
	expect_still_serving("after huge query strings");
	print_outcomes();
}

TEST_F(HostileRequestsTest, UnsupportedMethodsAreRefusedOnEveryRoute)
{
	for (const char *method :
	     {"POST", "PUT", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PATCH", "PROPFIND", "BREW"}) {
		for (const char *route :
		     {"/", "/index.html", "/player.js", "/stream", "/stream.mp3", "/status.json", "/nope"}) {
			const std::string what = std::string(method) + " " + route;
			const bool body = std::string(method) == "POST" || std::string(method) == "PUT" ||
					  std::string(method) == "PATCH";
			const std::string request = std::string(method) + " " + route +
						    " HTTP/1.1\r\nHost: x\r\nX-Echo-Me: secret-cookie\r\n" +
						    (body ? "Content-Length: 5\r\n\r\nhello" : "\r\n");
			const RawExchange reply = exchange(port_, request, 3s);
			ASSERT_TRUE(reply.connected) << what;
			EXPECT_TRUE((reply.status >= 400 && reply.status < 500) || (reply.status == -1 && reply.closed))
				<< what << ": " << printable(reply.received.substr(0, 160));
			// TRACE must not echo the request (cross-site tracing would read headers such as cookies).
			EXPECT_EQ(reply.received.find("secret-cookie"), std::string::npos) << what;
			EXPECT_EQ(reply.received.find("event: audio"), std::string::npos) << what << " got the stream";
			outcomes_.push_back(what + " -> " + std::to_string(reply.status));
		}
	}
	// CONNECT in its authority form.
	expect_refused("CONNECT authority", "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n");
	expect_still_serving("after unsupported methods");
	print_outcomes();
}

TEST_F(HostileRequestsTest, Http09AndHttp2PrefacesAreRefused)
{
	expect_refused("HTTP/0.9 GET /", "GET /\r\n");
	expect_refused("HTTP/0.9 GET /stream", "GET /stream\r\n\r\n");
	// The HTTP/2 connection preface (RFC 9113 3.4), then an empty SETTINGS frame.
	const std::string preface("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00", 33);
	expect_refused("HTTP/2 prior-knowledge preface", preface);
	expect_refused("h2c upgrade with a bad method",
		       "PRI / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n\r\n");
	expect_still_serving("after HTTP/0.9 and HTTP/2");
	print_outcomes();
}

// Requests that stop half-way: the server must close them in bounded time (its read timeout) and serve others
// meanwhile. Run side by side so the test waits for the timeout once.
TEST_F(HostileRequestsTest, HalfSentRequestsAreClosedAfterTheTimeout)
{
	struct Half {
		const char *what;
		std::string bytes;
		std::unique_ptr<RawConnection> connection;
		std::optional<Clock::duration> closed_after;
	};
	std::vector<Half> halves;
	halves.push_back({"connect and send nothing", "", nullptr, {}});
	halves.push_back({"half a request line", "GET /sta", nullptr, {}});
	halves.push_back({"request line, no blank line", "GET /status.json HTTP/1.1\r\nHost: x\r\n", nullptr, {}});
	halves.push_back(
		{"TLS ClientHello start", std::string("\x16\x03\x01\x00\xc8\x01\x00\x00\xc4\x03\x03", 11), nullptr, {}});
	halves.push_back({"POST declaring 1 GB, sending 5 bytes",
			  "POST /status.json HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\nhello",
			  nullptr,
			  {}});
	halves.push_back({"chunked POST, unfinished",
			  "POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffff\r\nab",
			  nullptr,
			  {}});
	const auto began = Clock::now();
	for (auto &half : halves) {
		half.connection = std::make_unique<RawConnection>("127.0.0.1", port_, 2s);
		ASSERT_TRUE(half.connection->connected()) << half.what;
		if (!half.bytes.empty())
			half.connection->send(half.bytes);
	}
	const auto deadline = began + kIdleCloseWithin;
	size_t open = halves.size();
	int probes = 0;
	while (open > 0 && Clock::now() < deadline) {
		for (auto &half : halves) {
			if (half.closed_after)
				continue;
			half.connection->read_until(Clock::now() + 20ms);
			if (half.connection->closed_by_peer() || half.connection->status() >= 400) {
				half.closed_after = Clock::now() - began;
				open--;
			}
		}
		if (probes++ % 10 == 0)
			expect_still_serving("while half-sent requests are open");
	}
	for (const auto &half : halves) {
		EXPECT_TRUE(half.closed_after.has_value())
			<< half.what << ": still open after "
			<< std::chrono::duration_cast<std::chrono::seconds>(kIdleCloseWithin).count() << " s";
		if (half.closed_after) {
			EXPECT_TRUE(half.connection->status() == -1 || half.connection->status() >= 400) << half.what;
		}
		outcomes_.push_back(
			std::string(half.what) + " -> " +
			(half.closed_after
				 ? "ended after " +
					   std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
								  *half.closed_after)
								  .count()) +
					   " ms with " + std::to_string(half.connection->status())
				 : std::string("still open")));
	}
	print_outcomes();
}

// Slowloris: many connections trickle their headers a byte at a time, each byte well inside the read timeout, so a
// per-read timeout never fires. Within the test's few seconds the server must either close them or keep serving
// everyone else: the ordinary listener, new requests and new listeners. They come from another address
// (127.0.0.3) so that a per-address limit is free to cut them off without touching the others.
TEST_F(HostileRequestsTest, SlowlorisDoesNotStarveOtherClients)
{
	constexpr int kSlow = 60; // more than max_listeners (20) plus any spare threads
	constexpr auto kTrickle = 1000ms;
	constexpr auto kDuration = 7s;
	const std::string request =
		"GET /status.json HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\n"
		"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
	std::vector<std::unique_ptr<RawConnection>> slow;
	for (int i = 0; i < kSlow; i++) {
		slow.push_back(std::make_unique<RawConnection>("127.0.0.1", port_, 2s, "127.0.0.3"));
		ASSERT_TRUE(slow.back()->connected()) << "slow connection " << i;
	}
	const auto began = Clock::now();
	size_t sent = 0;
	int probes_ok = 0;
	int probes = 0;
	std::vector<Clock::duration> probe_times;
	while (Clock::now() - began < kDuration) {
		for (auto &connection : slow)
			if (!connection->closed_by_peer())
				connection->send(request.substr(sent % request.size(), 1));
		sent++;
		const auto next = Clock::now() + kTrickle;
		// Between bytes: an ordinary request and, once, a new listener, both from 127.0.0.1.
		const auto probe_began = Clock::now();
		const RawExchange reply = exchange(
			port_, "GET /status.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 2s);
		probes++;
		probes_ok += reply.status == 200;
		probe_times.push_back(Clock::now() - probe_began);
		if (probes == 3) {
			std::string error;
			auto second = itest::SseClient::open(port_, "/stream", {}, 2s, &error);
			EXPECT_NE(second, nullptr) << "a new listener could not join during slowloris: " << error;
			if (second) {
				EXPECT_EQ(second->head().status, 200);
				EXPECT_TRUE(second->read_events(5, Clock::now() + 2s))
					<< "the new listener got no audio";
			}
		}
		for (auto &connection : slow)
			connection->read_until(Clock::now() + 1ms);
		std::this_thread::sleep_until(next);
	}
	int closed = 0;
	for (auto &connection : slow) {
		connection->read_until(Clock::now() + 1ms);
		closed += connection->closed_by_peer() || connection->status() >= 400;
	}
	EXPECT_EQ(probes_ok, probes)
		<< "ordinary requests went unanswered while " << kSlow << " slowloris connections were open";
	Clock::duration slowest{};
	for (const auto t : probe_times)
		slowest = std::max(slowest, t);
	std::cout << "[ figures  ] slowloris: " << kSlow << " connections, " << sent << " bytes each over "
		  << std::chrono::duration_cast<std::chrono::seconds>(kDuration).count() << " s; " << closed
		  << " closed by the server; " << probes_ok << "/" << probes << " ordinary requests answered, slowest "
		  << std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count() << " ms\n";
}

// One address opens far more silent connections than the gate holds (it used to fill the gate: 503 for everyone
// while the attacker reconnected). The crowded address gives up its oldest silent connections to newcomers from
// elsewhere at once, however young; when many addresses fill the gate together, connections silent for a second
// are let go. Either way a newcomer and a new listener get in, and the evictions are counted.
TEST_F(HostileRequestsTest, SilentConnectionsFromOneAddressNeverKeepOthersOut)
{
	const auto expect_answered = [this](const std::string &when) {
		for (int probe = 0; probe < 5; probe++) {
			const auto began = Clock::now();
			const RawExchange reply = exchange(
				port_, "GET /status.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 3s);
			EXPECT_EQ(reply.status, 200) << "probe " << probe << " " << when;
			EXPECT_LT(Clock::now() - began, 1s) << "probe " << probe << " " << when;
		}
	};
	constexpr int kSilent = 600; // more than the gate holds in all here (2 x 20 listeners + 256)
	std::vector<std::unique_ptr<RawConnection>> silent;
	for (int i = 0; i < kSilent; i++) {
		silent.push_back(std::make_unique<RawConnection>("127.0.0.1", port_, 2s, "127.0.0.4"));
		ASSERT_TRUE(silent.back()->connected()) << "silent connection " << i;
	}
	std::this_thread::sleep_for(200ms); // the gate has taken what it holds; all of it younger than a second
	expect_answered("while one address filled the gate");
	const uint64_t evicted_by_crowding = server_->stats().evicted_connections;
	EXPECT_GE(evicted_by_crowding, 1u) << "the crowded address gave up a silent connection";

	// Then from 200 other addresses too, a connection or two each: no address is crowded any more.
	for (int i = 0; i < 300; i++) {
		silent.push_back(std::make_unique<RawConnection>("127.0.0.1", port_, 2s,
								 "127.0.1." + std::to_string(1 + i % 200)));
		ASSERT_TRUE(silent.back()->connected()) << "silent connection from another address " << i;
	}
	std::this_thread::sleep_for(1200ms); // now every one of them has been silent for a second
	expect_answered("while 200 addresses filled the gate");
	std::string error;
	auto listener = itest::SseClient::open(port_, "/stream", {}, 2s, &error);
	ASSERT_NE(listener, nullptr) << "a new listener could not join: " << error;
	EXPECT_EQ(listener->head().status, 200);
	EXPECT_TRUE(listener->read_events(5, Clock::now() + 2s));
	const ServerStats stats = server_->stats();
	std::cout << "[ figures  ] " << silent.size() << " silent connections: " << stats.evicted_connections
		  << " let go for room, " << stats.refused_requests << " refused\n";
}

TEST_F(HostileRequestsTest, InvalidLastEventIdNeverBreaksTheStream)
{
	const uint64_t newest_before = channel_->hub()->newest_id();
	const std::vector<std::string> ids = {"abc",
					      "-1",
					      "-18446744073709551615",
					      "99999999999999999999999999999",
					      "18446744073709551615",
					      "18446744073709551616",
					      "1e9",
					      "0x10",
					      " 12",
					      "12 ",
					      "+5",
					      "1.5",
					      std::string(4000, '9'),
					      "%00",
					      "0",
					      "\xff\xfe"};
	for (const std::string &id : ids) {
		for (const bool in_query : {false, true}) {
			const std::string what = std::string(in_query ? "?lastEventId=" : "Last-Event-ID: ") +
						 printable(id.substr(0, 30));
			itest::Headers headers;
			std::string target = "/stream";
			if (in_query) {
				std::string escaped;
				for (const unsigned char c : id) {
					char hex[4];
					std::snprintf(hex, sizeof(hex), "%%%02X", c);
					escaped += hex;
				}
				target += "?lastEventId=" + escaped;
			} else {
				headers.emplace_back("Last-Event-ID", id);
			}
			std::string error;
			auto client = itest::SseClient::open(port_, target, headers, 3s, &error);
			if (!client) {
				// A closed connection is an acceptable answer.
				outcomes_.push_back(what + " -> closed (" + error + ")");
				continue;
			}
			const int status = client->head().status;
			outcomes_.push_back(what + " -> " + std::to_string(status));
			if (status >= 400 && status < 500)
				continue;
			ASSERT_EQ(status, 200) << what;
			// Accepted as a new listener: it starts near the live edge, never from some id the value made up.
			ASSERT_TRUE(client->read_events(3, Clock::now() + 3s)) << what;
			const itest::AudioEvents audio = itest::check_audio_events(client->parser().events());
			ASSERT_FALSE(audio.events.empty()) << what;
			EXPECT_GE(audio.events.front().id + 300, newest_before)
				<< what << ": started far behind the live edge";
			EXPECT_LE(audio.events.front().id, channel_->hub()->newest_id())
				<< what << ": started at an id not published";
			std::string gap;
			EXPECT_TRUE(audio.ids_consecutive(&gap)) << what << ": " << gap;
		}
	}
	// Fifty Last-Event-ID headers at once, contradicting each other.
	std::string many;
	for (int i = 0; i < 50; i++)
		many += "Last-Event-ID: " + std::to_string(i % 2 ? newest_before - 10 : 7) + "\r\n";
	RawConnection connection("127.0.0.1", port_, 2s);
	ASSERT_TRUE(connection.connected());
	connection.send("GET /stream HTTP/1.1\r\nHost: x\r\n" + many + "\r\n");
	connection.read_until(Clock::now() + 800ms);
	const int status = connection.status();
	EXPECT_TRUE(status == 200 || (status >= 400 && status < 500) || (status == -1 && connection.closed_by_peer()))
		<< printable(connection.received().substr(0, 160));
	if (status == 200) {
		EXPECT_NE(connection.received().find("event: audio"), std::string::npos);
	}
	outcomes_.push_back("50 Last-Event-ID headers -> " + std::to_string(status));
	print_outcomes();
}

} // namespace
} // namespace sse_audio
