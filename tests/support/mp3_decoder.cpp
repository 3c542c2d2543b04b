#include "mp3_decoder.hpp"

#include <mpg123.h>

namespace sse_audio::itest {

Mp3Decoder::Mp3Decoder() : buffer_(1152 * 2 * 4)
{
	mpg123_init(); // a no-op since mpg123 1.27, required before it
	int err = MPG123_OK;
	handle_ = mpg123_new(nullptr, &err);
	if (!handle_) {
		error_ = std::string("mpg123_new: ") + mpg123_plain_strerror(err);
		return;
	}
	mpg123_param(handle_, MPG123_ADD_FLAGS, MPG123_QUIET, 0);
	// Count every decoded sample: no gapless trimming from a LAME tag.
	mpg123_param(handle_, MPG123_REMOVE_FLAGS, MPG123_GAPLESS, 0);
	mpg123_format_none(handle_);
	for (const long rate : {32000L, 44100L, 48000L})
		mpg123_format(handle_, rate, MPG123_MONO | MPG123_STEREO, MPG123_ENC_FLOAT_32);
	if (mpg123_open_feed(handle_) != MPG123_OK)
		error_ = std::string("mpg123_open_feed: ") + mpg123_strerror(handle_);
}

Mp3Decoder::~Mp3Decoder()
{
	if (handle_)
		mpg123_delete(handle_);
}

long Mp3Decoder::feed(std::span<const uint8_t> bytes)
{
	if (!error_.empty())
		return -1;
	if (!bytes.empty() && mpg123_feed(handle_, bytes.data(), bytes.size()) != MPG123_OK) {
		error_ = std::string("mpg123_feed: ") + mpg123_strerror(handle_);
		return -1;
	}
	long produced = 0;
	// Bounded: each round consumes input or ends; the cap only guards against a decoder bug.
	for (int guard = 0; guard < 100'000; guard++) {
		size_t done = 0;
		const int ret = mpg123_read(handle_, buffer_.data(), buffer_.size() * sizeof(float), &done);
		const size_t samples = done / sizeof(float);
		if (channels_ == 2) {
			for (size_t i = 0; i + 1 < samples; i += 2) {
				left_.push_back(buffer_[i]);
				right_.push_back(buffer_[i + 1]);
			}
			produced += static_cast<long>(samples / 2);
		} else if (channels_ == 1) {
			left_.insert(left_.end(), buffer_.begin(),
				     buffer_.begin() + static_cast<std::ptrdiff_t>(samples));
			right_.insert(right_.end(), buffer_.begin(),
				      buffer_.begin() + static_cast<std::ptrdiff_t>(samples));
			produced += static_cast<long>(samples);
		}
		if (ret == MPG123_NEW_FORMAT) {
			long rate = 0;
			int channels = 0;
			int encoding = 0;
			mpg123_getformat(handle_, &rate, &channels, &encoding);
			if (channels_ != 0 && (rate != rate_ || channels != channels_))
				format_changes_++;
			rate_ = rate;
			channels_ = channels;
			continue;
		}
		if (ret == MPG123_OK)
			continue;
		if (ret == MPG123_NEED_MORE || ret == MPG123_DONE)
			return produced;
		error_ = std::string("mpg123_read: ") + mpg123_strerror(handle_);
		return -1;
	}
	error_ = "mpg123 did not finish";
	return -1;
}

} // namespace sse_audio::itest
