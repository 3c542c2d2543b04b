#pragma once

#include <chrono>
#include <cstdint>

namespace sse_audio {

// Milliseconds since the Unix epoch, the clock that capture times, timing events and the player share.
inline int64_t wall_clock_ms()
{
	return std::chrono::duration_cast<std::chrono::milliseconds>(
		       std::chrono::system_clock::now().time_since_epoch())
		.count();
}

} // namespace sse_audio
