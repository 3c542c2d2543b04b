#include "base/base64.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace sse_audio {
namespace {

std::vector<uint8_t> bytes_of(std::string_view text)
{
	return {text.begin(), text.end()};
}

// RFC 4648 section 10.
const std::pair<std::string_view, std::string_view> kRfcVectors[] = {
	{"", ""},
	{"f", "Zg=="},
	{"fo", "Zm8="},
	{"foo", "Zm9v"},
	{"foob", "Zm9vYg=="},
	{"fooba", "Zm9vYmE="},
	{"foobar", "Zm9vYmFy"},
};

TEST(Base64, EncodesRfc4648TestVectors)
{
	for (const auto &[plain, encoded] : kRfcVectors)
		EXPECT_EQ(base64_encode(bytes_of(plain)), encoded) << "input \"" << plain << "\"";
}

TEST(Base64, DecodesRfc4648TestVectors)
{
	for (const auto &[plain, encoded] : kRfcVectors) {
		const auto decoded = base64_decode(encoded);
		ASSERT_TRUE(decoded.has_value()) << encoded;
		EXPECT_EQ(*decoded, bytes_of(plain)) << encoded;
	}
}

TEST(Base64, UsesTheStandardAlphabetForHighBytes)
{
	// 0xFB 0xFF 0xBF exercises '+' and '/' (the URL-safe alphabet would give '-' and '_').
	const std::vector<uint8_t> bytes = {0xFB, 0xFF, 0xBF, 0xFF};
	EXPECT_EQ(base64_encode(bytes), "+/+//w==");
}

TEST(Base64, AppendKeepsWhatTheStringHeld)
{
	std::string out = "data: ";
	base64_append(out, bytes_of("foobar"));
	base64_append(out, bytes_of("f"));
	EXPECT_EQ(out, "data: Zm9vYmFyZg==");
}

TEST(Base64, RoundTripsRandomBytesOfEveryLengthUpTo300)
{
	std::mt19937 rng(20240611);
	std::uniform_int_distribution<int> byte(0, 255);
	for (size_t length = 0; length <= 300; length++) {
		std::vector<uint8_t> bytes(length);
		for (auto &b : bytes)
			b = static_cast<uint8_t>(byte(rng));
		const std::string encoded = base64_encode(bytes);
		ASSERT_EQ(encoded.size(), (length + 2) / 3 * 4) << "length " << length;
		const size_t padding = (3 - length % 3) % 3;
		for (size_t i = 0; i < encoded.size(); i++) {
			const char c = encoded[i];
			const bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
					      (c >= '0' && c <= '9') || c == '+' || c == '/';
			if (i >= encoded.size() - padding) {
				ASSERT_EQ(c, '=') << "length " << length << " position " << i;
			} else {
				ASSERT_TRUE(alphabet) << "length " << length << " position " << i << " char " << c;
			}
		}
		const auto decoded = base64_decode(encoded);
		ASSERT_TRUE(decoded.has_value()) << "length " << length;
		ASSERT_EQ(*decoded, bytes) << "length " << length;
	}
}

TEST(Base64, DecodeRejectsLengthsThatAreNotMultiplesOfFour)
{
	for (const std::string_view text : {"Z", "Zg", "Zg=", "Zm9vY", "Zm9vYg", "Zm9vYg="})
		EXPECT_FALSE(base64_decode(text).has_value()) << text;
}

TEST(Base64, DecodeRejectsCharactersOutsideTheAlphabet)
{
	for (const std::string_view text : {"Zm9*", "Zm 9", "Zm9v\n", "Zm-_", "Zm9v\r\nYg==", "Zm9v Zg==", "Zm\x80v"})
		EXPECT_FALSE(base64_decode(text).has_value()) << text;
	EXPECT_FALSE(base64_decode(std::string_view("Zm\0v", 4)).has_value());
}

TEST(Base64, DecodeRejectsMisplacedPadding)
{
	for (const std::string_view text : {
		     "Zg=a",     // data after padding in the last quantum
		     "Z===",     // padding may only fill the last two positions
		     "====",     // nothing but padding
		     "=Zg=",     // padding first
		     "Zg==Zg==", // padding before the last quantum
		     "Zm8=Zm9v", // padding before the last quantum
	     })
		EXPECT_FALSE(base64_decode(text).has_value()) << text;
}

} // namespace
} // namespace sse_audio
