#include "relay_services.hpp"

#include "host_process.hpp"
#include "http_stream.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#ifndef SSE_AUDIO_TEST_RENDER
#error "SSE_AUDIO_TEST_RENDER must name deploy/nginx/render.sh"
#endif

namespace sse_audio::rtest {

namespace {

using namespace std::chrono_literals;

constexpr const char *kNchanModule = "/usr/lib/nginx/modules/ngx_nchan_module.so";

bool wait_for_port(int port, ChildProcess &process, std::chrono::milliseconds timeout)
{
	const auto deadline = std::chrono::steady_clock::now() + timeout;
	while (std::chrono::steady_clock::now() < deadline) {
		if (!process.running())
			return false;
		if (itest::can_connect(port, 200ms))
			return true;
		std::this_thread::sleep_for(50ms);
	}
	return false;
}

std::string tail_of(const std::filesystem::path &file, size_t max_lines)
{
	std::ifstream in(file);
	std::vector<std::string> lines;
	for (std::string line; std::getline(in, line);)
		lines.push_back(line);
	std::string out;
	for (size_t i = lines.size() > max_lines ? lines.size() - max_lines : 0; i < lines.size(); i++)
		out += lines[i] + "\n";
	return out;
}

// Runs a command to completion (bounded by the command itself: render.sh only runs sed); its exit code.
int run_to_end(const std::vector<std::string> &argv, const std::vector<std::string> &env,
	       const std::filesystem::path &log)
{
	// Everything exec needs is built before fork: the child may only make async-signal-safe calls.
	std::vector<std::string> environment = env;
	for (char **e = environ; *e; e++) {
		const std::string entry = *e;
		const std::string name = entry.substr(0, entry.find('=') + 1);
		bool overridden = false;
		for (const auto &assignment : env)
			overridden = overridden || assignment.rfind(name, 0) == 0;
		if (!overridden)
			environment.push_back(entry);
	}
	std::vector<char *> envp;
	for (auto &assignment : environment)
		envp.push_back(assignment.data());
	envp.push_back(nullptr);
	std::vector<char *> args;
	for (const auto &a : argv)
		args.push_back(const_cast<char *>(a.c_str()));
	args.push_back(nullptr);
	const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	const pid_t child = fork();
	if (child < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (child == 0) {
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execvpe(args[0], args.data(), envp.data());
		_exit(127);
	}
	if (fd >= 0)
		close(fd);
	int status = 0;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
	}
	return itest::exit_code_of(status);
}

} // namespace

bool ChildProcess::start(const std::vector<std::string> &argv, const std::filesystem::path &log, std::string &error)
{
	std::vector<char *> args;
	for (const auto &a : argv)
		args.push_back(const_cast<char *>(a.c_str()));
	args.push_back(nullptr);
	const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		error = "cannot open " + log.string() + ": " + std::strerror(errno);
		return false;
	}
	const pid_t child = fork();
	if (child < 0) {
		error = std::string("fork: ") + std::strerror(errno);
		close(log_fd);
		return false;
	}
	if (child == 0) {
		// Only async-signal-safe calls until exec: the test process has other threads.
		const int null_fd = open("/dev/null", O_RDONLY);
		dup2(null_fd, STDIN_FILENO);
		dup2(log_fd, STDOUT_FILENO);
		dup2(log_fd, STDERR_FILENO);
		// Never outlive a test that crashed.
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execvp(args[0], args.data());
		_exit(127);
	}
	close(log_fd);
	pid_ = child;
	return true;
}

bool ChildProcess::running()
{
	if (pid_ <= 0)
		return false;
	int status = 0;
	const pid_t done = waitpid(pid_, &status, WNOHANG);
	if (done == pid_) {
		pid_ = -1;
		return false;
	}
	return true;
}

void ChildProcess::stop(std::chrono::milliseconds grace)
{
	if (pid_ <= 0)
		return;
	kill(pid_, SIGTERM);
	const auto deadline = std::chrono::steady_clock::now() + grace;
	int status = 0;
	while (std::chrono::steady_clock::now() < deadline) {
		if (waitpid(pid_, &status, WNOHANG) == pid_) {
			pid_ = -1;
			return;
		}
		std::this_thread::sleep_for(20ms);
	}
	kill(pid_, SIGKILL);
	// SIGKILL cannot be caught, so this wait ends.
	while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
	}
	pid_ = -1;
}

