#pragma once

#include <util/base.h>

// Every log line of the plugin carries the module's name, as OBS's own plugins do.
#define SSE_LOG(level, format, ...) blog(level, "[obs-sse-audio] " format, ##__VA_ARGS__)
