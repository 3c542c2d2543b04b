#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sse_audio {

// What the player page reads from /status.json (docs/protocol.md), in one place for the two documents that carry
// it: the plugin's own /status.json (StreamServer, which adds its figures) and, in relay mode, the copy the relay
// publishes for nginx to serve (RelayPublisher).
struct PlayerStatus {
	std::string version;
	std::string title;
	bool running = false;
	int64_t server_time_ms = 0;
	int sample_rate = 0;
	int bitrate_kbps = 0;
	uint64_t listeners_now = 0;
};

// {version, title, running, server_time_ms, sample_rate, bitrate_kbps, channels, listeners: {now}}
nlohmann::json player_status_json(const PlayerStatus &status);

// One entry of /channels.json.
struct ChannelListEntry {
	std::string id;
	std::string name;
	uint64_t listeners = 0;
};

// {channels: [{id, name, listeners}]}: the plugin's own /channels.json and, in relay mode, the copy the first
// channel's relay publishes for nginx to serve (docs/channels.md).
std::string channel_list_document(const std::vector<ChannelListEntry> &channels);

// A document as the server sends it: compact, and a string with bad UTF-8 replaced rather than thrown on
// (settings validation refuses it for the title; nothing else a user types reaches a document).
std::string dump_document(const nlohmann::json &doc);

} // namespace sse_audio
