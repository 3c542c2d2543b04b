// Only the player's own files are served: every way of naming something else (dot segments, percent-encoded and
// double-encoded traversal, absolute paths, backslashes, NUL bytes, symlinks out of the web root) gets 404 or 400
// and never the other file's bytes. Checked on the table itself (WebAssets) and over HTTP with raw requests.

#include "http_test_support.hpp"
#include "raw_connection.hpp"
#include "serve/stream_server.hpp"
#include "serve/web_assets.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sse_audio {
namespace {

using namespace std::chrono_literals;
using namespace test;
namespace fs = std::filesystem;

// Request targets that name (or try to name) something other than the player's files. TempWebRoot puts
// secret.txt beside the web root, and inside it the links up -> .., secret.txt -> ../secret.txt and
// passwd -> /etc/passwd; the test adds sub/inner.js and a symlinked folder.
const std::vector<std::string> kHostileTargets = {
	// dot segments
	"/..",
	"/../",
	"/../secret.txt",
	"/../../../../etc/passwd",
	"/./../secret.txt",
	"/up/../secret.txt",
	"/index.html/../../secret.txt",
	"/.",
	"/./",
	"/...",
	"/.../secret.txt",
	// percent-encoded traversal, upper and lower case, and encoded separators
	"/%2e%2e/secret.txt",
	"/%2E%2E/secret.txt",
	"/.%2e/secret.txt",
	"/%2e./secret.txt",
	"/..%2fsecret.txt",
	"/..%2Fsecret.txt",
	"/%2e%2e%2fsecret.txt",
	"/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
	"/%2fetc%2fpasswd",
	"/%2Fetc/passwd",
	// double encoding (%25 is '%'): a server that decodes twice would see ../
	"/%252e%252e/secret.txt",
	"/%252e%252e%252fsecret.txt",
	"/..%252fsecret.txt",
	"/%25%32%65%25%32%65/secret.txt",
	// overlong UTF-8 for '.' and '/' (a classic decoder bug)
	"/%c0%ae%c0%ae/secret.txt",
	"/..%c0%afsecret.txt",
	"/%e0%80%ae%e0%80%ae/secret.txt",
	// absolute paths
	"//etc/passwd",
	"///etc/passwd",
	"/etc/passwd",
	"/tmp",
	"/proc/self/environ",
	"/proc/self/cmdline",
	// backslashes, raw and encoded
	"/..\\secret.txt",
	"/..\\..\\etc\\passwd",
	"/%5c..%5csecret.txt",
	"/..%5csecret.txt",
	"/\\etc\\passwd",
	"/C:\\Windows\\win.ini",
	"/c:/windows/win.ini",
	// NUL bytes (encoded: a raw NUL is sent separately below) and other control characters
	"/index.html%00",
	"/index.html%00.js",
	"/secret.txt%00.html",
	"/%00../secret.txt",
	"/index.html%0a",
	"/index.html%0d%0aX-Injected:%201",
	// symlinks inside the web root that point out of it, and a folder inside it
	"/secret.txt",
	"/passwd",
	"/up",
	"/up/",
	"/up/secret.txt",
	"/up/web/index.html",
	"/link-out/secret.txt",
	"/link-out",
	"/sub",
	"/sub/inner.js",
	"/sub/../secret.txt",
	// the web root's own name, and names that differ from a served file only in case or trailing bytes
	"/web/index.html",
	"/INDEX.HTML",
	"/index.html.",
	"/index.html/",
	"/player.js/",
	"/player.js%20",
	"/player.js;.html",
	"/player.js::$DATA",
	// not a path at all
	"/%",
	"/%%",
	"/%zz",
	"/%2",
	"/" + std::string(2000, 'a'),
};

class StaticFilesTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		// A folder inside the web root (its files are not the player's top-level files) and a symlinked folder
		// pointing out of it.
		fs::create_directories(fs::path(web_.web()) / "sub");
		std::ofstream(fs::path(web_.web()) / "sub" / "inner.js") << kInner;
		std::error_code ec; // see TempWebRoot: Windows may refuse symlinks
		fs::create_directory_symlink(web_.base(), fs::path(web_.web()) / "link-out", ec);
	}

	static constexpr const char *kInner = "console.log('inside a sub folder');\n";
	TempWebRoot web_;
};

bool leaks(const std::string &body)
{
	return body.find("TOP SECRET") != std::string::npos || body.find("root:") != std::string::npos ||
	       body.find("inside a sub folder") != std::string::npos;
}

TEST_F(StaticFilesTest, TheTableHoldsOnlyTheRegularFilesAtTheTopOfTheWebRoot)
{
	auto assets = WebAssets::load(web_.web());
	ASSERT_TRUE(assets) << assets.error();
	EXPECT_EQ(assets->size(), 2u) << "index.html and player.js; no symlink, no folder";
	ASSERT_NE(assets->find("/"), nullptr);
	EXPECT_EQ(assets->find("/")->body, TempWebRoot::kIndex);
	ASSERT_NE(assets->find("/player.js"), nullptr);
	EXPECT_EQ(assets->find("/player.js")->body, TempWebRoot::kPlayer);
	for (const std::string &target : kHostileTargets)
		EXPECT_EQ(assets->find(target), nullptr) << target;
	// The table is looked up with a decoded path: decoded forms must miss too, NUL included.
	for (const std::string &decoded :
	     {std::string("/../secret.txt"), std::string("/index.html\0.js", 15), std::string("/index.html\0", 12),
	      std::string("/\\..\\secret.txt"), std::string("index.html"), std::string(""), std::string("//"),
	      std::string("/sub/inner.js"), std::string("/secret.txt")})
		EXPECT_EQ(assets->find(decoded), nullptr) << decoded;
}

