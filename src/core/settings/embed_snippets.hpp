#pragma once

#include <string>

namespace sse_audio {

// What a web site pastes to carry the player (docs/embedding.md), for a listener URL (listener_urls: a base address
// ending in `/`, perhaps with `?key=`): the <obs-sse-audio> element with its module script, and an <iframe> of
// embed.html for sites that cannot run modules. The URL's query (the key) goes to the element's `src` and to the
// frame; the script is the server's embed.js.
struct EmbedSnippets {
	std::string element;
	std::string iframe;
};

EmbedSnippets embed_snippets(const std::string &listener_url);

} // namespace sse_audio
