#include "output_settings.hpp"

#include <obs-module.h>
#include <obs.hpp>

#include "audio/mp3_encoder.hpp"
#include "settings/setting_fields.hpp"

#include <string>
#include <vector>

namespace sse_audio::obs {

namespace {

constexpr const char *kChannelsKey = "channels";

// An int setting read as it is; out of int's range becomes -1, which validation refuses.
int int_of(obs_data_t *data, const char *key)
{
	const long long value = obs_data_get_int(data, key);
	return value < INT32_MIN || value > INT32_MAX ? -1 : static_cast<int>(value);
}

// Whether `key` of `item` holds a value of `type` (a number for OBS_DATA_NUMBER: libobs keeps JSON's integers
// and reals apart, and a track is an integer).
bool holds(obs_data_t *item, const char *key, obs_data_type type)
{
	obs_data_item_t *value = obs_data_item_byname(item, key);
	if (!value)
		return false;
	const bool same = obs_data_item_gettype(value) == type &&
			  (type != OBS_DATA_NUMBER || obs_data_item_numtype(value) == OBS_DATA_NUM_INT);
	obs_data_item_release(&value);
	return same;
}

// `channels`: [{ "id": "en", "name": "English", "mixer": 1 }, ...] (docs/channels.md). What cannot be read as such
// goes into `malformed` (validation refuses it) rather than becoming a default: a track read from a string would
// be track 1. (libobs itself drops entries that are not objects when it parses JSON: those cannot be seen here.)
std::vector<ChannelSetting> channels_from_data(obs_data_t *data, std::string &malformed)
{
	std::vector<ChannelSetting> channels;
	obs_data_item_t *value = obs_data_item_byname(data, kChannelsKey);
	const bool present = value != nullptr;
	const bool listed = present && obs_data_item_gettype(value) == OBS_DATA_ARRAY;
	obs_data_item_release(&value);
	if (present && !listed) {
		malformed = "channels must be a list of {\"id\", \"name\", \"mixer\"}";
		return channels;
	}
	const OBSDataArrayAutoRelease list = obs_data_get_array(data, kChannelsKey);
	const size_t count = list ? obs_data_array_count(list) : 0;
	for (size_t i = 0; i < count; i++) {
		const OBSDataAutoRelease item = obs_data_array_item(list, i);
		if (malformed.empty() &&
		    (!holds(item, "id", OBS_DATA_STRING) || !holds(item, "name", OBS_DATA_STRING) ||
		     !holds(item, "mixer", OBS_DATA_NUMBER)))
			malformed = "Channel " + std::to_string(i + 1) +
				    ": id and name must be text and mixer a whole number (the OBS track from 0)";
		channels.push_back(
			{obs_data_get_string(item, "id"), obs_data_get_string(item, "name"), int_of(item, "mixer")});
	}
	return channels;
}

void channels_to_data(const std::vector<ChannelSetting> &channels, obs_data_t *data)
{
	const OBSDataArrayAutoRelease list = obs_data_array_create();
	for (const ChannelSetting &c : channels) {
		const OBSDataAutoRelease item = obs_data_create();
		obs_data_set_string(item, "id", c.id.c_str());
		obs_data_set_string(item, "name", c.name.c_str());
		obs_data_set_int(item, "mixer", c.mixer);
		obs_data_array_push_back(list, item);
	}
	obs_data_set_array(data, kChannelsKey, list);
}

} // namespace

void set_default_settings(obs_data_t *data)
{
	const StreamSettings defaults;
	for (const SettingField &f : setting_fields()) {
		if (f.number)
			obs_data_set_default_int(data, f.key, defaults.*f.number);
		else if (f.text)
			obs_data_set_default_string(data, f.key, (defaults.*f.text).c_str());
		else
			obs_data_set_default_bool(data, f.key, defaults.*f.on);
	}
}

StreamSettings settings_from_data(obs_data_t *data)
{
	// Values are read as they are, even when out of range: validation reports them rather than hiding them.
	StreamSettings s;
	for (const SettingField &f : setting_fields()) {
		if (f.number) {
			s.*f.number = int_of(data, f.key);
		} else if (f.text) {
			s.*f.text = obs_data_get_string(data, f.key);
		} else {
			s.*f.on = obs_data_get_bool(data, f.key);
		}
	}
	s.channels = channels_from_data(data, s.channels_malformed);
	return s;
}

void settings_to_data(const StreamSettings &s, obs_data_t *data)
{
	for (const SettingField &f : setting_fields()) {
		if (f.number)
			obs_data_set_int(data, f.key, s.*f.number);
		else if (f.text)
			obs_data_set_string(data, f.key, (s.*f.text).c_str());
		else
			obs_data_set_bool(data, f.key, s.*f.on);
	}
	channels_to_data(s.channels, data);
}

obs_properties_t *make_output_properties()
{
	obs_properties_t *props = obs_properties_create();
	for (const SettingField &f : setting_fields()) {
		const char *label = obs_module_text(f.label);
		if (f.number == &StreamSettings::bitrate_kbps) {
			obs_property_t *bitrate =
				obs_properties_add_list(props, f.key, label, OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_INT);
			for (const int kbps : kMp3Bitrates)
				obs_property_list_add_int(bitrate, (std::to_string(kbps) + " kbps").c_str(), kbps);
		} else if (f.number == &StreamSettings::mixer) {
			obs_property_t *mixer =
				obs_properties_add_list(props, f.key, label, OBS_COMBO_TYPE_LIST, OBS_COMBO_FORMAT_INT);
			for (int track = f.min; track <= f.max; track++) {
				const std::string name = std::string(obs_module_text("Settings.Track")) + " " +
							 std::to_string(track + 1);
				obs_property_list_add_int(mixer, name.c_str(), track);
			}
		} else if (f.number) {
			obs_property_t *number = obs_properties_add_int(props, f.key, label, f.min, f.max, 1);
			if (f.number == &StreamSettings::timeout_seconds) {
				obs_property_int_set_suffix(number, " s");
				obs_property_set_long_description(number, obs_module_text("Settings.Timeout.Tooltip"));
			}
		} else if (f.text) {
			obs_properties_add_text(props, f.key, label,
						f.kind == SettingField::Kind::Secret ? OBS_TEXT_PASSWORD
										     : OBS_TEXT_DEFAULT);
		} else {
			obs_properties_add_bool(props, f.key, label);
		}
	}
	return props;
}

} // namespace sse_audio::obs
