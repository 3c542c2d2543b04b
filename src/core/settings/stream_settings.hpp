#pragma once

#include "base/result.hpp"

#include <cstdint>
#include <cstddef>
#include <string>
#include <vector>

namespace sse_audio {

// One channel a listener can pick (live interpretation: the floor on one track, a language on each other): an OBS
// track encoded and served on its own (docs/channels.md).
struct ChannelSetting {
	static constexpr size_t kMaxIdBytes = 16;
	static constexpr size_t kMaxNameBytes = 64;

	std::string id;   // letters, digits, '-' and '_': in URLs (?channel=ID) and relay paths
	std::string name; // shown to listeners (UTF-8)
	int mixer = 0;    // 0-based OBS track

	bool operator==(const ChannelSetting &) const = default;
};

// Everything a streamer can set. Defaults are the contract's (docs/architecture.md).
struct StreamSettings {
	static constexpr int kDefaultPort = 8330;
	static constexpr int kDefaultBitrate = 128;
	static constexpr int kDefaultTimeout = 15;
	static constexpr int kDefaultMaxListeners = 100;
	static constexpr int kDefaultMaxListenersPerAddress = 16;

	static constexpr int kMinTimeout = 2;
	static constexpr int kMaxTimeout = 300;
	static constexpr int kMaxMaxListeners = 1000;
	static constexpr int kMaxListenersPerAddressLimit = 1000;
	static constexpr int kMixerTracks = 6;
	static constexpr size_t kMaxTitleBytes = 200;
	static constexpr size_t kMaxPublicUrlBytes = 512;
	static constexpr size_t kMaxChannels = 6; // OBS's tracks

	int port = kDefaultPort;
	int bitrate_kbps = kDefaultBitrate;
	// Seconds a listener's connection may accept no data before the listener is dropped.
	int timeout_seconds = kDefaultTimeout;
	std::string bind_address = "0.0.0.0";
	int mixer = 0; // 0-based OBS mixer track
	int max_listeners = kDefaultMaxListeners;
	std::string access_key; // empty = open to anyone who has the URL
	std::string title;      // the stream's name shown by the player (UTF-8); empty = the host's default
	// Streams one network address may hold at once (0 = no limit), so one machine cannot take every slot.
	int max_listeners_per_address = kDefaultMaxListenersPerAddress;

	// Relay mode (deploy/nginx, docs/scale-out.md): every event is also published to this nchan publisher
	// location (http:// only); empty = off.
	std::string relay_url;
	std::string relay_key;       // sent to the relay as `Authorization: Bearer <key>`; empty = none
	bool serve_listeners = true; // false: listeners are served by the relay only; the plugin opens no port

	// Pages of other origins that may read the streams and the status (OriginPolicy): empty = the server's own
	// origin only; a list of origins; `*` = any page and any Host name.
	std::string allowed_origins;

	// The address listeners use when the stream reaches them through a reverse proxy or a port forward
	// (https://radio.example.org/): handed out first, before this computer's own addresses; empty = none.
	std::string public_url;

	// Several tracks at once, each a channel (at most kMaxChannels); empty = one channel from `mixer`, as before
	// channels existed. Not in setting_fields(): a list, converted by its own code where settings travel.
	std::vector<ChannelSetting> channels;
	// What was wrong with `channels` where it was read (a value that is not a list, an entry's field of the wrong
	// type or missing), which no ChannelSetting can hold; empty when it read well. Validation refuses settings
	// with it, so a hand-edited file never falls back to one channel in silence.
	std::string channels_malformed;

	bool operator==(const StreamSettings &) const = default;
};

// The id of the one channel of settings without a channel list.
inline constexpr const char *kDefaultChannelId = "main";

// The channels a stream serves, first = the default one (no `?channel=`): `channels`, or one channel from `mixer`
// (id kDefaultChannelId, no name) when the list is empty.
std::vector<ChannelSetting> served_channels(const StreamSettings &settings);

// One refused field and why; `field` is the settings key (`port`, `bitrate`, ...).
struct SettingsProblem {
	std::string field;
	std::string message;
};

// Every problem with the settings, in field order; empty when they can be used as they are.
std::vector<SettingsProblem> validate_settings(const StreamSettings &settings);

// All problems joined into one message for a log line or an error dialog; ok when there are none.
Status check_settings(const StreamSettings &settings);

// A channel id: 1 to ChannelSetting::kMaxIdBytes letters, digits, '-' or '_'.
bool is_channel_id(const std::string &id);

// True for a numeric IPv4 or IPv6 address (no host names: the server binds, it does not resolve).
bool is_ip_address(const std::string &text);

} // namespace sse_audio
