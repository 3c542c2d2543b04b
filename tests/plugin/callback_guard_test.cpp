// guarded() (src/obs/callback_guard.hpp): what a callback body throws stops there, is logged with the callback's
// name, and the callback returns its "did not work" value; a body that works is untouched.

#include "callback_guard.hpp"

#include <gtest/gtest.h>

#include <cstdarg>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace sse_audio::obs {
namespace {

std::vector<std::string> g_lines; // what libobs's log got while a test ran

void keep_line(int, const char *format, va_list args, void *)
{
	char line[512];
	std::vsnprintf(line, sizeof(line), format, args);
	g_lines.emplace_back(line);
}

class CallbackGuard : public testing::Test {
protected:
	void SetUp() override
	{
		g_lines.clear();
		base_get_log_handler(&previous_, &previous_param_);
		base_set_log_handler(keep_line, nullptr);
	}
	void TearDown() override { base_set_log_handler(previous_, previous_param_); }

private:
	log_handler_t previous_ = nullptr;
	void *previous_param_ = nullptr;
};

TEST_F(CallbackGuard, AThrowingStartFailsAndSaysWhyInTheLog)
{
	const bool started = guarded(
		"starting the output",
		[]() -> bool {
			throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again));
		},
		false);
	EXPECT_FALSE(started);
	ASSERT_EQ(g_lines.size(), 1u);
	EXPECT_NE(g_lines[0].find("[obs-sse-audio] starting the output failed: "), std::string::npos) << g_lines[0];
}

TEST_F(CallbackGuard, AnythingThrownIsCaughtEvenWhenItIsNoException)
{
	void *output = guarded(
		"creating the output", []() -> void * { throw 42; }, nullptr);
	EXPECT_EQ(output, nullptr);
	ASSERT_EQ(g_lines.size(), 1u);
	EXPECT_NE(g_lines[0].find("creating the output failed: unknown exception"), std::string::npos) << g_lines[0];
}

TEST_F(CallbackGuard, ACallbackWithoutAValueIsGuardedToo)
{
	int steps = 0;
	guarded("stopping the output", [&] {
		steps++;
		throw std::runtime_error("the server would not stop");
	});
	EXPECT_EQ(steps, 1);
	ASSERT_EQ(g_lines.size(), 1u);
	EXPECT_NE(g_lines[0].find("stopping the output failed: the server would not stop"), std::string::npos);
}

TEST_F(CallbackGuard, ABodyThatWorksGivesItsValueAndLogsNothing)
{
	EXPECT_EQ(guarded(
			  "reading the figures", [] { return 7; }, -1),
		  7);
	guarded("handling an event", [] {});
	EXPECT_TRUE(g_lines.empty());
}

} // namespace
} // namespace sse_audio::obs
