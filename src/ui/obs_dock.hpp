#pragma once

// Puts the dock into OBS's main window and the "SSE Audio Stream" entry into the Tools menu. Only for OBS itself,
// from obs_module_post_load (the frontend API has no main window anywhere else).

#include "stream_control.hpp"

namespace sse_audio::ui {

// The dock's id: OBS saves the dock's place and visibility under it, so it must never change.
inline constexpr const char *kDockId = "obs-sse-audio-dock";

void install_dock(obs::StreamControl &control);

} // namespace sse_audio::ui