TEST_F(StaticFilesTest, AWebRootThatIsItselfASymlinkStillServesOnlyItsOwnFiles)
{
	// Installers put data folders behind symlinks; the root may be one, its entries may not.
	const fs::path linked = fs::path(web_.base()) / "web-link";
	std::error_code ec;
	fs::create_directory_symlink(web_.web(), linked, ec);
	if (ec)
		GTEST_SKIP() << "this system makes no symlinks here: " << ec.message();
	auto assets = WebAssets::load(linked.string());
	ASSERT_TRUE(assets) << assets.error();
	EXPECT_EQ(assets->size(), 2u);
	EXPECT_EQ(assets->find("/secret.txt"), nullptr);
}

TEST_F(StaticFilesTest, NoRequestReachesAFileOutsideThePlayersFiles)
{
	ServerConfig config;
	config.bind_address = "127.0.0.1";
	config.web_root = web_.web();
	auto started = test::start_on_free_port(config, std::make_shared<StreamHub>(HubConfig{}));
	ASSERT_TRUE(started) << started.error();
	const std::unique_ptr<StreamServer> server = std::move(*started);

	size_t answered_404 = 0;
	size_t answered_400 = 0;
	for (const std::string &target : kHostileTargets) {
		const auto reply = exchange(config.port,
					    "GET " + target +
						    " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
						    "Connection: close\r\n\r\n",
					    3s);
		ASSERT_TRUE(reply.connected) << target;
		// 414: a target longer than the server takes is refused before it is looked at.
		EXPECT_TRUE(reply.status == 404 || reply.status == 400 || reply.status == 414 ||
			    (reply.status == -1 && reply.closed))
			<< target << " answered " << reply.received.substr(0, 200);
		EXPECT_FALSE(leaks(reply.received)) << target;
		answered_404 += reply.status == 404;
		answered_400 += reply.status == 400;
	}
	// A raw NUL byte and raw control bytes in the request line.
	for (const std::string &target : {std::string("/index.html\0.js", 15), std::string("/..\0/secret.txt", 15),
					  std::string("/\x01../secret.txt"), std::string("/\x7f")}) {
		const auto reply = exchange(config.port,
					    "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3s);
		EXPECT_TRUE(reply.status == 404 || reply.status == 400 || (reply.status == -1 && reply.closed))
			<< "raw control byte: " << reply.received.substr(0, 200);
		EXPECT_FALSE(leaks(reply.received));
	}
	// Absolute-form targets name this server's own paths (RFC 9112 3.2.2): still nothing outside.
	for (const std::string target : {"http://127.0.0.1/../secret.txt", "http://127.0.0.1/%2e%2e/secret.txt",
					 "file:///etc/passwd", "http://127.0.0.1//etc/passwd"}) {
		const auto reply = exchange(config.port,
					    "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3s);
		EXPECT_TRUE((reply.status >= 400 && reply.status < 500) || (reply.status == -1 && reply.closed))
			<< target << " answered " << reply.received.substr(0, 200);
		EXPECT_FALSE(leaks(reply.received)) << target;
	}
	std::cout << "[ figures  ] " << kHostileTargets.size() << " hostile paths: " << answered_404 << " x 404, "
		  << answered_400 << " x 400\n";

	// The server itself is fine afterwards, and serves its own files.
	EXPECT_EQ(raw_get_status(config.port, "/player.js"), 200);
	EXPECT_EQ(raw_get_body(config.port, "/"), TempWebRoot::kIndex);
}

// A Range header of many ranges made cpp-httplib build one copy of the file per range in memory (a 6 KB header:
// 2,000 copies, 32 MB per request for a 16 KB file). Several ranges are refused with 416; one range is still
// answered, and never with more than the file.
TEST_F(StaticFilesTest, ARangeHeaderNeverGetsMoreThanTheFile)
{
	ServerConfig config;
	config.bind_address = "127.0.0.1";
	config.web_root = web_.web();
	auto started = test::start_on_free_port(config, std::make_shared<StreamHub>(HubConfig{}));
	ASSERT_TRUE(started) << started.error();
	const std::unique_ptr<StreamServer> server = std::move(*started);
	const size_t file_size = std::string(TempWebRoot::kIndex).size();

	std::string many = "bytes=0-";
	for (int i = 0; i < 1999; i++)
		many += ",0-";
	for (const std::string &ranges : {many, std::string("bytes=0-0,1-1"), std::string("bytes=0-, 0-")}) {
		const auto reply = exchange(config.port,
					    "GET /index.html HTTP/1.1\r\nHost: x\r\nRange: " + ranges +
						    "\r\nConnection: close\r\n\r\n",
					    3s);
		EXPECT_EQ(reply.status, 416) << ranges.substr(0, 40);
		EXPECT_LT(reply.received.size(), 1024u) << ranges.substr(0, 40);
	}
	// One range, as a media element asks: answered, within the file's size.
	const auto one = exchange(
		config.port, "GET /index.html HTTP/1.1\r\nHost: x\r\nRange: bytes=0-\r\nConnection: close\r\n\r\n", 3s);
	EXPECT_TRUE(one.status == 200 || one.status == 206) << one.received.substr(0, 200);
	EXPECT_LE(one.received.size(), file_size + 1024);
	EXPECT_EQ(raw_get_body(config.port, "/"), TempWebRoot::kIndex);
}

} // namespace
} // namespace sse_audio
