#include "settings/embed_snippets.hpp"

namespace sse_audio {

namespace {

// The text of a double-quoted HTML attribute.
std::string attribute(const std::string &text)
{
	std::string out;
	for (const char c : text) {
		if (c == '&')
			out += "&amp;";
		else if (c == '"')
			out += "&quot;";
		else if (c == '<')
			out += "&lt;";
		else
			out += c;
	}
	return out;
}

} // namespace

EmbedSnippets embed_snippets(const std::string &listener_url)
{
	const size_t query_at = listener_url.find('?');
	const std::string base = listener_url.substr(0, query_at);
	const std::string query = query_at == std::string::npos ? std::string() : listener_url.substr(query_at);
	EmbedSnippets snippets;
	snippets.element = "<script type=\"module\" src=\"" + attribute(base + "embed.js") + "\"></script>\n" +
			   "<obs-sse-audio src=\"" + attribute(listener_url) + "\"></obs-sse-audio>";
	snippets.iframe = "<iframe src=\"" + attribute(base + "embed.html" + query) +
			  "\" title=\"Live audio\" allow=\"autoplay\" "
			  "style=\"width: 100%; max-width: 420px; height: 190px; border: 0\"></iframe>";
	return snippets;
}

} // namespace sse_audio
