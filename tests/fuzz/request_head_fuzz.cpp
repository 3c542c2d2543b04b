// The request-head scanner that checks what a client sends before a worker thread is given to it (hostile HTTP:
// garbage, oversized lines, slow partial requests). Fed in fuzzer-chosen pieces, as a slow client would send, it must
// reach the same verdict as when fed everything at once, and every verdict must be one the server can act on.

#include "net/request_head.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <string>

namespace {

void check(bool condition)
{
	if (!condition)
		std::abort();
}

using State = sse_audio::RequestHeadVerdict::State;

void check_verdict(const sse_audio::RequestHeadVerdict &v, const std::string &bytes)
{
	if (v.state == State::Complete) {
		// The head ends with its empty line, inside what was received.
		check(v.head_bytes >= 4 && v.head_bytes <= bytes.size());
		check(bytes.compare(v.head_bytes - 4, 4, "\r\n\r\n") == 0);
	} else if (v.state == State::Refused) {
		check(v.status >= 400 && v.status <= 599);
		check(v.reason != nullptr && v.reason[0] != '\0');
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzedDataProvider input(data, size);
	const sse_audio::RequestHeadLimits limits{input.ConsumeIntegralInRange<size_t>(16, 8192),
						  input.ConsumeIntegralInRange<size_t>(16, 32 * 1024),
						  input.ConsumeIntegralInRange<size_t>(1, 100)};
	const auto pieces = input.ConsumeIntegralInRange<size_t>(1, 64);
	const std::string all = input.ConsumeRemainingBytesAsString();

	sse_audio::RequestHeadScanner slow(limits);
	sse_audio::RequestHeadVerdict verdict;
	std::string received;
	const size_t step = all.size() / pieces + 1;
	for (size_t at = 0; at < all.size() && verdict.state == State::Incomplete; at += step) {
		received.append(all, at, step);
		verdict = slow.feed(received);
		check_verdict(verdict, received);
	}

	// Whatever was decided on a prefix holds for the whole: more bytes cannot change a complete or refused head.
	sse_audio::RequestHeadScanner fast(limits);
	const auto once = fast.feed(received);
	check_verdict(once, received);
	check(once.state == verdict.state);
	check(once.status == verdict.status);
	if (once.state == State::Complete)
		check(once.head_bytes == verdict.head_bytes);
	return 0;
}
