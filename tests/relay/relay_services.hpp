#pragma once

// nginx with nchan and redis-server for the relay tests: each started in the foreground as a child process in a
// temporary folder, on a loopback port, configured from deploy/nginx's templates, and always ended and reaped.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace sse_audio::rtest {

// A child process with its output in a log file. The destructor sends SIGTERM, then SIGKILL after a bounded wait.
class ChildProcess {
public:
	ChildProcess() = default;
	~ChildProcess() { stop(); }
	ChildProcess(const ChildProcess &) = delete;
	ChildProcess &operator=(const ChildProcess &) = delete;

	// Starts argv[0] (a path, or a name looked up in PATH); false with `error` set when it could not be started.
	bool start(const std::vector<std::string> &argv, const std::filesystem::path &log, std::string &error);
	// SIGTERM, up to `grace`, then SIGKILL; always reaps. Safe to call more than once.
	void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
	// True while the child has not exited.
	bool running();
	[[nodiscard]] pid_t pid() const { return pid_; }

private:
	pid_t pid_ = -1;
};

// A folder under the system's temporary folder, removed with everything in it at destruction.
class TempFolder {
public:
	explicit TempFolder(const std::string &name);
	~TempFolder();
	TempFolder(const TempFolder &) = delete;
	TempFolder &operator=(const TempFolder &) = delete;
	[[nodiscard]] const std::filesystem::path &path() const { return path_; }

private:
	std::filesystem::path path_;
};

struct NginxOptions {
	std::string kind = "single"; // deploy/nginx/render.sh's template: single or redis
	int port = 0;                // 0: a free one
	std::string publisher_key;
	std::string redis_url;                     // redis template only
	std::string publisher_allow = "127.0.0.1"; // the only address that may publish
	std::string default_channel{};             // render.sh's DEFAULT_CHANNEL
};

// nginx rendered from deploy/nginx into `folder`, started with `-g "daemon off;"` and waited for.
class NginxNode {
public:
	NginxNode(const std::filesystem::path &folder, NginxOptions options);
	// False with `error` set (including the end of nginx's error log) when nginx did not come up within 10 s.
	bool start(std::string &error);
	void stop() { process_.stop(); }
	[[nodiscard]] int port() const { return options_.port; }
	[[nodiscard]] std::string publish_url() const;
	[[nodiscard]] std::string error_log_tail() const;
	// Whether a worker process died (nginx's master logs "exited on signal" and starts another).
	[[nodiscard]] bool worker_crashed() const;

private:
	std::filesystem::path folder_;
	NginxOptions options_;
	ChildProcess process_;
};

// redis-server on a loopback port, without persistence, in `folder`.
class RedisServer {
public:
	explicit RedisServer(const std::filesystem::path &folder);
	bool start(std::string &error);
	[[nodiscard]] int port() const { return port_; }
	[[nodiscard]] std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

private:
	std::filesystem::path folder_;
	int port_ = 0;
	ChildProcess process_;
};

// Whether nginx, its nchan module and redis-server are installed (scripts/install-deps.sh test installs them).
bool relay_services_installed(std::string &missing);

} // namespace sse_audio::rtest
