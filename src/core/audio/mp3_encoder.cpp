#include "audio/mp3_encoder.hpp"

#include <lame/lame.h>

#include <algorithm>
#include <string>

namespace sse_audio {

bool is_mp3_bitrate(int kbps)
{
	return std::find(std::begin(kMp3Bitrates), std::end(kMp3Bitrates), kbps) != std::end(kMp3Bitrates);
}

Result<std::unique_ptr<Mp3Encoder>> Mp3Encoder::create(const Mp3EncoderConfig &config)
{
	if (config.sample_rate != 44100 && config.sample_rate != 48000)
		return Error{"MP3 streaming needs OBS to run at 44.1 kHz or 48 kHz (it runs at " +
				     std::to_string(config.sample_rate) + " Hz)",
			     "Failure.SampleRate",
			     {std::to_string(config.sample_rate)}};
	if (!is_mp3_bitrate(config.bitrate_kbps))
		return Error{"Bitrate " + std::to_string(config.bitrate_kbps) +
			     " kbps is not an MP3 bitrate; choose one of 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, "
			     "192, 224, 256, 320"};

	lame_global_flags *lame = lame_init();
	if (!lame)
		return Error{"LAME could not be initialised (out of memory)"};
	lame_set_in_samplerate(lame, config.sample_rate);
	lame_set_out_samplerate(lame, config.sample_rate);
	lame_set_num_channels(lame, 2);
	lame_set_mode(lame, JOINT_STEREO);
	lame_set_VBR(lame, vbr_off);
	lame_set_brate(lame, config.bitrate_kbps);
	lame_set_quality(lame, 2); // LAME's recommended "high quality" setting; fast enough for live use
	// A live stream has no file header to rewrite: no Xing/Info frame and no ID3 tags in the stream.
	lame_set_bWriteVbrTag(lame, 0);
	lame_set_write_id3tag_automatic(lame, 0);
	// Without the bit reservoir every frame carries all of its own audio data, so a listener can start
	// decoding at any event (burst, resume, skip forward) without a broken first frame.
	lame_set_disable_reservoir(lame, 1);
	if (lame_init_params(lame) < 0) {
		lame_close(lame);
		return Error{"LAME refused the settings (" + std::to_string(config.sample_rate) + " Hz, " +
			     std::to_string(config.bitrate_kbps) + " kbps)"};
	}
	return std::unique_ptr<Mp3Encoder>(new Mp3Encoder(lame, config));
}

Result<std::unique_ptr<FrameEncoder>> Mp3Encoder::create_frame_encoder(const EncoderSettings &settings)
{
	auto created = create(settings);
	if (!created)
		return created.failure();
	return std::unique_ptr<FrameEncoder>(std::move(*created));
}

Mp3Encoder::Mp3Encoder(lame_global_struct *lame, const Mp3EncoderConfig &config) : lame_(lame), config_(config) {}

Mp3Encoder::~Mp3Encoder()
{
	lame_close(lame_);
}

Status Mp3Encoder::encode(const float *left, const float *right, uint32_t frames, std::vector<uint8_t> &out)
{
	// Worst case from lame.h: 1.25 * samples + 7200 bytes.
	scratch_.resize(frames * 5 / 4 + 7200);
	const int n = lame_encode_buffer_ieee_float(lame_, left, right, static_cast<int>(frames), scratch_.data(),
						    static_cast<int>(scratch_.size()));
	if (n < 0)
		return Error{"LAME failed to encode (error " + std::to_string(n) + ")",
			     "Failure.LameEncode",
			     {std::to_string(n)}};
	out.insert(out.end(), scratch_.begin(), scratch_.begin() + n);
	return {};
}

Status Mp3Encoder::flush(std::vector<uint8_t> &out)
{
	scratch_.resize(7200);
	const int n = lame_encode_flush(lame_, scratch_.data(), static_cast<int>(scratch_.size()));
	if (n < 0)
		return Error{"LAME failed to flush (error " + std::to_string(n) + ")",
			     "Failure.LameFlush",
			     {std::to_string(n)}};
	out.insert(out.end(), scratch_.begin(), scratch_.begin() + n);
	return {};
}

int Mp3Encoder::encoder_delay() const
{
	return lame_get_encoder_delay(lame_);
}

} // namespace sse_audio
