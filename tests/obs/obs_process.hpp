#pragma once

// Runs Debian's OBS Studio (or any program) as a child with every wait bounded, and reads OBS's own log file.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sse_audio::obstest {

// Runs `argv` to completion within `timeout` (killed after it); its exit code, or -1 when it could not run or was
// killed. Standard output and error go to `output` when given.
int run_command(const std::vector<std::string> &argv, std::chrono::milliseconds timeout, std::string *output = nullptr);

// True when `program` is an executable on PATH.
bool program_exists(const std::string &program);

class ObsProcess {
public:
	explicit ObsProcess(std::filesystem::path home) : home_(std::move(home)) {}
	// Kills OBS (SIGKILL) if it is still running and reaps it: a test never leaves OBS behind.
	~ObsProcess();
	ObsProcess(const ObsProcess &) = delete;
	ObsProcess &operator=(const ObsProcess &) = delete;

	// Starts `obs --multi` with HOME and XDG_CONFIG_HOME in the test's folder; its output goes to
	// <home>/obs-stdout.txt.
	bool start(std::string *error);
	// Waits up to `timeout` for OBS to exit; its exit code (128 + signal when killed by one).
	std::optional<int> wait_exit(std::chrono::milliseconds timeout);
	[[nodiscard]] bool running();
	void kill_now();

	// The log file this run of OBS wrote under <home>/.config/obs-studio/logs, empty when none yet.
	[[nodiscard]] std::string log() const;
	// Waits until the log holds `needle`; false after `timeout` or when OBS exited without writing it.
	bool wait_for_log(const std::string &needle, std::chrono::milliseconds timeout);

private:
	std::filesystem::path home_;
	pid_t pid_ = -1;
	bool reaped_ = false;
	std::optional<int> exit_code_;
	std::set<std::filesystem::path> earlier_logs_; // written by earlier runs in the same folder
};

} // namespace sse_audio::obstest
