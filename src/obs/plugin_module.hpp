#pragma once

// The plugin's state between obs_module_load and obs_module_unload, for the parts of the module that are not in
// plugin_module.cpp (src/ui's obs_module_post_load, which must know Qt).

#include "output_controller.hpp"

namespace sse_audio::obs {

// The single output controller; valid from obs_module_load until obs_module_unload.
OutputController &output_controller();

// The libobs half of obs_module_post_load: obs-websocket's vendor requests, and inside OBS's frontend the
// frontend events ("start with OBS", stop on exit).
void finish_loading(bool inside_frontend);

} // namespace sse_audio::obs
