#include "websocket_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstring>
#include <vector>

namespace sse_audio::obstest {

namespace {

using Clock = std::chrono::steady_clock;

std::string base64(const unsigned char *data, size_t size)
{
	std::string out(4 * ((size + 2) / 3) + 1, '\0');
	const int written =
		EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()), data, static_cast<int>(size));
	out.resize(static_cast<size_t>(written));
	return out;
}

std::string sha256_base64(const std::string &text)
{
	unsigned char digest[SHA256_DIGEST_LENGTH];
	SHA256(reinterpret_cast<const unsigned char *>(text.data()), text.size(), digest);
	return base64(digest, sizeof(digest));
}

int remaining_ms(Clock::time_point deadline)
{
	const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
	return left < 0 ? 0 : static_cast<int>(left);
}

} // namespace

ObsWebsocket::~ObsWebsocket()
{
	if (fd_ >= 0)
		close(fd_);
}

bool ObsWebsocket::read_exact(void *buffer, size_t size, Clock::time_point deadline)
{
	auto *out = static_cast<char *>(buffer);
	size_t got = 0;
	const size_t from_pending = std::min(size, pending_.size());
	std::memcpy(out, pending_.data(), from_pending);
	pending_.erase(0, from_pending);
	got += from_pending;
	while (got < size) {
		pollfd p = {fd_, POLLIN, 0};
		if (poll(&p, 1, remaining_ms(deadline)) <= 0)
			return false;
		const ssize_t n = recv(fd_, out + got, size - got, 0);
		if (n <= 0)
			return false;
		got += static_cast<size_t>(n);
	}
	return true;
}

bool ObsWebsocket::send_text(const std::string &text)
{
	// Clients must mask every frame (RFC 6455 5.3).
	std::vector<unsigned char> frame = {0x81};
	const size_t size = text.size();
	if (size < 126) {
		frame.push_back(static_cast<unsigned char>(0x80 | size));
	} else if (size < 65536) {
		frame.push_back(0x80 | 126);
		frame.push_back(static_cast<unsigned char>(size >> 8));
		frame.push_back(static_cast<unsigned char>(size & 0xff));
	} else {
		frame.push_back(0x80 | 127);
		for (int shift = 56; shift >= 0; shift -= 8)
			frame.push_back(static_cast<unsigned char>((size >> shift) & 0xff));
	}
	unsigned char mask[4];
	RAND_bytes(mask, sizeof(mask));
	frame.insert(frame.end(), mask, mask + 4);
	for (size_t i = 0; i < size; i++)
		frame.push_back(static_cast<unsigned char>(text[i]) ^ mask[i % 4]);
	size_t sent = 0;
	while (sent < frame.size()) {
		const ssize_t n = send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
		if (n <= 0)
			return false;
		sent += static_cast<size_t>(n);
	}
	return true;
}

std::optional<std::string> ObsWebsocket::receive_text(Clock::time_point deadline)
{
	std::string message;
	for (;;) {
		unsigned char head[2];
		if (!read_exact(head, 2, deadline))
			return std::nullopt;
		const int opcode = head[0] & 0x0f;
		const bool fin = (head[0] & 0x80) != 0;
		uint64_t size = head[1] & 0x7f;
		if (size == 126 || size == 127) {
			unsigned char extended[8];
			const size_t bytes = size == 126 ? 2 : 8;
			if (!read_exact(extended, bytes, deadline))
				return std::nullopt;
			size = 0;
			for (size_t i = 0; i < bytes; i++)
				size = (size << 8) | extended[i];
		}
		std::string payload(size, '\0');
		if (size > 0 && !read_exact(payload.data(), size, deadline))
			return std::nullopt;
		if (opcode == 0x8)
			return std::nullopt; // close
		if (opcode == 0x9 || opcode == 0xA)
			continue; // ping and pong: obs-websocket does not require answers within a test's time
		message += payload;
		if (fin)
			return message;
	}
}

