#pragma once

#include "load_client.hpp"

#include <chrono>
#include <string>

namespace sse_audio::bench {

// One streaming HTTP/1.1 response parsed as it arrives: status line and headers, then the body de-chunked when
// the response is chunked, then SSE lines (SSE mode) or plain bytes (MP3 mode). No allocation per event beyond
// the line buffer.
class HttpListener {
public:
	HttpListener(const LoadConfig &config, ListenerResult &result) : config_(config), result_(result) {}

	// Feeds bytes from the socket received at `now_ms` (wall clock, ms since the epoch). False once the response
	// is unusable (bad status line, not 200); the caller then closes the connection.
	bool feed(const char *data, size_t size, int64_t now_ms);

private:
	bool feed_head(const char *&data, size_t &size);
	void feed_body(const char *data, size_t size, int64_t now_ms);
	void feed_content(const char *data, size_t size, int64_t now_ms);
	void sse_line(const std::string &line, int64_t now_ms);
	void check_nchan_id();

	const LoadConfig &config_;
	ListenerResult &result_;

	enum class Stage { Head, Body } stage_ = Stage::Head;
	std::string head_;
	bool chunked_ = false;
	// Chunked decoding state.
	enum class Chunk { Size, Data, DataEnd } chunk_ = Chunk::Size;
	std::string chunk_line_;
	uint64_t chunk_left_ = 0;
	// SSE state.
	std::string line_;
	std::string event_;
	std::string data_;
	uint64_t id_ = 0;
	bool has_id_ = false;
	uint64_t last_audio_id_ = 0;
	// nchan's ids (`<seconds>:<n>`, n counting from 0 within each second, over every message of the channel):
	// behind nginx + nchan (bench/relay.sh) a gap is any message whose id does not follow the previous one.
	std::string id_text_;
	uint64_t last_nchan_seconds_ = 0;
	uint64_t last_nchan_n_ = 0;
	bool pending_timing_ = false;
	int64_t pending_capture_ms_ = 0;
	int64_t last_read_ms_ = 0;
	int64_t body_start_ms_ = 0; // when the response body began
};

} // namespace sse_audio::bench
