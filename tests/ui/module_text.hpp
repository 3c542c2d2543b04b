#pragma once

// The test's obs_module_text: the real data/locale file of one language (and only that file, so a key missing
// from a translation shows up instead of falling back to English), recording every key it could not find.

#include <set>
#include <string>

namespace sse_audio::uitest {

// Loads data/locale/<locale>.ini; false when the file cannot be read.
bool use_locale(const std::string &locale);
// Keys asked for since use_locale that the file does not hold.
const std::set<std::string> &missing_keys();
// The text of `key` in the current language, as the plugin would show it.
std::string locale_text(const char *key);

} // namespace sse_audio::uitest