std::unique_ptr<ObsWebsocket> ObsWebsocket::connect(int port, const std::string &password,
						    std::chrono::milliseconds timeout, std::string *error)
{
	const auto deadline = Clock::now() + timeout;
	const auto fail = [error](const std::string &why) -> std::unique_ptr<ObsWebsocket> {
		if (error)
			*error = why;
		return nullptr;
	};
	std::unique_ptr<ObsWebsocket> ws(new ObsWebsocket);
	ws->fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sockaddr_in addr = {};
	addr.sin_family = AF_INET;
	addr.sin_port = htons(static_cast<uint16_t>(port));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (::connect(ws->fd_, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0)
		return fail("cannot connect to obs-websocket on port " + std::to_string(port));

	unsigned char nonce[16];
	RAND_bytes(nonce, sizeof(nonce));
	const std::string request =
		"GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + base64(nonce, sizeof(nonce)) +
		"\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: obswebsocket.json\r\n\r\n";
	if (send(ws->fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
		return fail("cannot send the handshake");
	std::string response;
	while (response.find("\r\n\r\n") == std::string::npos) {
		pollfd p = {ws->fd_, POLLIN, 0};
		char buffer[1024];
		if (poll(&p, 1, remaining_ms(deadline)) <= 0)
			return fail("no handshake response");
		const ssize_t n = recv(ws->fd_, buffer, sizeof(buffer), 0);
		if (n <= 0)
			return fail("connection closed during the handshake");
		response.append(buffer, static_cast<size_t>(n));
	}
	if (response.rfind("HTTP/1.1 101", 0) != 0)
		return fail("handshake refused: " + response.substr(0, response.find("\r\n")));
	ws->pending_ = response.substr(response.find("\r\n\r\n") + 4);

	const auto hello_text = ws->receive_text(deadline);
	if (!hello_text)
		return fail("no Hello");
	const auto hello = nlohmann::json::parse(*hello_text, nullptr, false);
	if (hello.is_discarded() || hello.value("op", -1) != 0)
		return fail("expected Hello, got " + *hello_text);
	nlohmann::json identify = {{"op", 1}, {"d", {{"rpcVersion", 1}}}};
	if (hello["d"].contains("authentication")) {
		const auto &auth = hello["d"]["authentication"];
		const std::string secret = sha256_base64(password + auth.value("salt", ""));
		identify["d"]["authentication"] = sha256_base64(secret + auth.value("challenge", ""));
	}
	if (!ws->send_text(identify.dump()))
		return fail("cannot send Identify");
	const auto identified = ws->receive_text(deadline);
	if (!identified)
		return fail("not identified (wrong password?)");
	const auto reply = nlohmann::json::parse(*identified, nullptr, false);
	if (reply.is_discarded() || reply.value("op", -1) != 2)
		return fail("expected Identified, got " + *identified);
	return ws;
}

std::optional<nlohmann::json> ObsWebsocket::call_vendor(const std::string &vendor, const std::string &request,
							std::chrono::milliseconds timeout, std::string *error)
{
	const auto deadline = Clock::now() + timeout;
	const std::string id = std::to_string(next_request_++);
	const nlohmann::json message = {
		{"op", 6},
		{"d",
		 {{"requestType", "CallVendorRequest"},
		  {"requestId", id},
		  {"requestData",
		   // obs-websocket 5.1 refuses an empty requestData object; the requests take no arguments.
		   {{"vendorName", vendor}, {"requestType", request}}}}}};
	if (!send_text(message.dump())) {
		if (error)
			*error = "cannot send the request";
		return std::nullopt;
	}
	// Events may come first; the answer is the RequestResponse (op 7) with our id.
	while (const auto text = receive_text(deadline)) {
		auto reply = nlohmann::json::parse(*text, nullptr, false);
		if (!reply.is_discarded() && reply.value("op", -1) == 7 && reply["d"].value("requestId", "") == id)
			return reply["d"];
	}
	if (error)
		*error = "no answer to " + request + " within the time";
	return std::nullopt;
}

} // namespace sse_audio::obstest
