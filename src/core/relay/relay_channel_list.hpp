#pragma once

#include "serve/player_status.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sse_audio {

// The channel list of a stream in relay mode, for nginx to serve as /channels.json: the same document as the
// plugin's own, with each channel's listeners as nchan counts them. Every channel's relay reports its count here
// from its own thread; the first channel's relay publishes the document (docs/channels.md). Ids and names are fixed
// when the stream starts, so only the counts change, each in an atomic of its own.
class RelayChannelList {
public:
	struct Channel {
		std::string id;
		std::string name;
	};

	explicit RelayChannelList(std::vector<Channel> channels);

	// Ignored for an index the list does not have.
	void set_listeners(size_t index, uint64_t count);
	[[nodiscard]] std::string document() const;

private:
	std::vector<Channel> channels_;
	std::unique_ptr<std::atomic<uint64_t>[]> listeners_;
};

} // namespace sse_audio
