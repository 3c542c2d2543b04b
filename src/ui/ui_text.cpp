#include "ui_text.hpp"

#include <obs-module.h>

namespace sse_audio::ui {

QString ui_text(const char *key)
{
	return QString::fromUtf8(obs_module_text(key));
}

} // namespace sse_audio::ui
