#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sse_audio::bench {

enum class StreamMode { Sse, Mp3 };

struct LoadConfig {
	std::string host = "127.0.0.1";
	int port = 8330;
	std::string path = "/stream";
	StreamMode mode = StreamMode::Sse;
	int listeners = 10;
	double duration_seconds = 60;
	double ramp_seconds = 2;    // connections are spread over this long
	double stall_ms = 500;      // a gap between reads longer than this counts as a stall (MP3 mode)
	std::string icy_user_agent; // optional User-Agent (some servers treat players differently)
	// Churn (soak test): each connection lives a random time in [churn_min, churn_max] seconds, then closes and
	// a new one opens in its place. 0 = connections stay for the whole run.
	double churn_min_seconds = 0;
	double churn_max_seconds = 0;
};

// What one listener saw.
struct ListenerResult {
	bool connected = false; // got a 200 response
	int status = 0;
	bool ended_early = false;         // the server closed the stream before the run ended
	uint64_t reconnects = 0;          // connections this listener closed and reopened (churn)
	uint64_t bytes = 0;               // body bytes after de-chunking
	uint64_t events = 0;              // audio events (SSE mode)
	uint64_t gaps = 0;                // SSE: audio ids not the previous + 1; behind nchan, any id not next
	uint64_t stalls = 0;              // reads that came more than stall_ms after the previous one
	uint64_t first_second_bytes = 0;  // body bytes in the first second: the join burst plus 1 s of live audio
	uint64_t first_second_events = 0; // audio events in the first second (SSE mode)
	std::vector<int64_t> delays_ms;   // arrival wall clock − capture time per timing event, after the join burst
};

struct LoadReport {
	LoadConfig config;
	std::vector<ListenerResult> listeners;
	double elapsed_seconds = 0;
};

// Opens config.listeners connections from one thread (epoll), reads for the duration, and reports per listener.
LoadReport run_load(const LoadConfig &config);

} // namespace sse_audio::bench
