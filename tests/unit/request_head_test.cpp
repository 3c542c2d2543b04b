// RequestHeadScanner: what the gate lets through to a worker, and what it refuses before one is spent on it.

#include "net/request_head.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sse_audio {
namespace {

using State = RequestHeadVerdict::State;

RequestHeadVerdict scan(const std::string &bytes)
{
	RequestHeadScanner scanner;
	return scanner.feed(bytes);
}

TEST(RequestHead, AcceptsAPlainGetAndSaysWhereTheHeadEnds)
{
	const std::string head = "GET /stream?key=a%20b HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 12\r\n\r\n";
	const RequestHeadVerdict verdict = scan(head + "GET / HTTP/1.1\r\n");
	EXPECT_EQ(verdict.state, State::Complete);
	EXPECT_EQ(verdict.head_bytes, head.size()) << "a pipelined request after the head is not part of it";
	EXPECT_EQ(scan("HEAD / HTTP/1.0\r\n\r\n").state, State::Complete);
	EXPECT_EQ(scan("\r\nGET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").state, State::Complete);
}

TEST(RequestHead, WaitsForTheRestOfAHeadFedByteByByte)
{
	const std::string head = "GET /status.json HTTP/1.1\r\nHost: 127.0.0.1:8330\r\nAccept: */*\r\n\r\n";
	RequestHeadScanner scanner;
	for (size_t n = 1; n < head.size(); n++)
		ASSERT_EQ(scanner.feed(std::string_view(head).substr(0, n)).state, State::Incomplete) << n;
	EXPECT_EQ(scanner.feed(head).state, State::Complete);
}

TEST(RequestHead, RefusesWhatIsNotHttpAtTheFirstByte)
{
	RequestHeadScanner scanner;
	const RequestHeadVerdict tls = scanner.feed(std::string("\x16\x03\x01", 3));
	EXPECT_EQ(tls.state, State::Refused) << "a TLS handshake is refused without waiting for a line end";
	EXPECT_EQ(tls.status, 400);
}

struct Refusal {
	const char *what;
	std::string bytes;
	int status;
};

TEST(RequestHead, RefusesMalformedAndOversizedHeadsWithTheRightStatus)
{
	const std::vector<Refusal> cases = {
		{"POST", "POST /stream HTTP/1.1\r\n\r\n", 405},
		{"unknown method", "BREW /pot HTTP/1.1\r\n\r\n", 405},
		{"HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400},
		{"HTTP/2.0 GET", "GET / HTTP/2.0\r\n\r\n", 505},
		{"HTTP/0.9", "GET /\r\n\r\n", 400},
		{"bare LF", "GET / HTTP/1.1\nHost: x\n\n", 400},
		{"lone CR", "GET / HTTP/1.1\r\nHost: x\ry\r\n\r\n", 400},
		{"NUL in a value", std::string("GET / HTTP/1.1\r\nHost: \0\r\n\r\n", 26), 400},
		{"no colon", "GET / HTTP/1.1\r\nHost x\r\n\r\n", 400},
		{"folded header", "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", 400},
		{"space in the target", "GET /a b HTTP/1.1\r\n\r\n", 400},
		{"body", "GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 413},
		{"chunked body", "GET / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n", 413},
		{"long target", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n", 414},
		{"long header", "GET / HTTP/1.1\r\nA: " + std::string(9000, 'a') + "\r\n\r\n", 431},
		{"empty lines only", "\r\n\r\n\r\n\r\n\r\n\r\n", 400},
	};
	for (const auto &c : cases) {
		const RequestHeadVerdict verdict = scan(c.bytes);
		EXPECT_EQ(verdict.state, State::Refused) << c.what;
		EXPECT_EQ(verdict.status, c.status) << c.what << ": " << verdict.reason;
	}
	std::string many = "GET / HTTP/1.1\r\n";
	for (int i = 0; i < 101; i++)
		many += "X-" + std::to_string(i) + ": y\r\n";
	EXPECT_EQ(scan(many + "\r\n").status, 431) << "more than 100 fields";
	std::string big = "GET / HTTP/1.1\r\n";
	for (int i = 0; i < 9; i++)
		big += "X-" + std::to_string(i) + ": " + std::string(4000, 'v') + "\r\n";
	EXPECT_EQ(scan(big).status, 431) << "more than 32 KB of head, refused before it ends";
}

// RFC 7235: the auth scheme is case-insensitive and is followed by one or more spaces.
TEST(BearerToken, TakesTheSchemeInAnyCaseAndAnySpacing)
{
	EXPECT_EQ(bearer_token("Bearer abc"), "abc");
	EXPECT_EQ(bearer_token("bearer abc"), "abc");
	EXPECT_EQ(bearer_token("BeArEr    abc"), "abc");
	EXPECT_FALSE(bearer_token("Basic abc"));
	EXPECT_FALSE(bearer_token("Bearerabc"));
	EXPECT_FALSE(bearer_token("Bearer"));
	EXPECT_FALSE(bearer_token("Bearer   "));
	EXPECT_FALSE(bearer_token(""));
}

} // namespace
} // namespace sse_audio
