#include "relay/relay_channel_list.hpp"

namespace sse_audio {

RelayChannelList::RelayChannelList(std::vector<Channel> channels)
	: channels_(std::move(channels)), listeners_(std::make_unique<std::atomic<uint64_t>[]>(channels_.size()))
{
}

void RelayChannelList::set_listeners(size_t index, uint64_t count)
{
	if (index < channels_.size())
		listeners_[index].store(count, std::memory_order_relaxed);
}

std::string RelayChannelList::document() const
{
	std::vector<ChannelListEntry> entries;
	entries.reserve(channels_.size());
	for (size_t i = 0; i < channels_.size(); i++)
		entries.push_back({channels_[i].id, channels_[i].name, listeners_[i].load(std::memory_order_relaxed)});
	return channel_list_document(entries);
}

} // namespace sse_audio
