#include <obs-module.h>

#include "plugin_log.hpp"
#include "sse_output.hpp"

#ifndef SSE_AUDIO_VERSION
#define SSE_AUDIO_VERSION "0.0.0"
#endif

OBS_DECLARE_MODULE()
OBS_MODULE_USE_DEFAULT_LOCALE("obs-sse-audio", "en-US")

MODULE_EXPORT const char *obs_module_description(void)
{
	return "Streams OBS audio to web browsers as MP3 over Server-Sent Events";
}

bool obs_module_load(void)
{
	sse_audio::obs::register_sse_output();
	SSE_LOG(LOG_INFO, "loaded version %s", SSE_AUDIO_VERSION);
	return true;
}

void obs_module_unload(void)
{
	// Outputs are destroyed by libobs before modules unload, and destroying one stops its server and threads.
	SSE_LOG(LOG_INFO, "unloaded");
}
