#pragma once

// Runs obs-sse-audio-host as a child process the way a person would: arguments in, commands on standard input,
// status lines on standard output. Every wait is bounded and the child is always reaped. A thread keeps reading
// the host's standard output (libobs logs there too), so the host never blocks on a full pipe.

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sse_audio::itest {

// A TCP port on 127.0.0.1 that was free a moment ago (the kernel picked it for a socket bound to port 0).
// 0 when no socket could be bound.
int pick_free_port();

// A waitpid() status as a shell would report it: the exit code, 128 + signal when killed, -1 otherwise.
int exit_code_of(int status);

struct HostLaunch {
	std::string host_binary;
	std::string module_path;
	std::string data_dir;
	int port = 0;                   // 0: pick a free one
	std::string bind = "127.0.0.1"; // tests never listen beyond loopback
	std::vector<std::string> args;  // further options: --tone 440, --bitrate 320, ...
};

class HostProcess {
public:
	explicit HostProcess(HostLaunch launch);
	// Sends SIGTERM, waits a bounded time, then SIGKILL; always reaps the child.
	~HostProcess();
	HostProcess(const HostProcess &) = delete;
	HostProcess &operator=(const HostProcess &) = delete;

	// Forks and executes the host. False (with `error` set) when the process could not be created.
	bool start(std::string *error = nullptr);

	// Waits for the next standard output line (after those already returned by a wait) that starts with one of
	// `prefixes`; lines in between are skipped but kept in lines(). nullopt on timeout or end of output.
	std::optional<std::string> wait_for_line(std::initializer_list<std::string_view> prefixes,
						 std::chrono::milliseconds timeout);

	// Waits for `READY <port>` or `START FAILED: ...`; returns the line, nullopt on timeout or exit.
	std::optional<std::string> wait_for_start(std::chrono::milliseconds timeout = std::chrono::seconds(20));

	// Writes one command line (`stop`, `start`, `restart`, `quit`) to the host's standard input.
	bool send(std::string_view command);

	// Waits up to `timeout` for the child to exit; its exit code, or 128 + signal when killed by a signal.
	std::optional<int> wait_exit(std::chrono::milliseconds timeout);

	// SIGTERM, then SIGKILL after `grace`; returns the exit status as wait_exit does.
	int terminate(std::chrono::milliseconds grace = std::chrono::seconds(5));

	[[nodiscard]] bool exited() const { return reaped_; }
	[[nodiscard]] int port() const { return launch_.port; }
	[[nodiscard]] pid_t pid() const { return pid_; }
	[[nodiscard]] std::string base_url() const;
	// Every line printed on standard output so far (status lines and libobs's log).
	[[nodiscard]] std::vector<std::string> lines() const;
	// The last line printed on standard output, empty when none.
	[[nodiscard]] std::string last_line() const;
	[[nodiscard]] const std::vector<std::string> &command_line() const { return argv_; }

	// The last `max_lines` lines of standard output and of standard error.
	[[nodiscard]] std::string output_tail(size_t max_lines) const;
	[[nodiscard]] std::string log_tail(size_t max_lines) const;

private:
	void read_output();
	void stop_reader();

	HostLaunch launch_;
	std::vector<std::string> argv_;
	pid_t pid_ = -1;
	bool reaped_ = false;
	int stdin_fd_ = -1;
	int stdout_fd_ = -1;
	std::string log_path_;

	std::thread reader_;
	std::atomic<bool> stop_reading_{false};
	mutable std::mutex mutex_;
	std::condition_variable line_added_;
	bool stdout_open_ = false; // guarded by mutex_
	std::vector<std::string> lines_;
	size_t next_line_ = 0;
};

} // namespace sse_audio::itest
