#pragma once

#include "base/result.hpp"

#include <QString>

namespace sse_audio::ui {

// A user-visible string from data/locale in OBS's current language (obs_module_text), as a QString.
QString ui_text(const char *key);

// An error in the dock's language when the locale files have its words (its key, with what fills %1, %2, ...),
// else as the log says it.
QString error_text(const Error &error);

} // namespace sse_audio::ui
