#include "obs_process.hpp"

#include "host_process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace sse_audio::obstest {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(50);

std::filesystem::path logs_folder(const std::filesystem::path &home)
{
	return home / ".config" / "obs-studio" / "logs";
}

std::string read_file(const std::filesystem::path &path)
{
	std::ifstream file(path, std::ios::binary);
	std::stringstream text;
	text << file.rdbuf();
	return text.str();
}

} // namespace

int run_command(const std::vector<std::string> &argv, std::chrono::milliseconds timeout, std::string *output)
{
	char out_template[] = "/tmp/sse-audio-obstest-XXXXXX";
	const int out_fd = mkstemp(out_template);
	if (out_fd < 0)
		return -1;
	const pid_t pid = fork();
	if (pid == 0) {
		dup2(out_fd, STDOUT_FILENO);
		dup2(out_fd, STDERR_FILENO);
		std::vector<char *> args;
		for (const auto &arg : argv)
			args.push_back(const_cast<char *>(arg.c_str()));
		args.push_back(nullptr);
		execvp(args[0], args.data());
		_exit(127);
	}
	close(out_fd);
	int code = -1;
	if (pid > 0) {
		const auto deadline = Clock::now() + timeout;
		int status = 0;
		for (;;) {
			const pid_t done = waitpid(pid, &status, WNOHANG);
			if (done == pid) {
				code = itest::exit_code_of(status);
				break;
			}
			if (Clock::now() >= deadline) {
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
				break;
			}
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		}
	}
	if (output)
		*output = read_file(out_template);
	unlink(out_template);
	return code;
}

bool program_exists(const std::string &program)
{
	const char *path = std::getenv("PATH");
	std::stringstream dirs(path ? path : "");
	std::string dir;
	while (std::getline(dirs, dir, ':')) {
		if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0)
			return true;
	}
	return false;
}

ObsProcess::~ObsProcess()
{
	kill_now();
}

bool ObsProcess::start(std::string *error)
{
	const std::string home = home_.string();
	const std::string out = (home_ / "obs-stdout.txt").string();
	const pid_t parent = getpid();
	earlier_logs_.clear();
	std::error_code ec;
	for (const auto &entry : std::filesystem::directory_iterator(logs_folder(home_), ec))
		earlier_logs_.insert(entry.path());
	pid_ = fork();
	if (pid_ < 0) {
		if (error)
			*error = "fork failed";
		return false;
	}
	if (pid_ == 0) {
		// OBS must not outlive a test process that dies.
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
		setenv("HOME", home.c_str(), 1);
		setenv("XDG_CONFIG_HOME", (home + "/.config").c_str(), 1);
		const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		const int null_in = open("/dev/null", O_RDONLY);
		if (null_in >= 0)
			dup2(null_in, STDIN_FILENO);
		if (chdir(home.c_str()) != 0)
			_exit(126);
		execlp("obs", "obs", "--multi", static_cast<char *>(nullptr));
		_exit(127);
	}
	reaped_ = false;
	exit_code_.reset();
	return true;
}

std::optional<int> ObsProcess::wait_exit(std::chrono::milliseconds timeout)
{
	if (reaped_)
		return exit_code_;
	if (pid_ <= 0)
		return std::nullopt;
	const auto deadline = Clock::now() + timeout;
	for (;;) {
		int status = 0;
		if (waitpid(pid_, &status, WNOHANG) == pid_) {
			reaped_ = true;
			exit_code_ = itest::exit_code_of(status);
			return exit_code_;
		}
		if (Clock::now() >= deadline)
			return std::nullopt;
		std::this_thread::sleep_for(kPoll);
	}
}

bool ObsProcess::running()
{
	return pid_ > 0 && !wait_exit(std::chrono::milliseconds(0));
}

void ObsProcess::kill_now()
{
	if (pid_ <= 0 || reaped_)
		return;
	kill(pid_, SIGKILL);
	int status = 0;
	waitpid(pid_, &status, 0);
	reaped_ = true;
	exit_code_ = itest::exit_code_of(status);
}

std::string ObsProcess::log() const
{
	std::error_code ec;
	std::filesystem::path newest;
	for (const auto &entry : std::filesystem::directory_iterator(logs_folder(home_), ec)) {
		// Names are dates ("2026-11-25 02-34-26.txt"), so the greatest name is the newest log.
		if (entry.path().extension() == ".txt" && !earlier_logs_.count(entry.path()) &&
		    (newest.empty() || entry.path() > newest))
			newest = entry.path();
	}
	return newest.empty() ? std::string() : read_file(newest);
}

bool ObsProcess::wait_for_log(const std::string &needle, std::chrono::milliseconds timeout)
{
	const auto deadline = Clock::now() + timeout;
	for (;;) {
		if (log().find(needle) != std::string::npos)
			return true;
		if (Clock::now() >= deadline || !running())
			return log().find(needle) != std::string::npos;
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
	}
}

} // namespace sse_audio::obstest
