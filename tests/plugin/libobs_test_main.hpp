#pragma once

// The test program of the plugin's libobs layer with real libobs: libobs is started once for the whole program
// (audio at 48 kHz stereo, a tiny video mix under Xvfb) and the output type `sse_audio_output` is registered with
// the repository's player files.

#include <string>

namespace sse_audio::obs {

// The repository's data/web folder, which the test program's output types serve.
std::string test_web_root();

} // namespace sse_audio::obs
