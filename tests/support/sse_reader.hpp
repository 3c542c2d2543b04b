#pragma once

// An incremental Server-Sent Events parser (WHATWG HTML, "Server-sent events", event stream interpretation),
// strict enough to notice framing mistakes: it records what each block held, not only what EventSource would keep.

#include "http_stream.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sse_audio::itest {

struct SseEvent {
	std::string type = "message";  // the `event:` field, "message" when absent
	std::optional<std::string> id; // the `id:` field of this block, when it had one
	std::string data;              // `data:` lines joined with '\n'
	int data_lines = 0;
	Clock::time_point arrived; // when the blank line that ends the block was received
};

struct SseComment {
	std::string text;         // after the ':' (one leading space removed)
	size_t events_before = 0; // how many events had been dispatched before it
	Clock::time_point arrived;
};

class SseParser {
public:
	// Feeds bytes received at `now`; complete events and comments are appended to events() and comments().
	void feed(std::string_view bytes, Clock::time_point now);

	[[nodiscard]] const std::vector<SseEvent> &events() const { return events_; }
	[[nodiscard]] const std::vector<SseComment> &comments() const { return comments_; }
	// The first `retry:` value and how many events came before it.
	[[nodiscard]] std::optional<int> retry_ms() const { return retry_ms_; }
	[[nodiscard]] size_t events_before_retry() const { return events_before_retry_; }
	// The `id:` most recently seen (what EventSource would send as Last-Event-ID).
	[[nodiscard]] const std::string &last_event_id() const { return last_event_id_; }
	// Lines with a field name other than event, data, id or retry (ignored by EventSource; a framing mistake here).
	[[nodiscard]] const std::vector<std::string> &unknown_lines() const { return unknown_lines_; }

private:
	void line(std::string_view text, Clock::time_point now);

	std::string buffer_;
	bool skip_lf_ = false;
	bool first_line_ = true;
	SseEvent pending_;
	bool pending_has_fields_ = false;
	std::vector<SseEvent> events_;
	std::vector<SseComment> comments_;
	std::optional<int> retry_ms_;
	size_t events_before_retry_ = 0;
	std::string last_event_id_;
	std::vector<std::string> unknown_lines_;
};

// GET /stream (or another SSE target) with an incremental parser behind it.
class SseClient {
public:
	// nullptr with `error` set when the request fails.
	static std::unique_ptr<SseClient> open(int port, std::string_view target = "/stream",
					       const Headers &headers = {},
					       std::chrono::milliseconds timeout = std::chrono::seconds(5),
					       std::string *error = nullptr);

	[[nodiscard]] const HttpHead &head() const { return stream_->head(); }
	[[nodiscard]] Clock::time_point connected_at() const { return stream_->connected_at(); }
	[[nodiscard]] const SseParser &parser() const { return parser_; }

	// Reads until `deadline`; false when the stream ended (or failed) before it.
	bool read_until(Clock::time_point deadline);
	// Reads until at least `count` events of type `type` arrived in total, or until `deadline`; true on success.
	bool read_events(size_t count, Clock::time_point deadline, std::string_view type = "audio");
	// Reads until the server ends the response; true when it did so before `deadline`.
	bool read_to_end(Clock::time_point deadline);

	[[nodiscard]] bool ended() const { return ended_; }
	[[nodiscard]] size_t count(std::string_view type) const;
	void close() { stream_->close(); }

private:
	explicit SseClient(std::unique_ptr<HttpStream> stream) : stream_(std::move(stream)) {}
	BodyRead step(Clock::time_point deadline);

	std::unique_ptr<HttpStream> stream_;
	SseParser parser_;
	bool ended_ = false;
};

} // namespace sse_audio::itest
