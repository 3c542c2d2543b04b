// The output's stop as libobs drives it, with real libobs in this process and listeners attached. libobs resets an
// output's stopping event before each call of the output's stop and waits for it, with no time-out, in
// obs_output_destroy and in the next start: a stop call that does not end data capture leaves OBS frozen at exit.
// Every libobs call that can wait runs under a watchdog, so a hang is reported (and ends this program) instead of
// stalling the test run until ctest's time-out.

#include <obs.h>
#include <obs-module.h>

#include "failing_encoder.hpp"
#include "host_process.hpp"
#include "libobs_test_main.hpp"
#include "sse_output.hpp"
#include "sse_reader.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sse_audio::obs {
namespace {

using namespace std::chrono_literals;
using itest::Clock;
using itest::SseClient;

constexpr const char *kFailingOutputId = "sse_audio_output_failing_test";
// A stop normally returns within about 100 ms; OBS's own wait has no limit at all.
constexpr auto kCallLimit = 10s;

// How many encode calls (1024 samples each, about 21 ms at 48 kHz) the failing output's next encoder gets right
// before it fails, as LAME does when it runs out of memory.
std::atomic<int> g_good_encodes{0};

Result<std::unique_ptr<FrameEncoder>> make_failing_encoder(const EncoderSettings &settings)
{
	return test::FailingEncoder::make(settings, g_good_encodes.load());
}

// Runs `call` on a thread of its own and waits at most kCallLimit for it. libobs waits on its events without a
// time-out, so a hang can only be seen from outside; the thread cannot be taken back, so the program ends.
template <class Call>
void bounded(const std::string &what, Call &&call)
{
	std::promise<void> done;
	std::future<void> finished = done.get_future();
	std::thread worker([&call, &done] {
		call();
		done.set_value();
	});
	if (finished.wait_for(kCallLimit) != std::future_status::ready) {
		std::fprintf(
			stderr,
			"HANG: %s did not return within %lld s: libobs is waiting for the output's stopping event, "
			"which no end of data capture signalled\n",
			what.c_str(), static_cast<long long>(kCallLimit.count()));
		std::fflush(stderr);
		std::_Exit(2);
	}
	worker.join();
}

// What libobs told about one output: begun and ended data capture, and each "stop" with its code.
struct OutputSignals {
	std::atomic<int> activated{0};
	std::atomic<int> deactivated{0};
	std::atomic<int> stops{0};
	std::atomic<long long> last_stop_code{-1};

	static void on_activate(void *param, calldata_t *) { static_cast<OutputSignals *>(param)->activated++; }
	static void on_deactivate(void *param, calldata_t *) { static_cast<OutputSignals *>(param)->deactivated++; }
	static void on_stop(void *param, calldata_t *data)
	{
		auto *self = static_cast<OutputSignals *>(param);
		self->last_stop_code = calldata_int(data, "code");
		self->stops++;
	}
};

// One output of the test: created on a free loopback port, with its signals counted. Released by the test (the
// release is what can hang), or at the end of the scope when the test already failed.
class TestOutput {
public:
	explicit TestOutput(const char *id)
	{
		static std::once_flag failing_type;
		std::call_once(failing_type, [] {
			register_sse_output(kFailingOutputId, {&make_failing_encoder, test_web_root()});
		});
		port_ = itest::pick_free_port();
		obs_data_t *settings = obs_data_create();
		obs_data_set_string(settings, "bind_address", "127.0.0.1");
		obs_data_set_int(settings, "port", port_);
		obs_data_set_int(settings, "timeout", 5);
		output_ = obs_output_create(id, "stop-test", settings, nullptr);
		obs_data_release(settings);
		if (!output_)
			return;
		signal_handler_t *handler = obs_output_get_signal_handler(output_);
		signal_handler_connect(handler, "activate", &OutputSignals::on_activate, signals_.get());
		signal_handler_connect(handler, "deactivate", &OutputSignals::on_deactivate, signals_.get());
		signal_handler_connect(handler, "stop", &OutputSignals::on_stop, signals_.get());
	}
	~TestOutput()
	{
		if (output_)
			release();
	}
	TestOutput(const TestOutput &) = delete;
	TestOutput &operator=(const TestOutput &) = delete;

