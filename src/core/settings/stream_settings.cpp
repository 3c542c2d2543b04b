#include "settings/stream_settings.hpp"

#include "serve/origin_policy.hpp"

#include "audio/mp3_encoder.hpp"
#include "relay/relay_url.hpp"

#include <algorithm>

#ifdef _WIN32
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#endif

namespace sse_audio {

namespace {

constexpr size_t kMaxKeyLength = 128;

bool is_key_character(char c)
{
	// Unreserved URL characters (RFC 3986): the key travels in `?key=` without any escaping.
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == '.' || c == '~';
}

// Well-formed UTF-8 without control characters: the title travels in JSON and is shown as text.
bool is_display_text(const std::string &text)
{
	size_t i = 0;
	while (i < text.size()) {
		const auto c = static_cast<unsigned char>(text[i]);
		if (c < 0x20 || c == 0x7F)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t extra = 0;
		uint32_t code = 0;
		if (c >= 0xC2 && c <= 0xDF) {
			extra = 1;
			code = c & 0x1Fu;
		} else if (c >= 0xE0 && c <= 0xEF) {
			extra = 2;
			code = c & 0x0Fu;
		} else if (c >= 0xF0 && c <= 0xF4) {
			extra = 3;
			code = c & 0x07u;
		} else {
			return false;
		}
		if (i + extra >= text.size())
			return false; // truncated sequence
		for (size_t k = 1; k <= extra; k++) {
			const auto next = static_cast<unsigned char>(text[i + k]);
			if ((next & 0xC0u) != 0x80u)
				return false;
			code = (code << 6) | (next & 0x3Fu);
		}
		// No overlong forms, no surrogates, nothing past U+10FFFF, no C1 controls.
		if ((extra == 2 && code < 0x800) || (extra == 3 && (code < 0x10000 || code > 0x10FFFF)) ||
		    (code >= 0xD800 && code <= 0xDFFF) || (code >= 0x80 && code <= 0x9F))
			return false;
		i += extra + 1;
	}
	return true;
}

// An address to hand listeners: http(s)://host[:port][/path], printable ASCII without spaces, quotes or angle
// brackets (it is shown, put in a QR code and has `?key=` appended, so it may hold no query or fragment).
bool is_public_url(const std::string &url)
{
	if (url.size() > StreamSettings::kMaxPublicUrlBytes)
		return false;
	size_t host = 0;
	if (url.rfind("https://", 0) == 0)
		host = 8;
	else if (url.rfind("http://", 0) == 0)
		host = 7;
	else
		return false;
	if (host >= url.size() || url[host] == '/' || url[host] == ':')
		return false;
	return std::all_of(url.begin(), url.end(), [](char c) {
		return c > 0x20 && c < 0x7F && c != '?' && c != '#' && c != '"' && c != '<' && c != '>' && c != '\\';
	});
}

} // namespace

bool is_ip_address(const std::string &text)
{
	unsigned char buffer[16];
	return inet_pton(AF_INET, text.c_str(), buffer) == 1 || inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

bool is_channel_id(const std::string &id)
{
	return !id.empty() && id.size() <= ChannelSetting::kMaxIdBytes && std::all_of(id.begin(), id.end(), [](char c) {
		return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		       c == '_';
	});
}

namespace {

// Why the channel list cannot be used, one problem per reason (field "channels"); empty when it can.
std::vector<SettingsProblem> channel_problems(const std::vector<ChannelSetting> &channels, const std::string &malformed)
{
	std::vector<SettingsProblem> problems;
	const auto refuse = [&](std::string message) {
		problems.push_back({"channels", std::move(message)});
	};
	if (!malformed.empty())
		refuse(malformed);
	if (channels.size() > StreamSettings::kMaxChannels)
		refuse("At most " + std::to_string(StreamSettings::kMaxChannels) +
		       " channels, one per OBS track (got " + std::to_string(channels.size()) + ")");
	for (size_t i = 0; i < channels.size(); i++) {
		const ChannelSetting &c = channels[i];
		const std::string which = "Channel " + std::to_string(i + 1);
		if (!is_channel_id(c.id))
			refuse(which + ": its id must be 1 to " + std::to_string(ChannelSetting::kMaxIdBytes) +
			       " letters, digits, '-' or '_' (got \"" + c.id.substr(0, 40) + "\")");
		// In relay mode a channel's status document goes to <relay_url>/<id>-status: no id may be that name.
		if (is_channel_id(c.id) && c.id.size() >= 7 && c.id.compare(c.id.size() - 7, 7, "-status") == 0)
			refuse(which +
			       ": an id may not end in \"-status\" (the relay's status documents use those names)");
		for (size_t k = 0; k < i; k++)
			if (channels[k].id == c.id && is_channel_id(c.id))
				refuse(which + ": the id \"" + c.id + "\" is already channel " + std::to_string(k + 1) +
				       "'s");
		if (c.name.empty() || c.name.size() > ChannelSetting::kMaxNameBytes || !is_display_text(c.name))
			refuse(which + ": its name must be 1 to " + std::to_string(ChannelSetting::kMaxNameBytes) +
			       " bytes of UTF-8 text without control characters");
		if (c.mixer < 0 || c.mixer >= StreamSettings::kMixerTracks)
			refuse(which + ": its track must be between 1 and " +
			       std::to_string(StreamSettings::kMixerTracks) + " (got " + std::to_string(c.mixer + 1) +
			       ")");
	}
	return problems;
}

} // namespace

std::vector<ChannelSetting> served_channels(const StreamSettings &settings)
{
	if (!settings.channels.empty())
		return settings.channels;
	return {{kDefaultChannelId, "", settings.mixer}};
}

std::vector<SettingsProblem> validate_settings(const StreamSettings &s)
{
	std::vector<SettingsProblem> problems;
	if (s.port < 1 || s.port > 65535)
		problems.push_back({"port", "Port must be between 1 and 65535 (got " + std::to_string(s.port) + ")"});
	if (!is_mp3_bitrate(s.bitrate_kbps))
		problems.push_back(
			{"bitrate", "Bitrate must be one of LAME's MP3 bitrates: 32, 40, 48, 56, 64, 80, 96, "
				    "112, 128, 160, 192, 224, 256 or 320 kbps (got " +
					    std::to_string(s.bitrate_kbps) + ")"});
	if (s.timeout_seconds < StreamSettings::kMinTimeout || s.timeout_seconds > StreamSettings::kMaxTimeout)
		problems.push_back({"timeout", "Timeout must be between " +
						       std::to_string(StreamSettings::kMinTimeout) + " and " +
						       std::to_string(StreamSettings::kMaxTimeout) + " seconds (got " +
						       std::to_string(s.timeout_seconds) + ")"});
	if (!is_ip_address(s.bind_address))
		problems.push_back({"bind_address", "Bind address must be a numeric IPv4 or IPv6 address such as "
						    "0.0.0.0 or 127.0.0.1 (got \"" +
							    s.bind_address + "\")"});
	if (s.mixer < 0 || s.mixer >= StreamSettings::kMixerTracks)
		problems.push_back({"mixer", "Mixer track must be between 1 and " +
						     std::to_string(StreamSettings::kMixerTracks) + " (got " +
						     std::to_string(s.mixer + 1) + ")"});
	if (s.max_listeners < 1 || s.max_listeners > StreamSettings::kMaxMaxListeners)
		problems.push_back({"max_listeners", "Maximum listeners must be between 1 and " +
							     std::to_string(StreamSettings::kMaxMaxListeners) +
							     " (got " + std::to_string(s.max_listeners) + ")"});
	if (s.access_key.size() > kMaxKeyLength ||
	    !std::all_of(s.access_key.begin(), s.access_key.end(), is_key_character))
		problems.push_back({"access_key", "Access key may hold at most 128 characters, each a letter, a digit, "
						  "'-', '_', '.' or '~'"});
	if (s.title.size() > StreamSettings::kMaxTitleBytes || !is_display_text(s.title))
		problems.push_back({"title", "Title may hold at most " +
						     std::to_string(StreamSettings::kMaxTitleBytes) +
						     " bytes of UTF-8 text without control characters"});
	if (s.max_listeners_per_address < 0 ||
	    s.max_listeners_per_address > StreamSettings::kMaxListenersPerAddressLimit)
		problems.push_back({"max_listeners_per_address",
				    "Maximum listeners per address must be between 0 (no limit) and " +
					    std::to_string(StreamSettings::kMaxListenersPerAddressLimit) + " (got " +
					    std::to_string(s.max_listeners_per_address) + ")"});
	if (!s.relay_url.empty()) {
		if (const auto url = parse_relay_url(s.relay_url); !url)
			problems.push_back({"relay_url", url.error()});
	}
	if (s.relay_key.size() > kMaxKeyLength ||
	    !std::all_of(s.relay_key.begin(), s.relay_key.end(), is_key_character))
		problems.push_back({"relay_key", "Relay key may hold at most 128 characters, each a letter, a digit, "
						 "'-', '_', '.' or '~'"});
	if (!s.serve_listeners && s.relay_url.empty())
		problems.push_back({"serve_listeners",
				    "Listeners must be served by the plugin, the relay or both: set a "
				    "relay URL or serve listeners"});
	if (auto origins = OriginPolicy::parse(s.allowed_origins); !origins)
		problems.push_back({"allowed_origins", origins.error()});
	if (!s.public_url.empty() && !is_public_url(s.public_url))
		problems.push_back({"public_url", "Public address must be an http:// or https:// address of at most " +
							  std::to_string(StreamSettings::kMaxPublicUrlBytes) +
							  " characters without spaces, a query or a fragment, such as "
							  "https://radio.example.org/ (got \"" +
							  s.public_url + "\")"});
	for (auto &problem : channel_problems(s.channels, s.channels_malformed))
		problems.push_back(std::move(problem));
	return problems;
}

Status check_settings(const StreamSettings &settings)
{
	const auto problems = validate_settings(settings);
	if (problems.empty())
		return {};
	std::string message;
	for (const auto &problem : problems) {
		if (!message.empty())
			message += "; ";
		message += problem.message;
	}
	return Error{message};
}

} // namespace sse_audio
