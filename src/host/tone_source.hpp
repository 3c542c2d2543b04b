#pragma once

// A test-tone input source for the headless host: a sine wave fed to OBS from its own thread, time-stamped on
// a steady sample clock, exactly as a capture source would feed it.
namespace sse_audio::host {

inline constexpr const char *kToneSourceId = "sse_host_tone";
inline constexpr const char *kToneFrequencyKey = "frequency";

void register_tone_source();

} // namespace sse_audio::host
