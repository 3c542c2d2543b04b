#include <obs-module.h>

#include "frontend_events.hpp"
#include "callback_guard.hpp"
#include "plugin_log.hpp"
#include "plugin_module.hpp"
#include "sse_output.hpp"
#include "websocket_requests.hpp"

#include <memory>
#include <string>

OBS_DECLARE_MODULE()
OBS_MODULE_USE_DEFAULT_LOCALE("obs-sse-audio", "en-US")

namespace {

std::unique_ptr<sse_audio::obs::OutputController> g_controller;

std::string settings_file_path()
{
	// NULL when libobs was started without a config folder; the settings then live in memory only.
	char *path = obs_module_config_path("settings.json");
	std::string result = path ? path : "";
	bfree(path);
	return result;
}

} // namespace

namespace sse_audio::obs {

OutputController &output_controller()
{
	return *g_controller;
}

void finish_loading(bool inside_frontend)
{
	register_websocket_requests(*g_controller);
	if (inside_frontend)
		attach_frontend_events(*g_controller);
}

} // namespace sse_audio::obs

MODULE_EXPORT const char *obs_module_description(void)
{
	return "Streams OBS audio to web browsers as MP3 over Server-Sent Events";
}

bool obs_module_load(void)
{
	// A module that fails to load is reported by OBS and left out; OBS itself goes on.
	return sse_audio::obs::guarded(
		"loading the module",
		[] {
			// The controller only reads its settings here; its output is created at the first start, from
			// whichever place asks first (the dock, "start with OBS", obs-websocket). It comes first: if it
			// cannot be made, no output type is left registered by a module that failed to load.
			auto controller = std::make_unique<sse_audio::obs::OutputController>(settings_file_path());
			sse_audio::obs::register_sse_output();
			g_controller = std::move(controller);
			SSE_LOG(LOG_INFO, "loaded version %s", SSE_AUDIO_VERSION);
			return true;
		},
		false);
}

void obs_module_unload(void)
{
	// Inside OBS the controller already shut down on OBS_FRONTEND_EVENT_EXIT; elsewhere this stops the output
	// and its server before the module goes away.
	g_controller.reset(); // a destructor: nothing it throws could reach a guard (see callback_guard.hpp)
	SSE_LOG(LOG_INFO, "unloaded");
}
