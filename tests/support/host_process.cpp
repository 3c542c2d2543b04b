#include "host_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

namespace sse_audio::itest {

namespace {

using Clock = std::chrono::steady_clock;

std::string unique_log_path()
{
	static std::atomic<int> counter{0};
	const auto dir = std::filesystem::temp_directory_path();
	return (dir /
		("sse-audio-itest-" + std::to_string(getpid()) + "-" + std::to_string(counter.fetch_add(1)) + ".log"))
		.string();
}

} // namespace

int exit_code_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

int pick_free_port()
{
	const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	sockaddr_in addr = {};
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = 0;
	int port = 0;
	socklen_t len = sizeof(addr);
	if (bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0 &&
	    getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len) == 0)
		port = ntohs(addr.sin_port);
	close(fd);
	return port;
}

HostProcess::HostProcess(HostLaunch launch) : launch_(std::move(launch)) {}

HostProcess::~HostProcess()
{
	if (pid_ > 0 && !reaped_)
		terminate();
	stop_reader();
	if (stdin_fd_ >= 0)
		close(stdin_fd_);
	if (!log_path_.empty()) {
		std::error_code ec;
		std::filesystem::remove(log_path_, ec);
	}
}

std::string HostProcess::base_url() const
{
	return "http://127.0.0.1:" + std::to_string(launch_.port) + "/";
}

bool HostProcess::start(std::string *error)
{
	const auto fail = [error](const std::string &message) {
		if (error)
			*error = message + ": " + std::strerror(errno);
		return false;
	};
	if (pid_ > 0)
		return fail("already started");
	// A write to a closed socket or to the stdin of a host that has died must fail with EPIPE, not end the test.
	std::signal(SIGPIPE, SIG_IGN);

	if (launch_.port == 0)
		launch_.port = pick_free_port();
	if (launch_.port == 0)
		return fail("no free port");

	argv_ = {launch_.host_binary,          "--module", launch_.module_path, "--data", launch_.data_dir, "--port",
		 std::to_string(launch_.port), "--bind",   launch_.bind};
	argv_.insert(argv_.end(), launch_.args.begin(), launch_.args.end());
	std::vector<char *> argv;
	for (auto &arg : argv_)
		argv.push_back(arg.data());
	argv.push_back(nullptr);

	log_path_ = unique_log_path();
	const int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (log_fd < 0)
		return fail("cannot create " + log_path_);
	int in_pipe[2];
	int out_pipe[2];
	if (pipe2(in_pipe, O_CLOEXEC) != 0) {
		close(log_fd);
		return fail("pipe");
	}
	if (pipe2(out_pipe, O_CLOEXEC) != 0) {
		close(log_fd);
		close(in_pipe[0]);
		close(in_pipe[1]);
		return fail("pipe");
	}

	const pid_t parent = getpid();
	const pid_t child = fork();
	if (child == 0) {
		// Only async-signal-safe calls until exec: the test process has other threads.
		dup2(in_pipe[0], STDIN_FILENO);
		dup2(out_pipe[1], STDOUT_FILENO);
		dup2(log_fd, STDERR_FILENO);
		signal(SIGPIPE, SIG_DFL);
		// If the test process dies, the host quits cleanly instead of holding the port.
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(126);
		execv(argv[0], argv.data());
		_exit(127);
	}
	const int fork_errno = errno;
	close(log_fd);
	close(in_pipe[0]);
	close(out_pipe[1]);
	if (child < 0) {
		close(in_pipe[1]);
		close(out_pipe[0]);
		errno = fork_errno;
		return fail("fork");
	}
	pid_ = child;
	stdin_fd_ = in_pipe[1];
	stdout_fd_ = out_pipe[0];
	stdout_open_ = true;
	reader_ = std::thread([this] { read_output(); });
	return true;
}

void HostProcess::read_output()
{
	std::string partial;
	char buffer[4096];
	while (!stop_reading_) {
		pollfd fd = {stdout_fd_, POLLIN, 0};
		if (poll(&fd, 1, 100) <= 0)
			continue;
		const ssize_t got = read(stdout_fd_, buffer, sizeof(buffer));
		if (got < 0 && errno == EINTR)
			continue;
		std::lock_guard lock(mutex_);
		if (got <= 0) {
			if (!partial.empty())
				lines_.push_back(std::move(partial));
			stdout_open_ = false;
			line_added_.notify_all();
			return;
		}
		partial.append(buffer, static_cast<size_t>(got));
		size_t newline;
		while ((newline = partial.find('\n')) != std::string::npos) {
			std::string line = partial.substr(0, newline);
			if (!line.empty() && line.back() == '\r')
				line.pop_back();
			lines_.push_back(std::move(line));
			partial.erase(0, newline + 1);
		}
		line_added_.notify_all();
	}
}

