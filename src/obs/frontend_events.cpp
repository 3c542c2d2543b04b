#include "frontend_events.hpp"

#include <obs-frontend-api.h>
#include <util/platform.h>

#include "callback_guard.hpp"
#include "plugin_log.hpp"
#include "websocket_requests.hpp"

namespace sse_audio::obs {

namespace {

void handle_frontend_event(enum obs_frontend_event event, void *param)
{
	auto &controller = *static_cast<OutputController *>(param);
	switch (event) {
	case OBS_FRONTEND_EVENT_FINISHED_LOADING:
		// Not earlier: OBS sets up its audio and loads the scene collection before this event, and the
		// stream should carry that audio from its first second.
		if (controller.settings().start_with_obs) {
			SSE_LOG(LOG_INFO, "starting with OBS");
			controller.start();
		}
		break;
	case OBS_FRONTEND_EVENT_EXIT: {
		// libobs frees every output after this event, and obs-websocket unloads after it: stop and let go of
		// both now, while listeners may still be connected.
		const uint64_t began = os_gettime_ns();
		unregister_websocket_requests();
		controller.shutdown();
		SSE_LOG(LOG_INFO, "shut down for exit in %llu ms",
			static_cast<unsigned long long>((os_gettime_ns() - began) / 1000000));
		break;
	}
	default:
		break;
	}
}

void on_frontend_event(enum obs_frontend_event event, void *param)
{
	guarded("handling an OBS frontend event", [&] { handle_frontend_event(event, param); });
}

} // namespace

void attach_frontend_events(OutputController &controller)
{
	obs_frontend_add_event_callback(on_frontend_event, &controller);
}

} // namespace sse_audio::obs
