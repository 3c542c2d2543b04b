#include "http_test_support.hpp"

#include "test_sockets.hpp"

#include <fstream>
#include <random>

namespace sse_audio::test {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

void write_file(const fs::path &path, const std::string &text)
{
	std::ofstream(path, std::ios::binary) << text;
}

sockaddr_in loopback(int port)
{
	return ipv4_address("127.0.0.1", port);
}

} // namespace

// A port that was free a moment ago: bind port 0, read what the kernel chose, close.
int free_port()
{
	const socket_t fd = tcp_socket();
	if (!valid(fd))
		return 0;
	sockaddr_in addr = loopback(0);
	socklen_t len = sizeof(addr);
	int port = 0;
	if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0 &&
	    getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
		port = ntohs(addr.sin_port);
	close_socket(fd);
	return port;
}

Result<std::unique_ptr<StreamServer>> start_on_free_port(ServerConfig &config, std::shared_ptr<StreamHub> hub,
							 ChannelStatsSource channel_stats)
{
	Result<std::unique_ptr<StreamServer>> started = Error{"no free port on 127.0.0.1"};
	for (int attempt = 0; attempt < 5; attempt++) {
		config.port = free_port();
		if (config.port == 0)
			continue;
		started = StreamServer::start(config, hub, channel_stats);
		if (started)
			break;
	}
	return started;
}

std::shared_ptr<StreamHub> make_test_hub()
{
	HubConfig config;
	config.capacity_events = 64;
	config.burst_events = 4;
	config.first_id = 1000;
	return std::make_shared<StreamHub>(config);
}

// Sends `request` as is (no client-side path normalisation) and returns the whole response; bounded by a timeout.
std::string raw_request(int port, const std::string &request)
{
	const socket_t fd = tcp_socket();
	if (!valid(fd))
		return {};
	set_timeouts(fd, 3s);
	sockaddr_in addr = loopback(port);
	std::string response;
	if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0 && send_all(fd, request)) {
		char buffer[4096];
		const auto deadline = Clock::now() + 5s;
		while (Clock::now() < deadline) {
			const long n = receive_bytes(fd, buffer, sizeof(buffer));
			if (n <= 0)
				break;
			response.append(buffer, static_cast<size_t>(n));
		}
	}
	close_socket(fd);
	return response;
}

int raw_get_status(int port, const std::string &path)
{
	const std::string response =
		raw_request(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
	// "HTTP/1.1 404 Not Found"
	if (response.size() < 12 || response.compare(0, 5, "HTTP/") != 0)
		return -1;
	return std::stoi(response.substr(9, 3));
}

std::string raw_get_body(int port, const std::string &path)
{
	const std::string response =
		raw_request(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
	const auto end = response.find("\r\n\r\n");
	return end == std::string::npos ? std::string() : response.substr(end + 4);
}

TempWebRoot::TempWebRoot()
{
	static std::atomic<int> counter{0};
	static const unsigned run = std::random_device{}();
	base_ = fs::temp_directory_path() / ("sse_audio_unit_" + std::to_string(run) + "_" + std::to_string(counter++));
	fs::remove_all(base_);
	fs::create_directories(base_ / "web");
	write_file(base_ / "web" / "index.html", kIndex);
	write_file(base_ / "web" / "player.js", kPlayer);
	write_file(base_ / "secret.txt", kSecret);
	// Windows lets only some accounts make symlinks; where none can be made, the checks that they are not
	// followed have nothing to check but still pass.
	std::error_code ec;
	fs::create_directory_symlink(base_, base_ / "web" / "up", ec);
	fs::create_symlink(base_ / "secret.txt", base_ / "web" / "secret.txt", ec);
	fs::create_symlink("/etc/passwd", base_ / "web" / "passwd", ec);
}

TempWebRoot::~TempWebRoot()
{
	std::error_code ec;
	fs::remove_all(base_, ec);
}

StreamClient::StreamClient(int port, std::string path, httplib::Headers headers) : client_("127.0.0.1", port)
{
	client_.set_connection_timeout(2, 0);
	client_.set_read_timeout(5, 0);
	thread_ = std::thread([this, path = std::move(path), headers = std::move(headers)] { run(path, headers); });
}

// Complete blocks (ended by a blank line) of an event stream.
std::vector<SseBlock> parse_sse(const std::string &body)
{
	std::vector<SseBlock> blocks;
	size_t pos = 0;
	while (true) {
		const size_t end = body.find("\n\n", pos);
		if (end == std::string::npos)
			break;
		SseBlock block;
		size_t line_start = pos;
		while (line_start < end) {
			size_t line_end = body.find('\n', line_start);
			if (line_end == std::string::npos || line_end > end)
				line_end = end;
			const std::string line = body.substr(line_start, line_end - line_start);
			if (line.rfind(':', 0) == 0)
				block.comments.push_back(line.substr(1));
			else if (line.rfind("event: ", 0) == 0)
				block.event = line.substr(7);
			else if (line.rfind("id: ", 0) == 0)
				block.id = line.substr(4);
			else if (line.rfind("data: ", 0) == 0)
				block.data += line.substr(6);
			else if (line.rfind("retry: ", 0) == 0)
				block.retry = line.substr(7);
			line_start = line_end + 1;
		}
		blocks.push_back(block);
		pos = end + 2;
	}
	return blocks;
}

std::vector<SseBlock> audio_events(const std::string &body)
{
	std::vector<SseBlock> audio;
	for (auto &block : parse_sse(body))
		if (block.event == "audio")
			audio.push_back(block);
	return audio;
}

size_t count_audio_events(const std::string &body)
{
	return audio_events(body).size();
}

} // namespace sse_audio::test
