#include "output_settings.hpp"

#include <obs-module.h>

#include "mp3_encoder.hpp"

#include <string>

namespace sse_audio::obs {

void set_default_settings(obs_data_t *data)
{
	const StreamSettings defaults;
	obs_data_set_default_int(data, kKeyPort, defaults.port);
	obs_data_set_default_int(data, kKeyBitrate, defaults.bitrate_kbps);
	obs_data_set_default_int(data, kKeyTimeout, defaults.timeout_seconds);
	obs_data_set_default_string(data, kKeyBindAddress, defaults.bind_address.c_str());
	obs_data_set_default_int(data, kKeyMixer, defaults.mixer);
	obs_data_set_default_int(data, kKeyMaxListeners, defaults.max_listeners);
	obs_data_set_default_string(data, kKeyAccessKey, defaults.access_key.c_str());
	obs_data_set_default_string(data, kKeyTitle, defaults.title.c_str());
	obs_data_set_default_int(data, kKeyMaxListenersPerAddress, defaults.max_listeners_per_address);
	obs_data_set_default_string(data, kKeyRelayUrl, defaults.relay_url.c_str());
	obs_data_set_default_string(data, kKeyRelayKey, defaults.relay_key.c_str());
	obs_data_set_default_bool(data, kKeyServeListeners, defaults.serve_listeners);
	obs_data_set_default_string(data, kKeyAllowedOrigins, defaults.allowed_origins.c_str());
}

StreamSettings settings_from_data(obs_data_t *data)
{
	// Values are read as they are, even when out of range: validation reports them rather than hiding them.
	StreamSettings s;
	const auto read_int = [data](const char *key) {
		const long long value = obs_data_get_int(data, key);
		return value < INT32_MIN || value > INT32_MAX ? -1 : static_cast<int>(value);
	};
	s.port = read_int(kKeyPort);
	s.bitrate_kbps = read_int(kKeyBitrate);
	s.timeout_seconds = read_int(kKeyTimeout);
	s.bind_address = obs_data_get_string(data, kKeyBindAddress);
	s.mixer = read_int(kKeyMixer);
	s.max_listeners = read_int(kKeyMaxListeners);
	s.access_key = obs_data_get_string(data, kKeyAccessKey);
	s.title = obs_data_get_string(data, kKeyTitle);
	s.max_listeners_per_address = read_int(kKeyMaxListenersPerAddress);
	s.relay_url = obs_data_get_string(data, kKeyRelayUrl);
	s.relay_key = obs_data_get_string(data, kKeyRelayKey);
	s.serve_listeners = obs_data_get_bool(data, kKeyServeListeners);
	s.allowed_origins = obs_data_get_string(data, kKeyAllowedOrigins);
	return s;
}

void settings_to_data(const StreamSettings &s, obs_data_t *data)
{
	obs_data_set_int(data, kKeyPort, s.port);
	obs_data_set_int(data, kKeyBitrate, s.bitrate_kbps);
	obs_data_set_int(data, kKeyTimeout, s.timeout_seconds);
	obs_data_set_string(data, kKeyBindAddress, s.bind_address.c_str());
	obs_data_set_int(data, kKeyMixer, s.mixer);
	obs_data_set_int(data, kKeyMaxListeners, s.max_listeners);
	obs_data_set_string(data, kKeyAccessKey, s.access_key.c_str());
	obs_data_set_string(data, kKeyTitle, s.title.c_str());
	obs_data_set_int(data, kKeyMaxListenersPerAddress, s.max_listeners_per_address);
	obs_data_set_string(data, kKeyRelayUrl, s.relay_url.c_str());
	obs_data_set_string(data, kKeyRelayKey, s.relay_key.c_str());
	obs_data_set_bool(data, kKeyServeListeners, s.serve_listeners);
	obs_data_set_string(data, kKeyAllowedOrigins, s.allowed_origins.c_str());
}

obs_properties_t *make_output_properties()
{
	obs_properties_t *props = obs_properties_create();
	obs_properties_add_int(props, kKeyPort, obs_module_text("Settings.Port"), 1, 65535, 1);

	obs_property_t *bitrate = obs_properties_add_list(props, kKeyBitrate, obs_module_text("Settings.Bitrate"),
							  OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_INT);
	for (const int kbps : kMp3Bitrates)
		obs_property_list_add_int(bitrate, (std::to_string(kbps) + " kbps").c_str(), kbps);

	obs_property_t *timeout = obs_properties_add_int(props, kKeyTimeout, obs_module_text("Settings.Timeout"),
							 StreamSettings::kMinTimeout, StreamSettings::kMaxTimeout, 1);
	obs_property_int_set_suffix(timeout, " s");
	obs_property_set_long_description(timeout, obs_module_text("Settings.Timeout.Tooltip"));

	obs_property_t *mixer = obs_properties_add_list(props, kKeyMixer, obs_module_text("Settings.Mixer"),
							OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_INT);
	for (int track = 0; track < StreamSettings::kMixerTracks; track++) {
		const std::string name =
			std::string(obs_module_text("Settings.Track")) + " " + std::to_string(track + 1);
		obs_property_list_add_int(mixer, name.c_str(), track);
	}

	obs_properties_add_text(props, kKeyBindAddress, obs_module_text("Settings.BindAddress"), OBS_TEXT_DEFAULT);
	obs_properties_add_int(props, kKeyMaxListeners, obs_module_text("Settings.MaxListeners"), 1,
			       StreamSettings::kMaxMaxListeners, 1);
	obs_properties_add_text(props, kKeyAccessKey, obs_module_text("Settings.AccessKey"), OBS_TEXT_PASSWORD);
	obs_properties_add_text(props, kKeyTitle, obs_module_text("Settings.Title"), OBS_TEXT_DEFAULT);
	obs_properties_add_int(props, kKeyMaxListenersPerAddress, obs_module_text("Settings.MaxListenersPerAddress"), 0,
			       StreamSettings::kMaxListenersPerAddressLimit, 1);
	obs_properties_add_text(props, kKeyRelayUrl, obs_module_text("Settings.RelayUrl"), OBS_TEXT_DEFAULT);
	obs_properties_add_text(props, kKeyRelayKey, obs_module_text("Settings.RelayKey"), OBS_TEXT_PASSWORD);
	obs_properties_add_bool(props, kKeyServeListeners, obs_module_text("Settings.ServeListeners"));
	obs_properties_add_text(props, kKeyAllowedOrigins, obs_module_text("Settings.AllowedOrigins"),
				OBS_TEXT_DEFAULT);
	return props;
}

} // namespace sse_audio::obs
