// sse-load-client: N listeners from one process (epoll), for the fan-out benchmark. Each listener checks that SSE
// event ids are consecutive and measures arrival delay from the server's timing events; MP3 listeners (our
// /stream.mp3 or an Icecast mount) count bytes and stalls. Prints a summary and writes JSON for the bench scripts.

#include "load_client.hpp"

#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

using namespace sse_audio::bench;

namespace {

std::optional<LoadConfig> parse_url(const std::string &url, LoadConfig config)
{
	constexpr std::string_view scheme = "http://";
	if (url.rfind(scheme, 0) != 0)
		return std::nullopt;
	const std::string rest = url.substr(scheme.size());
	const size_t slash = rest.find('/');
	const std::string authority = rest.substr(0, slash);
	config.path = slash == std::string::npos ? "/" : rest.substr(slash);
	const size_t colon = authority.rfind(':');
	config.host = authority.substr(0, colon);
	config.port = 80;
	if (colon != std::string::npos &&
	    std::from_chars(authority.data() + colon + 1, authority.data() + authority.size(), config.port).ec !=
		    std::errc())
		return std::nullopt;
	return config;
}

int64_t percentile(std::vector<int64_t> &values, double fraction)
{
	if (values.empty())
		return 0;
	const auto rank = static_cast<size_t>(fraction * static_cast<double>(values.size() - 1));
	std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(rank), values.end());
	return values[rank];
}

void raise_fd_limit(int listeners)
{
	rlimit limit{};
	getrlimit(RLIMIT_NOFILE, &limit);
	const auto wanted = static_cast<rlim_t>(listeners + 64);
	if (limit.rlim_cur < wanted) {
		limit.rlim_cur = std::min(wanted, limit.rlim_max);
		setrlimit(RLIMIT_NOFILE, &limit);
	}
}

} // namespace

int main(int argc, char **argv)
{
	LoadConfig config;
	std::string url = "http://127.0.0.1:8330/stream";
	std::string json_path;
	for (int i = 1; i + 1 < argc; i += 2) {
		const std::string arg = argv[i];
		const std::string value = argv[i + 1];
		if (arg == "--url")
			url = value;
		else if (arg == "--mode")
			config.mode = value == "mp3" ? StreamMode::Mp3 : StreamMode::Sse;
		else if (arg == "--listeners")
			config.listeners = std::stoi(value);
		else if (arg == "--duration")
			config.duration_seconds = std::stod(value);
		else if (arg == "--ramp")
			config.ramp_seconds = std::stod(value);
		else if (arg == "--stall-ms")
			config.stall_ms = std::stod(value);
		else if (arg == "--churn") {
			// MIN:MAX seconds
			const size_t colon = value.find(':');
			config.churn_min_seconds = std::stod(value.substr(0, colon));
			config.churn_max_seconds = colon == std::string::npos ? config.churn_min_seconds
									      : std::stod(value.substr(colon + 1));
		} else if (arg == "--json")
			json_path = value;
		else {
			std::cerr
				<< "usage: sse-load-client --url http://HOST:PORT/PATH [--mode sse|mp3] [--listeners N]\n"
				   "                       [--duration S] [--ramp S] [--stall-ms MS] [--churn MIN:MAX] [--json FILE]\n";
			return 2;
		}
	}
	const auto parsed = parse_url(url, config);
	if (!parsed || config.listeners < 1) {
		std::cerr << "sse-load-client: bad --url or --listeners\n";
		return 2;
	}
	config = *parsed;
	raise_fd_limit(config.listeners);

	const LoadReport report = run_load(config);

	uint64_t connected = 0, ended = 0, events = 0, gaps = 0, stalls = 0, bytes = 0, reconnects = 0;
	uint64_t min_events = UINT64_MAX, min_bytes = UINT64_MAX;
	std::vector<int64_t> delays;
	std::vector<int64_t> first_bytes;
	std::vector<int64_t> first_events;
	for (const ListenerResult &l : report.listeners) {
		connected += l.connected ? 1 : 0;
		ended += l.ended_early ? 1 : 0;
		reconnects += l.reconnects;
		events += l.events;
		gaps += l.gaps;
		stalls += l.stalls;
		bytes += l.bytes;
		min_events = std::min(min_events, l.events);
		min_bytes = std::min(min_bytes, l.bytes);
		delays.insert(delays.end(), l.delays_ms.begin(), l.delays_ms.end());
		if (l.connected) {
			first_bytes.push_back(static_cast<int64_t>(l.first_second_bytes));
			first_events.push_back(static_cast<int64_t>(l.first_second_events));
		}
	}
	const int64_t p50 = percentile(delays, 0.50);
	const int64_t p99 = percentile(delays, 0.99);
	const int64_t max = delays.empty() ? 0 : *std::max_element(delays.begin(), delays.end());

	nlohmann::json out = {
		{"url", url},
		{"mode", config.mode == StreamMode::Sse ? "sse" : "mp3"},
		{"listeners", config.listeners},
		{"connected", connected},
		{"ended_early", ended},
		{"reconnects", reconnects},
		{"elapsed_seconds", report.elapsed_seconds},
		{"events", events},
		{"gaps", gaps},
		{"stalls", stalls},
		{"bytes", bytes},
		{"min_events_per_listener", min_events},
		{"min_bytes_per_listener", min_bytes},
		{"delay_samples", delays.size()},
		{"delay_ms_p50", p50},
		{"delay_ms_p99", p99},
		{"delay_ms_max", max},
		{"first_second_bytes_p50", percentile(first_bytes, 0.5)},
		{"first_second_events_p50", percentile(first_events, 0.5)},
	};
	std::cout << out.dump() << std::endl;
	if (!json_path.empty())
		std::ofstream(json_path) << out.dump(2) << "\n";
	return connected == static_cast<uint64_t>(config.listeners) ? 0 : 1;
}
