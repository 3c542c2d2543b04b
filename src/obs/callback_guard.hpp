#pragma once

#include "plugin_log.hpp"

#include <exception>
#include <type_traits>
#include <utility>

namespace sse_audio::obs {

// libobs, its frontend and obs-websocket call the plugin through C function pointers: an exception that reached
// one of them would cross C frames, and OBS would end (std::terminate). The engine reports expected failures as
// values (Result); what can still throw is the standard library itself (a thread that cannot be made, memory
// that cannot be had). Every callback's body runs through guarded(): what it throws is logged with the
// callback's name and the callback returns `failed` (libobs's "did not work": a null output, a start that
// failed), so OBS keeps running and the log says what happened. Callbacks that only destroy (output_destroy,
// obs_module_unload) are not guarded: destructors are noexcept, so what one throws ends the program before any
// guard sees it; ours stop and join threads and free memory.
template <typename Body, typename Value = std::invoke_result_t<Body>>
Value guarded(const char *callback, Body &&body, std::type_identity_t<Value> failed) noexcept
{
	try {
		return std::forward<Body>(body)();
	} catch (const std::exception &error) {
		SSE_LOG(LOG_ERROR, "%s failed: %s", callback, error.what());
	} catch (...) {
		SSE_LOG(LOG_ERROR, "%s failed: unknown exception", callback);
	}
	return failed;
}

// The same for callbacks that return nothing.
template <typename Body>
void guarded(const char *callback, Body &&body) noexcept
{
	static_assert(std::is_void_v<std::invoke_result_t<Body>>, "a callback with a value names what failure returns");
	guarded(
		callback,
		[&] {
			std::forward<Body>(body)();
			return true;
		},
		false);
}

} // namespace sse_audio::obs
