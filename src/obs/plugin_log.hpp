#pragma once

#include <util/base.h>

// Every log line of the plugin carries the module's name, as OBS's own plugins do.
// __VA_OPT__ (C++20) rather than GNU ##__VA_ARGS__, which Clang -Wpedantic refuses (the fuzz build uses Clang).
#define SSE_LOG(level, format, ...) blog(level, "[obs-sse-audio] " format __VA_OPT__(, ) __VA_ARGS__)
