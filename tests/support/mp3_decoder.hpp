#pragma once

// Incremental MP3 decoding with libmpg123 (an independent decoder: the tests hear what a listener would hear).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

struct mpg123_handle_struct;

namespace sse_audio::itest {

class Mp3Decoder {
public:
	Mp3Decoder();
	~Mp3Decoder();
	Mp3Decoder(const Mp3Decoder &) = delete;
	Mp3Decoder &operator=(const Mp3Decoder &) = delete;

	// Feeds bytes (any split) and decodes every frame that became complete. Returns the PCM frames (per channel)
	// this call produced, or -1 on a decoder error (see error()).
	long feed(std::span<const uint8_t> bytes);

	[[nodiscard]] bool ok() const { return error_.empty(); }
	[[nodiscard]] const std::string &error() const { return error_; }
	[[nodiscard]] long sample_rate() const { return rate_; }
	[[nodiscard]] int channels() const { return channels_; }
	[[nodiscard]] const std::vector<float> &left() const { return left_; }
	[[nodiscard]] const std::vector<float> &right() const { return right_; }
	[[nodiscard]] size_t frames() const { return left_.size(); }
	// Format changes after the first (a stream must not change rate or channel count midway).
	[[nodiscard]] int format_changes() const { return format_changes_; }

private:
	mpg123_handle_struct *handle_ = nullptr;
	std::string error_;
	long rate_ = 0;
	int channels_ = 0;
	int format_changes_ = 0;
	std::vector<float> left_;
	std::vector<float> right_;
	std::vector<float> buffer_;
};

} // namespace sse_audio::itest
