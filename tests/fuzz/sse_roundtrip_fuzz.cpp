// SSE framing round trip: a stream of blocks made by sse_format (audio events with arbitrary ids and bytes, text
// events, comments, retry) is read back by the small event-stream parser below, written from the WHATWG rules, and
// must give back exactly what went in.

#include "base/base64.hpp"
#include "audio/sse_format.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

void check(bool condition)
{
	if (!condition)
		std::abort();
}

struct Block {
	enum class Kind { Event, Comment, Retry };
	Kind kind = Kind::Event;
	std::string event;             // the `event:` field ("message" when absent)
	std::optional<std::string> id; // the `id:` field
	std::string data;              // `data:` lines joined with '\n'
	std::string comment;           // text of the comment line(s)
	std::optional<std::string> retry;
};

// Lines end in LF only (we never write CR); a blank line ends a block. One space after the colon is dropped.
std::vector<Block> parse_stream(std::string_view stream)
{
	std::vector<Block> blocks;
	Block current;
	bool has_data = false;
	bool anything = false;
	while (!stream.empty()) {
		const size_t eol = stream.find('\n');
		check(eol != std::string_view::npos); // every block the formatter makes is complete
		const std::string_view line = stream.substr(0, eol);
		stream.remove_prefix(eol + 1);
		if (line.empty()) {
			check(anything); // no empty blocks
			if (current.kind == Block::Kind::Event && current.event.empty())
				current.event = "message";
			blocks.push_back(current);
			current = Block{};
			has_data = anything = false;
			continue;
		}
		anything = true;
		const size_t colon = line.find(':');
		const std::string_view field = line.substr(0, colon);
		std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
		if (!value.empty() && value.front() == ' ')
			value.remove_prefix(1);
		if (field.empty()) {
			current.kind = Block::Kind::Comment;
			current.comment.append(value);
		} else if (field == "event") {
			current.event = value;
		} else if (field == "id") {
			current.id = std::string(value);
		} else if (field == "data") {
			if (has_data)
				current.data.push_back('\n');
			current.data.append(value);
			has_data = true;
		} else if (field == "retry") {
			current.kind = Block::Kind::Retry;
			current.retry = std::string(value);
		} else {
			check(false); // a field we never write
		}
	}
	return blocks;
}

// Text that format_sse_text_event and format_sse_comment accept: one line, no CR or LF.
std::string one_line(FuzzedDataProvider &input, size_t max)
{
	std::string text = input.ConsumeRandomLengthString(max);
	for (char &c : text)
		if (c == '\n' || c == '\r')
			c = '_';
	return text;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzedDataProvider input(data, size);
	std::string stream;
	std::vector<Block> expected;
	for (int i = 0; i < 16 && input.remaining_bytes() > 0; i++) {
		Block block;
		switch (input.ConsumeIntegralInRange(0, 3)) {
		case 0: {
			const auto id = input.ConsumeIntegral<uint64_t>();
			const auto bytes = input.ConsumeBytes<uint8_t>(input.ConsumeIntegralInRange<size_t>(0, 4096));
			stream += sse_audio::format_sse_audio_event(id, bytes);
			block.event = "audio";
			block.id = std::to_string(id);
			block.data = sse_audio::base64_encode(bytes);
			// What the player does with it: the id comes back as Last-Event-ID, the data is decoded.
			check(sse_audio::parse_last_event_id(*block.id) == id);
			const auto decoded = sse_audio::base64_decode(block.data);
			check(decoded && *decoded == bytes);
			break;
		}
		case 1: {
			std::string name = one_line(input, 32);
			if (name.empty()) // an empty `event:` means "message" to EventSource; we never send one
				name = "timing";
			const std::string text = one_line(input, 256);
			stream += sse_audio::format_sse_text_event(name, text);
			block.event = name;
			block.data = text;
			break;
		}
		case 2:
			block.kind = Block::Kind::Comment;
			block.comment = one_line(input, 256);
			stream += sse_audio::format_sse_comment(block.comment);
			break;
		default: {
			const int ms = input.ConsumeIntegral<int>();
			stream += sse_audio::format_sse_retry(ms);
			block.kind = Block::Kind::Retry;
			block.retry = std::to_string(ms);
			break;
		}
		}
		expected.push_back(block);
	}

	const auto parsed = parse_stream(stream);
	check(parsed.size() == expected.size());
	for (size_t i = 0; i < parsed.size(); i++) {
		check(parsed[i].kind == expected[i].kind);
		check(parsed[i].event == expected[i].event);
		check(parsed[i].id == expected[i].id);
		check(parsed[i].data == expected[i].data);
		check(parsed[i].comment == expected[i].comment);
		check(parsed[i].retry == expected[i].retry);
	}
	return 0;
}
