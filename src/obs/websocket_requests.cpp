#include "websocket_requests.hpp"

#include <obs.h>
#include <obs.hpp>

#include "settings/listener_urls.hpp"
#include "callback_guard.hpp"
#include "plugin_log.hpp"
#include "websocket_api.hpp"

#include <chrono>
#include <iterator>
#include <string>

namespace sse_audio::obs {

namespace {

// obs-websocket's plugin API version this code speaks (obs-websocket 5.x reports 1 or later).
constexpr unsigned int kApiVersion = 1;
// How long "start" and "stop" wait for the output to settle before answering with the state then.
constexpr auto kSettleTimeout = std::chrono::seconds(10);

constexpr const char *kRequests[] = {"start", "stop", "status"};

obs_websocket_vendor g_vendor = nullptr; // valid while obs-websocket is loaded

void respond_with_status(OutputController &controller, const StreamState &state, obs_data_t *response)
{
	const PluginSettings settings = controller.settings();
	write_status(settings, state, controller.figures(),
		     listener_hosts(settings.stream.bind_address, local_ipv4_addresses()), response);
}

void answer_status(OutputController &controller, obs_data_t *response)
{
	respond_with_status(controller, controller.state(), response);
}

// "start" and "stop" answer once the output settled, so a script knows whether it worked: `ok` and, when not,
// `error`, then the whole status.
void answer_start(OutputController &controller, obs_data_t *response)
{
	controller.start();
	const StreamState state = controller.wait_settled(kSettleTimeout);
	obs_data_set_bool(response, "ok", state.phase == StreamPhase::Live);
	respond_with_status(controller, state, response);
}

void answer_stop(OutputController &controller, obs_data_t *response)
{
	controller.stop();
	const StreamState state = controller.wait_settled(kSettleTimeout);
	obs_data_set_bool(response, "ok", state.phase == StreamPhase::Stopped);
	respond_with_status(controller, state, response);
}

// What obs-websocket calls: one of the answers above, guarded (callback_guard.hpp); a request that threw is
// answered with `ok` false and an `error` that points to the log.
template <void (*Answer)(OutputController &, obs_data_t *)>
void handle(obs_data_t *, obs_data_t *response, void *priv)
{
	const bool answered = guarded(
		"an obs-websocket request",
		[&] {
			Answer(*static_cast<OutputController *>(priv), response);
			return true;
		},
		false);
	if (!answered) {
		obs_data_set_bool(response, "ok", false);
		obs_data_set_string(response, "error", "the request failed; the OBS log says why");
	}
}

} // namespace

const char *phase_name(StreamPhase phase)
{
	switch (phase) {
	case StreamPhase::Stopped:
		return "stopped";
	case StreamPhase::Starting:
		return "starting";
	case StreamPhase::Live:
		return "live";
	case StreamPhase::Stopping:
		return "stopping";
	case StreamPhase::Error:
		return "error";
	}
	return "unknown";
}

void write_status(const PluginSettings &settings, const StreamState &state, const StreamFigures &figures,
		  const std::vector<std::string> &hosts, obs_data_t *response)
{
	const StreamSettings &s = settings.stream;
	obs_data_set_string(response, "state", phase_name(state.phase));
	obs_data_set_int(response, "live_since_ms", state.live_since_ms);
	obs_data_set_string(response, "error", state.error.message.c_str());

	const std::vector<std::string> addresses = listener_urls(s, hosts);
	const OBSDataArrayAutoRelease urls = obs_data_array_create();
	for (const auto &url : addresses) {
		const OBSDataAutoRelease item = obs_data_create();
		obs_data_set_string(item, "url", url.c_str());
		obs_data_array_push_back(urls, item);
	}
	obs_data_set_array(response, "urls", urls);
	obs_data_set_string(response, "url", addresses.empty() ? "" : addresses.front().c_str());

	obs_data_set_int(response, "port", s.port);
	obs_data_set_string(response, "bind_address", s.bind_address.c_str());
	obs_data_set_int(response, "bitrate_kbps", s.bitrate_kbps);
	obs_data_set_int(response, "track", s.mixer + 1);
	obs_data_set_int(response, "max_listeners", s.max_listeners);
	obs_data_set_bool(response, "access_key_required", !s.access_key.empty());
	obs_data_set_bool(response, "start_with_obs", settings.start_with_obs);

	const OBSDataAutoRelease listeners = obs_data_create();
	obs_data_set_int(listeners, "now", static_cast<long long>(figures.listeners_now));
	obs_data_set_int(listeners, "peak", static_cast<long long>(figures.listeners_peak));
	obs_data_set_obj(response, "listeners", listeners);
	obs_data_set_int(response, "bytes_sent", static_cast<long long>(figures.bytes_sent));

	// The channels listeners pick from (one, "main", without a channel list): track 1-based, as `track` above.
	const std::vector<ChannelSetting> channels = served_channels(s);
	const OBSDataArrayAutoRelease channel_list = obs_data_array_create();
	for (size_t i = 0; i < channels.size(); i++) {
		const OBSDataAutoRelease item = obs_data_create();
		obs_data_set_string(item, "id", channels[i].id.c_str());
		obs_data_set_string(item, "name", channels[i].name.c_str());
		obs_data_set_int(item, "track", channels[i].mixer + 1);
		const bool known = i < figures.channels.size();
		obs_data_set_int(item, "listeners",
				 known ? static_cast<long long>(figures.channels[i].listeners_now) : 0);
		obs_data_set_string(item, "error", known ? figures.channels[i].error.c_str() : "");
		obs_data_array_push_back(channel_list, item);
	}
	obs_data_set_array(response, "channels", channel_list);

	const OBSDataAutoRelease drops = obs_data_create();
	obs_data_set_int(drops, "pcm_frames", static_cast<long long>(figures.pcm_frames_dropped));
	obs_data_set_int(drops, "listener_skips", static_cast<long long>(figures.listener_skips));
	obs_data_set_int(drops, "listeners_timed_out", static_cast<long long>(figures.listeners_timed_out));
	obs_data_set_int(drops, "rejected_full", static_cast<long long>(figures.rejected_full));
	obs_data_set_obj(response, "drops", drops);

	// Relay mode: the publisher's state (docs/protocol.md); absent when no relay is set. In relay-only mode there
	// is no /status.json on this computer, so scripts read it here.
	if (figures.relay) {
		const OBSDataAutoRelease relay = obs_data_create_from_json(relay_status_json(*figures.relay).c_str());
		obs_data_set_obj(response, "relay", relay);
	}
}

bool register_websocket_requests(OutputController &controller)
{
	const unsigned int version = obs_websocket_get_api_version();
	if (version == 0) {
		SSE_LOG(LOG_INFO, "obs-websocket is not loaded: no vendor requests");
		return false;
	}
	if (version < kApiVersion) {
		SSE_LOG(LOG_WARNING, "obs-websocket API version %u is too old (need %u): no vendor requests", version,
			kApiVersion);
		return false;
	}
	g_vendor = obs_websocket_register_vendor(kWebsocketVendor);
	if (!g_vendor) {
		SSE_LOG(LOG_WARNING, "obs-websocket refused vendor \"%s\"", kWebsocketVendor);
		return false;
	}

	const obs_websocket_request_callback_function functions[] = {handle<answer_start>, handle<answer_stop>,
								     handle<answer_status>};
	bool all = true;
	for (size_t i = 0; i < std::size(kRequests); i++) {
		const bool registered =
			obs_websocket_vendor_register_request(g_vendor, kRequests[i], functions[i], &controller);
		if (!registered)
			SSE_LOG(LOG_WARNING, "obs-websocket refused request \"%s\"", kRequests[i]);
		all = all && registered;
	}
	SSE_LOG(LOG_INFO, "obs-websocket vendor \"%s\" registered (API version %u): start, stop, status",
		kWebsocketVendor, version);
	return all;
}

void unregister_websocket_requests()
{
	if (!g_vendor)
		return;
	for (const char *request : kRequests)
		obs_websocket_vendor_unregister_request(g_vendor, request);
	g_vendor = nullptr;
}

} // namespace sse_audio::obs
