#include "base/base64.hpp"
#include "audio/sse_format.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace sse_audio {
namespace {

TEST(SseFormat, AudioEventHasExactFraming)
{
	const std::vector<uint8_t> bytes = {'f', 'o', 'o', 'b', 'a', 'r'};
	EXPECT_EQ(format_sse_audio_event(42, bytes), "event: audio\nid: 42\ndata: Zm9vYmFy\n\n");
	EXPECT_EQ(format_sse_audio_event(0, {}), "event: audio\nid: 0\ndata: \n\n");
	EXPECT_EQ(format_sse_audio_event(std::numeric_limits<uint64_t>::max(), std::vector<uint8_t>{'f'}),
		  "event: audio\nid: 18446744073709551615\ndata: Zg==\n\n");
}

TEST(SseFormat, AudioEventDataDecodesToTheInputBytes)
{
	std::vector<uint8_t> bytes(1000);
	for (size_t i = 0; i < bytes.size(); i++)
		bytes[i] = static_cast<uint8_t>(i * 7 + 3); // includes 0x0A and 0x0D: they must not reach the wire raw
	const std::string block = format_sse_audio_event(1717171717171, bytes);

	const std::string prefix = "event: audio\nid: 1717171717171\ndata: ";
	ASSERT_EQ(block.compare(0, prefix.size(), prefix), 0) << block.substr(0, 60);
	ASSERT_GE(block.size(), prefix.size() + 2);
	ASSERT_EQ(block.substr(block.size() - 2), "\n\n");
	const std::string data = block.substr(prefix.size(), block.size() - prefix.size() - 2);
	EXPECT_EQ(data.find('\n'), std::string::npos) << "one data line";
	EXPECT_EQ(data.find('\r'), std::string::npos);
	const auto decoded = base64_decode(data);
	ASSERT_TRUE(decoded.has_value());
	EXPECT_EQ(*decoded, bytes);
}

TEST(SseFormat, RetryCommentAndTextEvents)
{
	EXPECT_EQ(format_sse_retry(1000), "retry: 1000\n\n");
	EXPECT_EQ(format_sse_retry(0), "retry: 0\n\n");
	EXPECT_EQ(format_sse_comment("heartbeat"), ": heartbeat\n\n");
	EXPECT_EQ(format_sse_comment(""), ": \n\n");
	EXPECT_EQ(format_sse_text_event("timing", "{\"server_ms\":1}"), "event: timing\ndata: {\"server_ms\":1}\n\n");
	EXPECT_EQ(format_sse_text_event("metadata", ""), "event: metadata\ndata: \n\n");
}

TEST(SseFormat, ParseLastEventIdAcceptsPlainDecimalIds)
{
	EXPECT_EQ(parse_last_event_id("0"), 0u);
	EXPECT_EQ(parse_last_event_id("1"), 1u);
	EXPECT_EQ(parse_last_event_id("42"), 42u);
	EXPECT_EQ(parse_last_event_id("1717171717171"), 1717171717171u);
	EXPECT_EQ(parse_last_event_id("00000000000000000007"), 7u); // 20 characters
	EXPECT_EQ(parse_last_event_id("18446744073709551615"), std::numeric_limits<uint64_t>::max());
	// The id a formatted event carries is read back as the same number.
	const std::string block = format_sse_audio_event(9876543210, std::vector<uint8_t>{1});
	EXPECT_EQ(parse_last_event_id(block.substr(block.find("id: ") + 4, 10)), 9876543210u);
}

TEST(SseFormat, ParseLastEventIdRejectsEverythingElse)
{
	for (const std::string_view text : {
		     "",
		     "-1",
		     "+1",
		     " 1",
		     "1 ",
		     "abc",
		     "1a",
		     "a1",
		     "0x10",
		     "1.5",
		     "1e3",
		     "１",
		     "\t1",
		     "1\n",
		     "000000000000000000001", // 21 digits, small value
		     "123456789012345678901", // 21 digits
		     "18446744073709551616",  // 2^64: overflow
		     "99999999999999999999",  // 20 digits, overflow
		     "184467440737095516150", // 21 digits
	     })
		EXPECT_FALSE(parse_last_event_id(text).has_value()) << '"' << text << '"';
	EXPECT_FALSE(parse_last_event_id(std::string_view("1\0", 2)).has_value());
}

} // namespace
} // namespace sse_audio
