#pragma once

namespace sse_audio {

// Names the calling thread (at most 15 characters on Linux) so that top, perf and the benchmarks can tell the
// encoder and server threads apart from OBS's own. Does nothing where the platform has no such call.
void set_current_thread_name(const char *name);

} // namespace sse_audio