TempFolder::TempFolder(const std::string &name)
{
	path_ = std::filesystem::temp_directory_path() / ("sse-audio-" + name + "-" + std::to_string(getpid()));
	std::filesystem::remove_all(path_);
	std::filesystem::create_directories(path_);
}

TempFolder::~TempFolder()
{
	std::error_code ignored;
	std::filesystem::remove_all(path_, ignored);
}

NginxNode::NginxNode(const std::filesystem::path &folder, NginxOptions options)
	: folder_(folder), options_(std::move(options))
{
	if (options_.port == 0)
		options_.port = itest::pick_free_port();
}

std::string NginxNode::publish_url() const
{
	return "http://127.0.0.1:" + std::to_string(options_.port) + "/pub/obs";
}

std::string NginxNode::error_log_tail() const
{
	return tail_of(folder_ / "error.log", 20) + tail_of(folder_ / "output.log", 10);
}

bool NginxNode::worker_crashed() const
{
	std::ifstream log(folder_ / "error.log");
	std::string line;
	while (std::getline(log, line))
		if (line.find("exited on signal") != std::string::npos)
			return true;
	return false;
}

bool NginxNode::start(std::string &error)
{
	std::filesystem::create_directories(folder_);
	// A test machine's own limit may be lower than the template's; nginx only warns when it cannot raise it.
	std::vector<std::string> env = {"LISTEN=127.0.0.1:" + std::to_string(options_.port),
					"PUBLISHER_ALLOW=" + options_.publisher_allow,
					"PUBLISHER_KEY=" + options_.publisher_key,
					"WORKER_CONNECTIONS=1024",
					"NOFILE=4096",
					"ACCESS_LOG=off",
					"REDIS_URL=" + options_.redis_url,
					"DEFAULT_CHANNEL=" + options_.default_channel};
	const int rendered = run_to_end({"bash", SSE_AUDIO_TEST_RENDER, options_.kind, folder_.string()}, env,
					folder_ / "render.log");
	if (rendered != 0) {
		error = "deploy/nginx/render.sh failed: " + tail_of(folder_ / "render.log", 10);
		return false;
	}
	const std::string conf = (folder_ / "nginx.conf").string();
	// Started as root, nginx's workers would run as `nobody`, which may not reach a checkout inside a private
	// folder (a fresh clone in a mktemp -d folder is 0700): the player's files must be readable wherever the
	// tests run, so the workers keep root's identity here. deploy/nginx leaves `user` to the system's default.
	const std::string globals = geteuid() == 0 ? "daemon off; user root;" : "daemon off;";
	if (!process_.start({"nginx", "-p", folder_.string(), "-c", conf, "-e", (folder_ / "error.log").string(), "-g",
			     globals},
			    folder_ / "output.log", error))
		return false;
	if (!wait_for_port(options_.port, process_, 10s)) {
		error = "nginx did not come up on port " + std::to_string(options_.port) + ":\n" + error_log_tail();
		return false;
	}
	return true;
}

RedisServer::RedisServer(const std::filesystem::path &folder) : folder_(folder), port_(itest::pick_free_port()) {}

bool RedisServer::start(std::string &error)
{
	std::filesystem::create_directories(folder_);
	if (!process_.start({"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
			     "--appendonly", "no", "--dir", folder_.string(), "--daemonize", "no"},
			    folder_ / "redis.log", error))
		return false;
	if (!wait_for_port(port_, process_, 10s)) {
		error = "redis-server did not come up:\n" + tail_of(folder_ / "redis.log", 10);
		return false;
	}
	return true;
}

bool relay_services_installed(std::string &missing)
{
	missing.clear();
	for (const char *program : {"nginx", "redis-server"}) {
		bool found = false;
		std::istringstream path(getenv("PATH") ? getenv("PATH") : "/usr/bin:/usr/sbin");
		for (std::string dir; std::getline(path, dir, ':');)
			found = found || access((std::filesystem::path(dir) / program).c_str(), X_OK) == 0;
		if (!found)
			missing += std::string(missing.empty() ? "" : ", ") + program;
	}
	if (access(kNchanModule, R_OK) != 0)
		missing += std::string(missing.empty() ? "" : ", ") + kNchanModule;
	return missing.empty();
}

} // namespace sse_audio::rtest
