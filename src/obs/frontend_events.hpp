#pragma once

// What the plugin does at OBS's frontend events: "start with OBS" once OBS has finished loading, and a clean stop
// on exit. Only called when the plugin runs inside OBS itself (obs-sse-audio-host has no frontend).

#include "output_controller.hpp"

namespace sse_audio::obs {

void attach_frontend_events(OutputController &controller);

} // namespace sse_audio::obs
