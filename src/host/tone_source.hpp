#pragma once

#include <obs.h>

#include <cstdint>

// A test-tone input source for the headless host: a sine wave fed to OBS from its own thread, time-stamped on
// a steady sample clock, exactly as a capture source would feed it. With marks, every so often it plays twice the
// frequency for 100 ms, so that a listener's delay can be measured against the moment a mark entered the output.
namespace sse_audio::host {

inline constexpr const char *kToneSourceId = "sse_host_tone";
inline constexpr const char *kToneFrequencyKey = "frequency";
inline constexpr const char *kToneMarksKey = "marks_ms"; // 0: a plain tone
inline constexpr uint32_t kToneMarkMs = 100;             // how long each mark lasts

void register_tone_source();

// The first sample of mark `index` (1, 2, ...) on the tone's sample clock (frame 0 is the tone's first sample).
// Whole frames, so that the source and whoever looks for its marks agree to the sample.
inline uint64_t tone_mark_frame(uint64_t index, uint32_t every_ms, uint32_t sample_rate)
{
	return index * every_ms * sample_rate / 1000;
}

// When frame `frame` of the tone is due, in os_gettime_ns(): the time stamp libobs places it by.
inline uint64_t tone_frame_ns(uint64_t start_ns, uint64_t frame, uint32_t sample_rate)
{
	return start_ns + frame * 1'000'000'000ULL / sample_rate;
}

// The os_gettime_ns() time stamp of the tone's first sample, or 0 when `source` is no tone source or its thread has
// not sent audio yet.
uint64_t tone_start_ns(obs_source_t *source);

} // namespace sse_audio::host
