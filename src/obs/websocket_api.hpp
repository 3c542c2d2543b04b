#pragma once

// obs-websocket's plugin API. OBS 30 and later ship obs-websocket's own header with libobs, and this plugin uses
// it. OBS 29's packages (Debian 12) load obs-websocket but lack its header, so for that version alone this file
// supplies the four calls the plugin makes, under the header's names and with its behaviour (they are calls of
// obs-websocket's procedures: docs/websocket.md). When OBS 29 is no longer built for, the #else branch goes and
// nothing else changes.

#if __has_include(<obs-websocket-api.h>)

#include <obs-websocket-api.h>

#else

#include <obs.h>
#include <callback/calldata.h>
#include <callback/proc.h>

using obs_websocket_vendor = void *;
using obs_websocket_request_callback_function = void (*)(obs_data_t *request, obs_data_t *response, void *priv);

namespace sse_audio::obs::websocket_api_detail {

// The registration record obs-websocket copies when a request is registered.
struct RequestCallback {
	obs_websocket_request_callback_function callback;
	void *priv_data;
};

// obs-websocket's proc handler, or nullptr while obs-websocket is not loaded.
inline proc_handler_t *api_handler()
{
	calldata_t cd = {};
	proc_handler_t *handler = nullptr;
	if (proc_handler_call(obs_get_proc_handler(), "obs_websocket_api_get_ph", &cd))
		handler = static_cast<proc_handler_t *>(calldata_ptr(&cd, "ph"));
	calldata_free(&cd);
	return handler;
}

// Calls a vendor procedure; the `success` obs-websocket reports.
inline bool call_vendor(obs_websocket_vendor vendor, const char *proc, calldata_t *cd)
{
	proc_handler_t *handler = api_handler();
	if (!handler || !vendor)
		return false;
	calldata_set_ptr(cd, "vendor", vendor);
	proc_handler_call(handler, proc, cd);
	return calldata_bool(cd, "success");
}

} // namespace sse_audio::obs::websocket_api_detail

// 0 when obs-websocket is not loaded; 1 for the first API, which had no get_api_version.
inline unsigned int obs_websocket_get_api_version()
{
	proc_handler_t *handler = sse_audio::obs::websocket_api_detail::api_handler();
	if (!handler)
		return 0;
	calldata_t cd = {};
	unsigned int version = 1;
	if (proc_handler_call(handler, "get_api_version", &cd))
		version = static_cast<unsigned int>(calldata_int(&cd, "version"));
	calldata_free(&cd);
	return version;
}

inline obs_websocket_vendor obs_websocket_register_vendor(const char *vendor_name)
{
	proc_handler_t *handler = sse_audio::obs::websocket_api_detail::api_handler();
	if (!handler)
		return nullptr;
	calldata_t cd = {};
	calldata_set_string(&cd, "name", vendor_name);
	proc_handler_call(handler, "vendor_register", &cd);
	obs_websocket_vendor vendor = calldata_ptr(&cd, "vendor");
	calldata_free(&cd);
	return vendor;
}

inline bool obs_websocket_vendor_register_request(obs_websocket_vendor vendor, const char *request_type,
						  obs_websocket_request_callback_function request_callback,
						  void *priv_data)
{
	// obs-websocket copies the record, so one on the stack is enough.
	sse_audio::obs::websocket_api_detail::RequestCallback record = {request_callback, priv_data};
	calldata_t cd = {};
	calldata_set_string(&cd, "type", request_type);
	calldata_set_ptr(&cd, "callback", &record);
	const bool registered =
		sse_audio::obs::websocket_api_detail::call_vendor(vendor, "vendor_request_register", &cd);
	calldata_free(&cd);
	return registered;
}

inline bool obs_websocket_vendor_unregister_request(obs_websocket_vendor vendor, const char *request_type)
{
	calldata_t cd = {};
	calldata_set_string(&cd, "type", request_type);
	const bool withdrawn =
		sse_audio::obs::websocket_api_detail::call_vendor(vendor, "vendor_request_unregister", &cd);
	calldata_free(&cd);
	return withdrawn;
}

#endif
