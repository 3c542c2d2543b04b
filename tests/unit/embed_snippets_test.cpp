// The snippets the dock offers for embedding the player on a web page (docs/embedding.md).

#include "settings/embed_snippets.hpp"

#include <gtest/gtest.h>

namespace sse_audio {
namespace {

TEST(EmbedSnippets, ElementLoadsTheServersModuleAndPlaysTheListenerUrl)
{
	const EmbedSnippets s = embed_snippets("https://radio.example.org/");
	EXPECT_EQ(s.element, "<script type=\"module\" src=\"https://radio.example.org/embed.js\"></script>\n"
			     "<obs-sse-audio src=\"https://radio.example.org/\"></obs-sse-audio>");
	EXPECT_EQ(s.iframe,
		  "<iframe src=\"https://radio.example.org/embed.html\" title=\"Live audio\" allow=\"autoplay\" "
		  "style=\"width: 100%; max-width: 420px; height: 190px; border: 0\"></iframe>");
}

// The key belongs to the stream (the element's src, the frame's address), not to the script's address.
TEST(EmbedSnippets, TheKeyGoesWithTheStreamAndAmpersandsAreEscaped)
{
	const EmbedSnippets s = embed_snippets("http://192.168.1.20:8330/?key=abc-1.2_3~&channel=en");
	EXPECT_NE(s.element.find("src=\"http://192.168.1.20:8330/embed.js\""), std::string::npos) << s.element;
	EXPECT_NE(s.element.find("<obs-sse-audio src=\"http://192.168.1.20:8330/?key=abc-1.2_3~&amp;channel=en\">"),
		  std::string::npos)
		<< s.element;
	EXPECT_NE(s.iframe.find("src=\"http://192.168.1.20:8330/embed.html?key=abc-1.2_3~&amp;channel=en\""),
		  std::string::npos)
		<< s.iframe;
}

// A public address behind a reverse proxy may have a path: the player's files are under it.
TEST(EmbedSnippets, APathPrefixIsKept)
{
	const EmbedSnippets s = embed_snippets("https://example.org/radio/?key=k");
	EXPECT_NE(s.element.find("src=\"https://example.org/radio/embed.js\""), std::string::npos) << s.element;
	EXPECT_NE(s.iframe.find("src=\"https://example.org/radio/embed.html?key=k\""), std::string::npos) << s.iframe;
}

} // namespace
} // namespace sse_audio
