#pragma once

#include "settings/stream_settings.hpp"

#include <span>
#include <string>

namespace sse_audio {

// Each of StreamSettings' fields declared once: its key (OBS's settings data, the settings file, obs-websocket,
// scripts), the member it sets, the locale keys of its label and tips, the host's command-line flag and a number's
// range. The OBS data conversions and the output's properties (src/obs), the dock's fields (src/ui) and the host's
// command line (src/host) are made from this table, so adding a setting is: a member in StreamSettings, a row here,
// its check in validate_settings, and its texts in data/locale (docs/architecture.md).
struct SettingField {
	enum class Kind {
		Number, // an int member
		Text,   // a std::string member
		Secret, // a std::string member that is never shown (a key)
		Switch, // a bool member
	};
	const char *key = "";
	Kind kind = Kind::Number;
	int StreamSettings::*number = nullptr;
	std::string StreamSettings::*text = nullptr;
	bool StreamSettings::*on = nullptr;
	const char *label = "";       // locale keys (data/locale/*.ini): the field's name,
	const char *tooltip = "";     // what it does ("" when the name says it all),
	const char *placeholder = ""; // and what leaving it empty means ("" for none);
	const char *error = "";       // what to enter instead, when validate_settings refuses it
	const char *flag = "";        // obs-sse-audio-host's flag; a Switch's flag turns it off (--no-serve)
	const char *flag_value = "";  // what follows the flag in the host's usage
	int flag_offset = 0;          // added to a number from the flag: --mixer counts tracks from 1, like OBS
	int min = 0;                  // a number's range as OBS's settings views offer it (validate_settings decides)
	int max = 0;
};

// Every setting, in the order the dock, OBS's properties and the host's usage list them.
std::span<const SettingField> setting_fields();

} // namespace sse_audio
