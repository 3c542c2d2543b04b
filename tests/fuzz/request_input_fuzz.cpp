// What a listener's request puts into the server's hands besides cpp-httplib's own parsing: the Last-Event-ID value
// (header or `lastEventId` query parameter) and the request path looked up among the player's files. Each is
// checked against a plain statement of what it must accept.

#include "audio/sse_format.hpp"
#include "serve/web_assets.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace {

void check(bool condition)
{
	if (!condition)
		std::abort();
}

// sse_format.hpp's promise: 1 to 20 decimal digits whose value fits 64 bits, nothing else.
std::optional<uint64_t> reference_event_id(const std::string &text)
{
	if (text.empty() || text.size() > 20)
		return std::nullopt;
	unsigned __int128 value = 0;
	for (const char c : text) {
		if (c < '0' || c > '9')
			return std::nullopt;
		value = value * 10 + static_cast<unsigned>(c - '0');
	}
	if (value > UINT64_MAX)
		return std::nullopt;
	return static_cast<uint64_t>(value);
}

const sse_audio::WebAssets &assets()
{
	static const sse_audio::WebAssets loaded = [] {
		auto result = sse_audio::WebAssets::load(SSE_AUDIO_FUZZ_WEB_ROOT);
		check(result.ok());
		return std::move(*result);
	}();
	return loaded;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FuzzedDataProvider input(data, size);
	const std::string id_text = input.ConsumeRandomLengthString(40);
	check(sse_audio::parse_last_event_id(id_text) == reference_event_id(id_text));

	// Only "/" and "/<name of a file in the folder>" find anything; nothing a listener sends becomes a path.
	const std::string path = input.ConsumeRemainingBytesAsString();
	const sse_audio::WebAsset *asset = assets().find(path);
	if (asset) {
		check(path.size() >= 1 && path[0] == '/');
		const std::string name = path == "/" ? "index.html" : path.substr(1);
		check(name.find('/') == std::string::npos && name.find('\\') == std::string::npos);
		check(name != "." && name != ".." && name.find('\0') == std::string::npos);
	}
	return 0;
}
