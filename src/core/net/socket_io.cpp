#include "net/socket_io.hpp"

#include <array>
#include <cerrno>

#ifdef _WIN32
#include <ws2tcpip.h>
#else
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#endif

namespace sse_audio::net {

namespace {

#ifdef _WIN32
int last_error()
{
	return WSAGetLastError();
}
bool is_would_block(int err)
{
	return err == WSAEWOULDBLOCK;
}
bool is_interrupted(int err)
{
	return err == WSAEINTR;
}
#else
int last_error()
{
	return errno;
}
bool is_would_block(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK;
}
bool is_interrupted(int err)
{
	return err == EINTR;
}
#endif

#if defined(MSG_NOSIGNAL)
constexpr int kSendFlags = MSG_NOSIGNAL | MSG_DONTWAIT;
#elif defined(_WIN32)
constexpr int kSendFlags = 0;
#else
constexpr int kSendFlags = MSG_DONTWAIT; // macOS: SO_NOSIGPIPE is set on the socket instead
#endif

// After a call that failed: true when it was only interrupted and is to be made again; otherwise marks `result`
// as would-block or closed.
bool retry_after_failure(IoResult &result)
{
	const int err = last_error();
	if (is_interrupted(err))
		return true;
	(is_would_block(err) ? result.would_block : result.closed) = true;
	return false;
}

} // namespace

int poll_sockets(std::span<PollFd> fds, int timeout_ms)
{
#ifdef _WIN32
	// WSAPoll fails at once on an empty set where poll(2) sleeps: sleep here so that no caller spins.
	if (fds.empty()) {
		Sleep(timeout_ms < 0 ? INFINITE : static_cast<DWORD>(timeout_ms));
		return 0;
	}
	return WSAPoll(fds.data(), static_cast<ULONG>(fds.size()), timeout_ms);
#else
	return ::poll(fds.data(), fds.size(), timeout_ms);
#endif
}

Readiness wait_ready(socket_t sock, bool for_write, int timeout_ms)
{
#ifdef _WIN32
	WSAPOLLFD pfd{sock, static_cast<SHORT>(for_write ? POLLWRNORM : POLLRDNORM), 0};
	const int n = WSAPoll(&pfd, 1, timeout_ms);
#else
	pollfd pfd{sock, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
	int n = 0;
	do
		n = ::poll(&pfd, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
#endif
	if (n == 0)
		return Readiness::Timeout;
	if (n < 0 || (pfd.revents & POLLNVAL) != 0)
		return Readiness::Error;
	// A hang-up or error still reads as "ready": the next call reports what happened.
	return Readiness::Ready;
}

IoResult send_now(socket_t sock, std::span<const std::string_view> parts)
{
	IoResult result;
	while (true) {
#ifdef _WIN32
		std::array<WSABUF, 16> bufs{};
		DWORD count = 0;
		for (const auto part : parts) {
			if (count == bufs.size())
				break;
			bufs[count++] = WSABUF{static_cast<ULONG>(part.size()), const_cast<char *>(part.data())};
		}
		DWORD sent = 0;
		const int rc = WSASend(sock, bufs.data(), count, &sent, 0, nullptr, nullptr);
		const long n = rc == 0 ? static_cast<long>(sent) : -1;
#else
		std::array<iovec, 16> iov{};
		size_t count = 0;
		for (const auto part : parts) {
			if (count == iov.size())
				break;
			iov[count++] = iovec{const_cast<char *>(part.data()), part.size()};
		}
		msghdr msg{};
		msg.msg_iov = iov.data();
		msg.msg_iovlen = count;
		const ssize_t n = ::sendmsg(sock, &msg, kSendFlags);
#endif
		if (n >= 0) {
			result.bytes = static_cast<size_t>(n);
			return result;
		}
		if (retry_after_failure(result))
			continue;
		return result;
	}
}

IoResult receive_now(socket_t sock, std::span<char> buffer)
{
	IoResult result;
	while (true) {
#ifdef _WIN32
		const int n = ::recv(sock, buffer.data(), static_cast<int>(buffer.size()), 0);
#else
		const ssize_t n = ::recv(sock, buffer.data(), buffer.size(), MSG_DONTWAIT);
#endif
		if (n > 0) {
			result.bytes = static_cast<size_t>(n);
			return result;
		}
		if (n == 0) {
			result.closed = true;
			return result;
		}
		if (retry_after_failure(result))
			continue;
		return result;
	}
}

void set_non_blocking(socket_t sock)
{
#ifdef _WIN32
	u_long yes = 1;
	ioctlsocket(sock, FIONBIO, &yes);
#else
	const int flags = fcntl(sock, F_GETFL, 0);
	if (flags >= 0)
		fcntl(sock, F_SETFL, flags | O_NONBLOCK);
#if defined(SO_NOSIGPIPE)
	int yes = 1;
	setsockopt(sock, SOL_SOCKET, SO_NOSIGPIPE, &yes, sizeof(yes));
#endif
#endif
}

void set_send_buffer(socket_t sock, int bytes)
{
#ifdef _WIN32
	setsockopt(sock, SOL_SOCKET, SO_SNDBUF, reinterpret_cast<const char *>(&bytes), sizeof(bytes));
#else
	setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
#endif
}

void close_socket(socket_t sock)
{
#ifdef _WIN32
	closesocket(sock);
#else
	::close(sock);
#endif
}

socket_t move_above(socket_t sock, int floor)
{
#ifdef _WIN32
	(void)floor;
	return sock;
#else
	if (sock >= floor)
		return sock;
	const int moved = fcntl(sock, F_DUPFD_CLOEXEC, floor);
	if (moved < 0)
		return sock; // the limit is too low to leave the low numbers free; keep what we have
	::close(sock);
	return moved;
#endif
}

uint64_t raise_descriptor_limit()
{
#ifdef _WIN32
	return 0;
#else
	rlimit limit{};
	if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
		return 0;
	if (limit.rlim_cur < limit.rlim_max) {
		rlimit raised = limit;
		raised.rlim_cur = limit.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
			limit = raised;
	}
	return static_cast<uint64_t>(limit.rlim_cur);
#endif
}

#ifdef _WIN32

namespace {

// Connects two loopback TCP sockets. The listening socket exists only for this and accepts one connection; the
// accepted one must be the one we connected (another local program could race for the port), which the
// addresses tell.
bool connect_pair(SOCKET &read_end, SOCKET &write_end)
{
	const SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	if (listener == INVALID_SOCKET)
		return false;
	sockaddr_in address{};
	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int length = sizeof(address);
	auto *const as_sockaddr = reinterpret_cast<sockaddr *>(&address);
	bool ok = bind(listener, as_sockaddr, length) == 0 && listen(listener, 1) == 0 &&
		  getsockname(listener, as_sockaddr, &length) == 0;
	write_end = ok ? socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) : INVALID_SOCKET;
	ok = ok && write_end != INVALID_SOCKET && connect(write_end, as_sockaddr, length) == 0;
	read_end = ok ? accept(listener, nullptr, nullptr) : INVALID_SOCKET;
	closesocket(listener);
	sockaddr_in local{};
	sockaddr_in peer{};
	int local_length = sizeof(local);
	int peer_length = sizeof(peer);
	ok = ok && read_end != INVALID_SOCKET &&
	     getsockname(write_end, reinterpret_cast<sockaddr *>(&local), &local_length) == 0 &&
	     getpeername(read_end, reinterpret_cast<sockaddr *>(&peer), &peer_length) == 0 &&
	     local.sin_port == peer.sin_port && local.sin_addr.s_addr == peer.sin_addr.s_addr;
	if (!ok) {
		if (read_end != INVALID_SOCKET)
			closesocket(read_end);
		if (write_end != INVALID_SOCKET)
			closesocket(write_end);
		read_end = write_end = INVALID_SOCKET;
		return false;
	}
	// A wake-up is one byte that must leave at once, not wait for Nagle's algorithm.
	const BOOL yes = TRUE;
	setsockopt(write_end, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char *>(&yes), sizeof(yes));
	set_non_blocking(read_end);
	set_non_blocking(write_end);
	return true;
}

} // namespace

PollWakeup::PollWakeup()
{
	// Winsock counts its users: this keeps it up for the pair's lifetime whoever else starts or stops it.
	WSADATA data{};
	winsock_ = WSAStartup(MAKEWORD(2, 2), &data) == 0;
	if (winsock_)
		connect_pair(read_, write_);
}

PollWakeup::~PollWakeup()
{
	if (read_ != INVALID_SOCKET)
		closesocket(read_);
	if (write_ != INVALID_SOCKET)
		closesocket(write_);
	if (winsock_)
		WSACleanup();
}

void PollWakeup::signal() const
{
	if (write_ != INVALID_SOCKET) {
		const char byte = 1;
		// A full socket buffer already holds a wake-up: nothing is lost when this send fails.
		send(write_, &byte, 1, 0);
	}
}

void PollWakeup::drain() const
{
	std::array<char, 256> bytes{};
	while (read_ != INVALID_SOCKET && recv(read_, bytes.data(), static_cast<int>(bytes.size()), 0) > 0) {
	}
}

#else

PollWakeup::PollWakeup()
{
	std::array<int, 2> fds{};
	if (pipe(fds.data()) != 0)
		return;
	read_ = fds[0];
	write_ = fds[1];
	for (const int fd : fds) {
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
}

PollWakeup::~PollWakeup()
{
	if (read_ >= 0)
		::close(read_);
	if (write_ >= 0)
		::close(write_);
}

void PollWakeup::signal() const
{
	if (write_ >= 0) {
		const char byte = 1;
		// A full pipe already holds a wake-up: nothing is lost when this write fails.
		[[maybe_unused]] const ssize_t n = ::write(write_, &byte, 1);
	}
}

void PollWakeup::drain() const
{
	std::array<char, 256> bytes{};
	while (read_ >= 0 && ::read(read_, bytes.data(), bytes.size()) > 0) {
	}
}

#endif

} // namespace sse_audio::net
