#include "sse_reader.hpp"

#include <algorithm>
#include <charconv>

namespace sse_audio::itest {

void SseParser::feed(std::string_view bytes, Clock::time_point now)
{
	for (const char c : bytes) {
		if (skip_lf_) {
			skip_lf_ = false;
			if (c == '\n')
				continue;
		}
		if (c == '\r' || c == '\n') {
			skip_lf_ = c == '\r';
			line(buffer_, now);
			buffer_.clear();
		} else {
			buffer_.push_back(c);
		}
	}
}

void SseParser::line(std::string_view text, Clock::time_point now)
{
	if (first_line_) {
		first_line_ = false;
		// A UTF-8 byte order mark at the very start is allowed and ignored.
		if (text.substr(0, 3) == "\xEF\xBB\xBF")
			text.remove_prefix(3);
	}
	if (text.empty()) {
		if (pending_has_fields_) {
			pending_.arrived = now;
			events_.push_back(std::move(pending_));
		}
		pending_ = SseEvent{};
		pending_has_fields_ = false;
		return;
	}
	if (text.front() == ':') {
		text.remove_prefix(1);
		if (!text.empty() && text.front() == ' ')
			text.remove_prefix(1);
		comments_.push_back({std::string(text), events_.size(), now});
		return;
	}
	const size_t colon = text.find(':');
	const std::string_view field = text.substr(0, colon);
	std::string_view value = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
	if (!value.empty() && value.front() == ' ')
		value.remove_prefix(1);
	if (field == "event") {
		pending_.type = std::string(value);
		pending_has_fields_ = true;
	} else if (field == "data") {
		if (pending_.data_lines > 0)
			pending_.data.push_back('\n');
		pending_.data.append(value);
		pending_.data_lines++;
		pending_has_fields_ = true;
	} else if (field == "id") {
		if (value.find('\0') == std::string_view::npos) {
			pending_.id = std::string(value);
			last_event_id_ = std::string(value);
		}
		pending_has_fields_ = true;
	} else if (field == "retry") {
		int ms = 0;
		const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
		if (ec == std::errc() && ptr == value.data() + value.size() && !retry_ms_) {
			retry_ms_ = ms;
			events_before_retry_ = events_.size();
		}
	} else {
		unknown_lines_.emplace_back(text);
	}
}

std::unique_ptr<SseClient> SseClient::open(int port, std::string_view target, const Headers &headers,
					   std::chrono::milliseconds timeout, std::string *error)
{
	Headers all = headers;
	all.emplace_back("Accept", "text/event-stream");
	auto stream = HttpStream::open(port, target, all, timeout, error);
	if (!stream)
		return nullptr;
	return std::unique_ptr<SseClient>(new SseClient(std::move(stream)));
}

BodyRead SseClient::step(Clock::time_point deadline)
{
	if (ended_)
		return BodyRead::End;
	std::string bytes;
	const BodyRead got = stream_->read_body(bytes, deadline);
	if (!bytes.empty())
		parser_.feed(bytes, Clock::now());
	if (got == BodyRead::End || got == BodyRead::Error)
		ended_ = true;
	return got;
}

bool SseClient::read_until(Clock::time_point deadline)
{
	for (int i = 0; i < 10'000'000; i++) {
		const BodyRead got = step(deadline);
		if (got == BodyRead::Timeout || Clock::now() >= deadline)
			return got != BodyRead::End && got != BodyRead::Error;
		if (got != BodyRead::Data)
			return false;
	}
	return false;
}

bool SseClient::read_events(size_t count, Clock::time_point deadline, std::string_view type)
{
	for (int i = 0; i < 10'000'000; i++) {
		if (this->count(type) >= count)
			return true;
		const BodyRead got = step(deadline);
		if (got != BodyRead::Data)
			return this->count(type) >= count;
	}
	return false;
}

bool SseClient::read_to_end(Clock::time_point deadline)
{
	for (int i = 0; i < 10'000'000; i++) {
		const BodyRead got = step(deadline);
		if (got == BodyRead::End || got == BodyRead::Error)
			return true;
		if (got == BodyRead::Timeout)
			return false;
	}
	return false;
}

size_t SseClient::count(std::string_view type) const
{
	const auto &events = parser_.events();
	return static_cast<size_t>(
		std::count_if(events.begin(), events.end(), [type](const SseEvent &e) { return e.type == type; }));
}

} // namespace sse_audio::itest