	[[nodiscard]] obs_output_t *get() const { return output_; }
	[[nodiscard]] int port() const { return port_; }
	[[nodiscard]] const OutputSignals &signals() const { return *signals_; }

	bool start()
	{
		bool started = false;
		bounded("obs_output_start", [&] { started = obs_output_start(output_); });
		return started;
	}
	void stop()
	{
		bounded("obs_output_stop", [&] { obs_output_stop(output_); });
	}
	void force_stop()
	{
		bounded("obs_output_force_stop", [&] { obs_output_force_stop(output_); });
	}
	void release()
	{
		bounded("obs_output_release", [&] { obs_output_release(output_); });
		output_ = nullptr;
	}
	// Waits (bounded) until libobs's capture thread has marked the output inactive.
	// obs_output_active() can read false before the "stop" handler has run (seen under ThreadSanitizer, where
	// threads run slower): a test that saw the output inactive waits (bounded) for the signal too.
	bool wait_stops(int count, std::chrono::milliseconds limit = 3s) const
	{
		const auto deadline = Clock::now() + limit;
		while (signals_->stops.load() < count) {
			if (Clock::now() > deadline)
				return false;
			std::this_thread::sleep_for(2ms);
		}
		return true;
	}

	bool wait_inactive(std::chrono::milliseconds limit = 3s) const
	{
		const auto deadline = Clock::now() + limit;
		while (obs_output_active(output_)) {
			if (Clock::now() > deadline)
				return false;
			std::this_thread::sleep_for(2ms);
		}
		return true;
	}

private:
	obs_output_t *output_ = nullptr;
	int port_ = 0;
	// On the heap: libobs may still call the handlers while the output is being destroyed.
	std::unique_ptr<OutputSignals> signals_ = std::make_unique<OutputSignals>();
};

// Listeners that have received audio; after a stop each one's stream must end.
std::vector<std::unique_ptr<SseClient>> attach_listeners(int port, int count)
{
	std::vector<std::unique_ptr<SseClient>> listeners;
	for (int i = 0; i < count; i++) {
		std::string error;
		auto listener = SseClient::open(port, "/stream", {}, 5s, &error);
		EXPECT_TRUE(listener) << error;
		if (!listener)
			break;
		EXPECT_TRUE(listener->read_events(2, Clock::now() + 5s)) << "no audio reached listener " << i;
		listeners.push_back(std::move(listener));
	}
	return listeners;
}

void expect_streams_ended(std::vector<std::unique_ptr<SseClient>> &listeners, const std::string &when)
{
	for (auto &listener : listeners)
		EXPECT_TRUE(listener->read_to_end(Clock::now() + 3s)) << "a listener's stream did not end " << when;
}

// How many stop/release cycles the loop test runs; SSE_AUDIO_STOP_CYCLES asks for more (e.g. a soak by hand).
int cycle_count()
{
	const char *asked = std::getenv("SSE_AUDIO_STOP_CYCLES");
	const int cycles = asked ? std::atoi(asked) : 0;
	return cycles > 0 ? cycles : 150;
}

// A stop that libobs asks for once more after the capture thread of the first has finished (what
// obs_output_force_stop does, and obs_output_destroy when it still sees the output active) must signal the
// stopping event again; the output then starts again and serves, and the release returns.
TEST(OutputStop, ForcedSecondStopAfterCaptureEnded)
{
	TestOutput output(kOutputId);
	ASSERT_NE(output.get(), nullptr);
	ASSERT_TRUE(output.start());
	auto listeners = attach_listeners(output.port(), 2);

	output.stop();
	expect_streams_ended(listeners, "after the stop");
	ASSERT_TRUE(output.wait_inactive());
	EXPECT_TRUE(output.wait_stops(1));
	EXPECT_EQ(output.signals().stops.load(), 1);

	output.force_stop();
	EXPECT_EQ(output.signals().stops.load(), 2) << "the second stop was not signalled";
	EXPECT_EQ(output.signals().last_stop_code.load(), OBS_OUTPUT_SUCCESS);

	// The next start waits for the stopping event first.
	ASSERT_TRUE(output.start()) << obs_output_get_last_error(output.get());
	auto again = attach_listeners(output.port(), 1);
	output.stop();
	expect_streams_ended(again, "after the second run's stop");
	output.release();
	EXPECT_EQ(output.signals().activated.load(), 2);
	EXPECT_EQ(output.signals().deactivated.load(), 2);
}

// A forced stop of an output that never started (obs_output_destroy of an output libobs still counts as
// active does the same): nothing runs, yet the stopping event must be signalled.
TEST(OutputStop, ForcedStopOfAnOutputThatNeverStarted)
{
	TestOutput output(kOutputId);
	ASSERT_NE(output.get(), nullptr);
	output.force_stop();
	EXPECT_EQ(output.signals().stops.load(), 1);
	output.release();
	EXPECT_EQ(output.signals().activated.load(), 0);
	EXPECT_EQ(output.signals().deactivated.load(), 0);
}

// OBS's own order, in a loop: stop then release at once, stop then a forced stop, stop then a forced stop once
// the capture thread has finished; with listeners attached in some cycles. Data capture is begun and ended
// exactly once per cycle.
TEST(OutputStop, StopAndReleaseInALoop)
{
	const int cycles = cycle_count();
	for (int cycle = 0; cycle < cycles; cycle++) {
		SCOPED_TRACE("cycle " + std::to_string(cycle));
		TestOutput output(kOutputId);
		ASSERT_NE(output.get(), nullptr);
		ASSERT_TRUE(output.start()) << obs_output_get_last_error(output.get());
		auto listeners = attach_listeners(output.port(), cycle % 3);
		output.stop();
		switch (cycle % 3) {
		case 0:
			break; // release right away: obs_output_destroy may still see the output active
		case 1:
			output.force_stop();
			break;
		case 2:
			ASSERT_TRUE(output.wait_inactive());
			output.force_stop();
			break;
		}
		expect_streams_ended(listeners, "after the stop");
		output.release();
		ASSERT_EQ(output.signals().activated.load(), 1);
		ASSERT_EQ(output.signals().deactivated.load(), 1) << "data capture was not ended exactly once";
		ASSERT_GE(output.signals().stops.load(), 1);
	}
	std::printf("stop/release cycles without a hang: %d\n", cycles);
}

// The encoder failing mid-stream on its own: the output stops itself with an error that OBS reports, the
// listeners' streams end, a later stop asks nothing of libobs, and the output starts again.
TEST(OutputStop, EncoderFailureStopsTheOutputWithAnError)
{
	TestOutput output(kFailingOutputId);
	ASSERT_NE(output.get(), nullptr);
	g_good_encodes = 25; // about half a second of audio
	ASSERT_TRUE(output.start());
	auto listeners = attach_listeners(output.port(), 2);
	expect_streams_ended(listeners, "after the encoder failed");
	ASSERT_TRUE(output.wait_inactive()) << "the output did not stop after its encoder failed";
	EXPECT_TRUE(output.wait_stops(1));
	EXPECT_EQ(output.signals().stops.load(), 1);
	EXPECT_EQ(output.signals().last_stop_code.load(), OBS_OUTPUT_ERROR);
	const char *error = obs_output_get_last_error(output.get());
	ASSERT_NE(error, nullptr);
	EXPECT_NE(std::string(error).find("encoder failed"), std::string::npos) << error;
	// The same failure with its words' locale key, so the dock can say it in the streamer's language.
	const auto failure = read_output_failure(output.get());
	ASSERT_TRUE(failure.has_value());
	EXPECT_EQ(failure->message, error);
	EXPECT_EQ(failure->text_key, "Failure.LameEncode");
	EXPECT_EQ(failure->text_args, std::vector<std::string>{"-2"});

	output.stop(); // inactive: libobs does not call the output
	EXPECT_EQ(output.signals().stops.load(), 1);

	g_good_encodes = 1'000'000;
	ASSERT_TRUE(output.start()) << obs_output_get_last_error(output.get());
	EXPECT_FALSE(read_output_failure(output.get()).has_value()) << "a start that works clears the failure";
	auto again = attach_listeners(output.port(), 1);
	output.stop();
	expect_streams_ended(again, "after the stop");
	output.release();
	EXPECT_EQ(output.signals().activated.load(), 2);
	EXPECT_EQ(output.signals().deactivated.load(), 2);
}

// A stop racing an encoder failure: the encoder fails after 0 to 5 encodes while the test stops the output at
// 0 to 63 ms, and in every other cycle forces a second stop. Whoever ends data capture first, it ends once. Two
// cycles in eight are not left to chance, so that both orders are always seen: in one the failure has stopped the
// output before the stop, in the other the encoder does not fail at all.
TEST(OutputStop, StopRacingAnEncoderFailure)
{
	int failed_first = 0;
	int stopped_first = 0;
	for (int cycle = 0; cycle < 64; cycle++) {
		SCOPED_TRACE("cycle " + std::to_string(cycle));
		TestOutput output(kFailingOutputId);
		ASSERT_NE(output.get(), nullptr);
		const int kind = cycle % 8;
		g_good_encodes = kind == 7 ? 1'000'000 : kind;
		ASSERT_TRUE(output.start()) << obs_output_get_last_error(output.get());
		if (kind == 6)
			ASSERT_TRUE(output.wait_inactive()) << "the output did not stop after its encoder failed";
		else
			std::this_thread::sleep_for(std::chrono::milliseconds((cycle * 7) % 64));
		output.stop();
		if (cycle % 2)
			output.force_stop();
		output.release();
		ASSERT_EQ(output.signals().activated.load(), 1);
		ASSERT_EQ(output.signals().deactivated.load(), 1) << "data capture was not ended exactly once";
		ASSERT_GE(output.signals().stops.load(), 1);
		// OBS reports the failure when it came first; a stop that came first ends the output as asked.
		(output.signals().last_stop_code.load() == OBS_OUTPUT_ERROR ? failed_first : stopped_first)++;
		if (kind == 6) {
			EXPECT_EQ(output.signals().last_stop_code.load(), OBS_OUTPUT_ERROR);
		} else if (kind == 7) {
			EXPECT_EQ(output.signals().last_stop_code.load(), OBS_OUTPUT_SUCCESS);
		}
	}
	std::printf("encoder failed first in %d cycles, the stop came first in %d\n", failed_first, stopped_first);
}

// A forced stop while the start is still running (a second thread stopping at once): the start and the stop are
// taken one after the other, and whatever state the output ends in, the release returns.
TEST(OutputStop, StopWhileStarting)
{
	for (int cycle = 0; cycle < 20; cycle++) {
		SCOPED_TRACE("cycle " + std::to_string(cycle));
		TestOutput output(kOutputId);
		ASSERT_NE(output.get(), nullptr);
		std::atomic<bool> started{false};
		std::thread stopper([&] {
			while (!started) {
				obs_output_force_stop(output.get());
				std::this_thread::sleep_for(200us);
			}
		});
		output.start();
		started = true;
		stopper.join();
		output.stop();
		output.release();
		ASSERT_EQ(output.signals().activated.load(), output.signals().deactivated.load());
		ASSERT_LE(output.signals().activated.load(), 1);
	}
}

} // namespace
} // namespace sse_audio::obs
