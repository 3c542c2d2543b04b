// obs_module_post_load, the half of the module entry that knows Qt (the rest is src/obs/plugin_module.cpp; libobs
// finds each exported function by name, so the two halves can live in their layers). Inside OBS it adds the dock
// and the Tools-menu entry; in obs-sse-audio-host, which has no Qt application and no frontend, it leaves the
// frontend API untouched.

#include <obs-module.h>
#include <obs-frontend-api.h>

#include "callback_guard.hpp"
#include "obs_dock.hpp"
#include "plugin_module.hpp"

#include <QApplication>

void obs_module_post_load(void)
{
	sse_audio::obs::guarded("finishing loading the module", [] {
		// OBS is a QApplication; the headless host is not, and calling the frontend API there would only log
		// warnings.
		const bool inside_obs = qobject_cast<QApplication *>(QCoreApplication::instance()) != nullptr &&
					obs_frontend_get_main_window() != nullptr;
		sse_audio::obs::finish_loading(inside_obs);
		if (inside_obs)
			sse_audio::ui::install_dock(sse_audio::obs::output_controller());
	});
}
