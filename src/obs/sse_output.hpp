#pragma once

namespace sse_audio::obs {

// Output type id: part of the contract (shared/DESIGN.md).
inline constexpr const char *kOutputId = "sse_audio_output";

// Registers the output type with libobs; called from obs_module_load.
void register_sse_output();

} // namespace sse_audio::obs
