#pragma once

// The socket calls the tests make themselves, on POSIX and on Windows (the MinGW build run under Wine): the same
// Berkeley calls, but Windows closes with closesocket(), reports errors through WSAGetLastError(), takes options
// as char pointers and has no SIGPIPE to suppress. The engine's own portable calls are in socket_io.hpp.

#include "net/socket_io.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#endif

namespace sse_audio::test {

#ifdef _WIN32
inline constexpr int kNoSignal = 0;
#else
inline constexpr int kNoSignal = MSG_NOSIGNAL;
#endif

[[nodiscard]] inline bool valid(socket_t sock)
{
	return sock != net::kInvalidSocket;
}

// A TCP socket for IPv4 that is not inherited by child processes.
[[nodiscard]] inline socket_t tcp_socket()
{
#ifdef _WIN32
	return WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0,
			  WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
#else
	return ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
#endif
}

inline void close_socket(socket_t sock)
{
	net::close_socket(sock);
}

template <typename T>
int set_option(socket_t sock, int level, int name, const T &value)
{
	return ::setsockopt(sock, level, name, reinterpret_cast<const char *>(&value), sizeof(value));
}

// SO_RCVTIMEO and SO_SNDTIMEO: a timeval on POSIX, milliseconds in a DWORD on Windows.
inline void set_timeouts(socket_t sock, std::chrono::milliseconds timeout)
{
#ifdef _WIN32
	const DWORD value = static_cast<DWORD>(timeout.count());
#else
	timeval value{};
	value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
	value.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
#endif
	set_option(sock, SOL_SOCKET, SO_RCVTIMEO, value);
	set_option(sock, SOL_SOCKET, SO_SNDTIMEO, value);
}

// send() and recv() with the sizes each system takes; -1 on failure.
inline long send_bytes(socket_t sock, const char *data, size_t size, int flags = kNoSignal)
{
#ifdef _WIN32
	return ::send(sock, data, static_cast<int>(size), flags);
#else
	return static_cast<long>(::send(sock, data, size, flags));
#endif
}

inline long receive_bytes(socket_t sock, char *data, size_t size)
{
#ifdef _WIN32
	return ::recv(sock, data, static_cast<int>(size), 0);
#else
	return static_cast<long>(::recv(sock, data, size, 0));
#endif
}

inline bool send_all(socket_t sock, const std::string &bytes)
{
	return send_bytes(sock, bytes.data(), bytes.size()) == static_cast<long>(bytes.size());
}

// After a failed call: true when it only could not complete yet (non-blocking socket), false for a real error.
[[nodiscard]] inline bool in_progress()
{
#ifdef _WIN32
	const int err = WSAGetLastError();
	return err == WSAEWOULDBLOCK || err == WSAEINPROGRESS;
#else
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINPROGRESS;
#endif
}

[[nodiscard]] inline bool interrupted()
{
#ifdef _WIN32
	return WSAGetLastError() == WSAEINTR;
#else
	return errno == EINTR;
#endif
}

[[nodiscard]] inline sockaddr_in ipv4_address(const std::string &address, int port, bool *ok = nullptr)
{
	sockaddr_in addr{};
	addr.sin_family = AF_INET;
	addr.sin_port = htons(static_cast<uint16_t>(port));
	const bool parsed = inet_pton(AF_INET, address.c_str(), &addr.sin_addr) == 1;
	if (ok)
		*ok = parsed;
	return addr;
}

// A connected blocking TCP socket to 127.0.0.1:`port`, or kInvalidSocket. `receive_buffer` > 0 shrinks the
// socket's receive window before it connects (a listener that fills up at once).
[[nodiscard]] inline socket_t connect_loopback(int port, int receive_buffer = 0)
{
	const socket_t sock = tcp_socket();
	if (!valid(sock))
		return sock;
	if (receive_buffer > 0)
		set_option(sock, SOL_SOCKET, SO_RCVBUF, receive_buffer);
	const sockaddr_in addr = ipv4_address("127.0.0.1", port);
	if (::connect(sock, reinterpret_cast<const sockaddr *>(&addr), sizeof(addr)) != 0) {
		close_socket(sock);
		return net::kInvalidSocket;
	}
	return sock;
}

} // namespace sse_audio::test