void HostProcess::stop_reader()
{
	stop_reading_ = true;
	if (reader_.joinable())
		reader_.join();
	if (stdout_fd_ >= 0)
		close(stdout_fd_);
	stdout_fd_ = -1;
}

std::optional<std::string> HostProcess::wait_for_line(std::initializer_list<std::string_view> prefixes,
						      std::chrono::milliseconds timeout)
{
	std::unique_lock lock(mutex_);
	std::optional<std::string> found;
	line_added_.wait_for(lock, timeout, [&] {
		for (; next_line_ < lines_.size(); next_line_++) {
			for (const auto prefix : prefixes) {
				if (lines_[next_line_].compare(0, prefix.size(), prefix) == 0) {
					found = lines_[next_line_++];
					return true;
				}
			}
		}
		return !stdout_open_;
	});
	return found;
}

std::optional<std::string> HostProcess::wait_for_start(std::chrono::milliseconds timeout)
{
	return wait_for_line({"READY", "START FAILED"}, timeout);
}

bool HostProcess::send(std::string_view command)
{
	if (stdin_fd_ < 0)
		return false;
	std::string line(command);
	line.push_back('\n');
	size_t written = 0;
	for (int attempt = 0; attempt < 100 && written < line.size(); attempt++) {
		const ssize_t n = write(stdin_fd_, line.data() + written, line.size() - written);
		if (n < 0 && errno != EINTR)
			return false;
		if (n > 0)
			written += static_cast<size_t>(n);
	}
	return written == line.size();
}

std::optional<int> HostProcess::wait_exit(std::chrono::milliseconds timeout)
{
	if (pid_ <= 0)
		return std::nullopt;
	const auto deadline = Clock::now() + timeout;
	for (;;) {
		int status = 0;
		const pid_t done = waitpid(pid_, &status, WNOHANG);
		if (done == pid_) {
			reaped_ = true;
			// The host's last lines (EXITED) are in the pipe; the reader sees its end shortly.
			std::unique_lock lock(mutex_);
			line_added_.wait_for(lock, std::chrono::seconds(2), [this] { return !stdout_open_; });
			return exit_code_of(status);
		}
		if (done < 0 && errno != EINTR)
			return std::nullopt;
		if (Clock::now() >= deadline)
			return std::nullopt;
		std::this_thread::sleep_for(std::chrono::milliseconds(5));
	}
}

int HostProcess::terminate(std::chrono::milliseconds grace)
{
	if (pid_ <= 0 || reaped_)
		return -1;
	kill(pid_, SIGTERM);
	if (const auto code = wait_exit(grace))
		return *code;
	kill(pid_, SIGKILL);
	int status = 0;
	// SIGKILL cannot be caught, so this wait ends.
	while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
	}
	reaped_ = true;
	return exit_code_of(status);
}

std::vector<std::string> HostProcess::lines() const
{
	std::lock_guard lock(mutex_);
	return lines_;
}

std::string HostProcess::last_line() const
{
	std::lock_guard lock(mutex_);
	return lines_.empty() ? std::string() : lines_.back();
}

namespace {

std::string tail_of(const std::vector<std::string> &lines, size_t max_lines)
{
	std::string out;
	for (size_t i = lines.size() > max_lines ? lines.size() - max_lines : 0; i < lines.size(); i++)
		out += lines[i] + "\n";
	return out;
}

} // namespace

std::string HostProcess::output_tail(size_t max_lines) const
{
	return tail_of(lines(), max_lines);
}

std::string HostProcess::log_tail(size_t max_lines) const
{
	std::ifstream in(log_path_);
	std::vector<std::string> lines;
	std::string line;
	for (int i = 0; i < 1'000'000 && std::getline(in, line); i++)
		lines.push_back(std::move(line));
	return tail_of(lines, max_lines);
}

} // namespace sse_audio::itest
