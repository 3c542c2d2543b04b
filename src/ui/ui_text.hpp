#pragma once

#include <QString>

namespace sse_audio::ui {

// A user-visible string from data/locale in OBS's current language (obs_module_text), as a QString.
QString ui_text(const char *key);

} // namespace sse_audio::ui
