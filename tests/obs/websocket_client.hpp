#pragma once

// A minimal obs-websocket 5 client for the real-OBS test: RFC 6455 over a blocking socket with deadlines,
// the Hello/Identify handshake with password authentication, and one request at a time.

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace sse_audio::obstest {

class ObsWebsocket {
public:
	~ObsWebsocket();
	ObsWebsocket(const ObsWebsocket &) = delete;
	ObsWebsocket &operator=(const ObsWebsocket &) = delete;

	// Connects to 127.0.0.1:`port` and identifies (RPC version 1) with `password`; nullptr with `error` set.
	static std::unique_ptr<ObsWebsocket> connect(int port, const std::string &password,
						     std::chrono::milliseconds timeout, std::string *error);

	// Sends CallVendorRequest and returns the whole RequestResponse's `d` (requestStatus, responseData);
	// nullopt with `error` set on a transport failure or timeout.
	std::optional<nlohmann::json> call_vendor(const std::string &vendor, const std::string &request,
						  std::chrono::milliseconds timeout, std::string *error);

private:
	ObsWebsocket() = default;
	bool send_text(const std::string &text);
	// The next text message (control frames are answered or skipped); nullopt on timeout or close.
	std::optional<std::string> receive_text(std::chrono::steady_clock::time_point deadline);
	bool read_exact(void *buffer, size_t size, std::chrono::steady_clock::time_point deadline);

	int fd_ = -1;
	std::string pending_; // bytes read past the HTTP handshake
	int next_request_ = 1;
};

} // namespace sse_audio::obstest
