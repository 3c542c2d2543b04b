#include "module_text.hpp"

#include <obs-module.h>
#include <util/text-lookup.h>

#ifndef SSE_AUDIO_TEST_LOCALE_DIR
#error "SSE_AUDIO_TEST_LOCALE_DIR must name data/locale"
#endif

namespace {

lookup_t *g_lookup = nullptr;
std::set<std::string> g_missing;

} // namespace

namespace sse_audio::uitest {

bool use_locale(const std::string &locale)
{
	if (g_lookup)
		text_lookup_destroy(g_lookup);
	g_missing.clear();
	const std::string path = std::string(SSE_AUDIO_TEST_LOCALE_DIR) + "/" + locale + ".ini";
	g_lookup = text_lookup_create(path.c_str());
	return g_lookup != nullptr;
}

const std::set<std::string> &missing_keys()
{
	return g_missing;
}

std::string locale_text(const char *key)
{
	return obs_module_text(key);
}

} // namespace sse_audio::uitest

// Stands in for the definition OBS_MODULE_USE_DEFAULT_LOCALE puts into the real module.
const char *obs_module_text(const char *key)
{
	const char *text = nullptr;
	if (!g_lookup || !text_lookup_getstr(g_lookup, key, &text)) {
		g_missing.insert(key);
		return key;
	}
	return text;
}
