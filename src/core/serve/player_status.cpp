#include "serve/player_status.hpp"

#include <nlohmann/json.hpp>

namespace sse_audio {

nlohmann::json player_status_json(const PlayerStatus &status)
{
	return {
		{"version", status.version},
		{"title", status.title},
		{"running", status.running},
		{"server_time_ms", status.server_time_ms},
		{"sample_rate", status.sample_rate},
		{"bitrate_kbps", status.bitrate_kbps},
		{"channels", 2}, // OBS's mix is encoded as stereo
		{"listeners", {{"now", status.listeners_now}}},
	};
}

std::string channel_list_document(const std::vector<ChannelListEntry> &channels)
{
	nlohmann::json list = nlohmann::json::array();
	for (const ChannelListEntry &channel : channels)
		list.push_back({{"id", channel.id}, {"name", channel.name}, {"listeners", channel.listeners}});
	return dump_document({{"channels", std::move(list)}});
}

std::string dump_document(const nlohmann::json &doc)
{
	return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace sse_audio
