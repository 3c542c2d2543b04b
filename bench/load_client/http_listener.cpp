#include "http_listener.hpp"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace sse_audio::bench {

namespace {

constexpr int64_t kBurstWindowMs = 1000;

bool iequals_prefix(std::string_view text, std::string_view prefix)
{
	if (text.size() < prefix.size())
		return false;
	for (size_t i = 0; i < prefix.size(); i++) {
		char a = text[i];
		char b = prefix[i];
		if (a >= 'A' && a <= 'Z')
			a = static_cast<char>(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = static_cast<char>(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

// The number after `"capture_ms":` in a timing event's JSON; 0 when absent.
int64_t capture_ms_of(std::string_view json)
{
	constexpr std::string_view key = "\"capture_ms\":";
	const size_t at = json.find(key);
	if (at == std::string_view::npos)
		return 0;
	int64_t value = 0;
	const char *begin = json.data() + at + key.size();
	std::from_chars(begin, json.data() + json.size(), value);
	return value;
}

} // namespace

bool HttpListener::feed(const char *data, size_t size, int64_t now_ms)
{
	if (last_read_ms_ != 0 && now_ms - last_read_ms_ > static_cast<int64_t>(config_.stall_ms))
		result_.stalls++;
	last_read_ms_ = now_ms;
	if (stage_ == Stage::Head) {
		if (!feed_head(data, size))
			return false;
		if (stage_ == Stage::Head)
			return true;
	}
	if (body_start_ms_ == 0)
		body_start_ms_ = now_ms;
	feed_body(data, size, now_ms);
	return true;
}

bool HttpListener::feed_head(const char *&data, size_t &size)
{
	const size_t before = head_.size();
	head_.append(data, size);
	const size_t end = head_.find("\r\n\r\n");
	if (end == std::string::npos)
		return head_.size() < 64 * 1024;
	// Status line: HTTP/1.x 200 ... (Icecast 2.4 answers "HTTP/1.0 200 OK").
	const size_t space = head_.find(' ');
	if (space == std::string::npos || !iequals_prefix(head_, "HTTP/1."))
		return false;
	result_.status = std::atoi(head_.c_str() + space + 1);
	if (result_.status != 200)
		return false;
	result_.connected = true;
	size_t line_start = head_.find("\r\n") + 2;
	while (line_start < end) {
		const size_t line_end = head_.find("\r\n", line_start);
		const std::string_view line(head_.data() + line_start, line_end - line_start);
		if (iequals_prefix(line, "transfer-encoding:") && line.find("chunked") != std::string_view::npos)
			chunked_ = true;
		line_start = line_end + 2;
	}
	const size_t consumed = end + 4 - before;
	data += consumed;
	size -= consumed;
	stage_ = Stage::Body;
	head_.clear();
	return true;
}

void HttpListener::feed_body(const char *data, size_t size, int64_t now_ms)
{
	if (!chunked_) {
		feed_content(data, size, now_ms);
		return;
	}
	while (size > 0) {
		switch (chunk_) {
		case Chunk::Size: {
			const char c = *data++;
			size--;
			if (c == '\n') {
				chunk_left_ = std::strtoull(chunk_line_.c_str(), nullptr, 16);
				chunk_line_.clear();
				chunk_ = chunk_left_ > 0 ? Chunk::Data : Chunk::DataEnd;
			} else if (c != '\r') {
				chunk_line_.push_back(c);
			}
			break;
		}
		case Chunk::Data: {
			const size_t n = size < chunk_left_ ? size : static_cast<size_t>(chunk_left_);
			feed_content(data, n, now_ms);
			data += n;
			size -= n;
			chunk_left_ -= n;
			if (chunk_left_ == 0)
				chunk_ = Chunk::DataEnd;
			break;
		}
		case Chunk::DataEnd: {
			// The CRLF after a chunk's data.
			const char c = *data++;
			size--;
			if (c == '\n')
				chunk_ = Chunk::Size;
			break;
		}
		}
	}
}

void HttpListener::feed_content(const char *data, size_t size, int64_t now_ms)
{
	result_.bytes += size;
	if (now_ms - body_start_ms_ < kBurstWindowMs)
		result_.first_second_bytes += size;
	if (config_.mode != StreamMode::Sse)
		return;
	for (size_t i = 0; i < size; i++) {
		const char c = data[i];
		if (c == '\n') {
			sse_line(line_, now_ms);
			line_.clear();
		} else if (c != '\r') {
			line_.push_back(c);
		}
	}
}

void HttpListener::check_nchan_id()
{
	const size_t colon = id_text_.find(':');
	if (colon == std::string::npos)
		return;
	uint64_t seconds = 0;
	uint64_t n = 0;
	const char *text = id_text_.data();
	if (std::from_chars(text, text + colon, seconds).ec != std::errc() ||
	    std::from_chars(text + colon + 1, text + id_text_.size(), n).ec != std::errc())
		return;
	if (last_nchan_seconds_ != 0) {
		const bool next = (seconds == last_nchan_seconds_ && n == last_nchan_n_ + 1) ||
				  (seconds > last_nchan_seconds_ && n == 0);
		if (!next)
			result_.gaps++;
	}
	last_nchan_seconds_ = seconds;
	last_nchan_n_ = n;
}

void HttpListener::sse_line(const std::string &line, int64_t now_ms)
{
	if (line.empty()) {
		// End of a block: dispatch.
		check_nchan_id();
		if (event_ == "timing") {
			pending_timing_ = true;
			pending_capture_ms_ = capture_ms_of(data_);
		} else if (event_ == "audio") {
			result_.events++;
			if (now_ms - body_start_ms_ < kBurstWindowMs)
				result_.first_second_events++;
			if (has_id_) {
				if (last_audio_id_ != 0 && id_ != last_audio_id_ + 1)
					result_.gaps++;
				last_audio_id_ = id_;
			}
			// The first second of a stream is the join burst (audio up to 0.5 s old by design): only live
			// events measure the arrival delay.
			if (pending_timing_ && pending_capture_ms_ > 0 && now_ms - body_start_ms_ >= kBurstWindowMs)
				result_.delays_ms.push_back(now_ms - pending_capture_ms_);
			pending_timing_ = false;
		}
		event_.clear();
		data_.clear();
		has_id_ = false;
		id_text_.clear();
		return;
	}
	if (line[0] == ':')
		return; // comment (heartbeat)
	const size_t colon = line.find(':');
	const std::string_view field(line.data(), colon == std::string::npos ? line.size() : colon);
	std::string_view value;
	if (colon != std::string::npos) {
		value = std::string_view(line).substr(colon + 1);
		if (!value.empty() && value.front() == ' ')
			value.remove_prefix(1);
	}
	if (field == "event") {
		event_.assign(value);
	} else if (field == "id") {
		// Only a whole decimal number is one of the plugin's ids; nchan's are checked by check_nchan_id().
		const auto parsed = std::from_chars(value.data(), value.data() + value.size(), id_);
		has_id_ = parsed.ec == std::errc() && parsed.ptr == value.data() + value.size();
		id_text_.assign(value);
	} else if (field == "data") {
		// Only timing payloads are kept: audio data is counted, not decoded, to keep the client cheap.
		if (event_ == "timing")
			data_.assign(value);
	}
}

} // namespace sse_audio::bench
