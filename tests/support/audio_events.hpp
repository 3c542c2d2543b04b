#pragma once

// Checks and decodes what arrived on /stream and /stream.mp3: every audio event's id, base64 and MPEG frames,
// and the sound of them all, decoded in arrival order as a player would.

#include "audio_analysis.hpp"
#include "http_stream.hpp"
#include "mp3_decoder.hpp"
#include "payload_checks.hpp"
#include "sse_reader.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sse_audio::itest {

struct AudioEvent {
	uint64_t id = 0;
	Clock::time_point arrived;
	size_t mp3_bytes = 0;
	Mp3Walk walk;
	long decoded_frames = 0;
};

struct AudioEvents {
	std::vector<AudioEvent> events;
	std::vector<std::string> problems; // the first few, for the failure message
	size_t problem_count = 0;
	size_t other_events = 0; // events of other types (allowed by the contract)
	std::set<int> bitrates;
	std::set<int> sample_rates;
	uint64_t mp3_frames = 0;
	std::unique_ptr<Mp3Decoder> decoder = std::make_unique<Mp3Decoder>();
	std::vector<TimedFrames> arrivals; // decoded frames per event, for measure_rate

	[[nodiscard]] bool ids_consecutive(std::string *where = nullptr) const;
	[[nodiscard]] std::string problems_text() const;
};

// Validates and decodes every `event: audio` in `sse` (events of other types are only counted).
AudioEvents check_audio_events(const std::vector<SseEvent> &sse);

// Reads /stream.mp3 for `duration` (or until it ends), decoding as bytes arrive.
struct Mp3StreamCapture {
	bool opened = false;
	std::string error;
	HttpHead head;
	Clock::time_point connected;
	std::vector<uint8_t> bytes;
	std::unique_ptr<Mp3Decoder> decoder = std::make_unique<Mp3Decoder>();
	std::vector<TimedFrames> arrivals;
	bool ended = false;
};
Mp3StreamCapture capture_mp3_stream(int port, std::chrono::milliseconds duration,
				    std::string_view target = "/stream.mp3");

// The last `seconds` of the decoded left channel (for pitch and level, well past any start-up silence).
std::span<const float> decoded_tail(const Mp3Decoder &decoder, double seconds);

} // namespace sse_audio::itest
