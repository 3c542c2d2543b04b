#pragma once

#include <obs.h>

namespace sse_audio::obs {

// libobs creates no output, not even an audio-only one, without a video mix. OBS has one; obs-sse-audio-host and
// the libobs tests set up the smallest that works: 64x64 at 30 fps through libobs-opengl, so they need an X
// display (xvfb-run -a). Returns obs_reset_video's code (OBS_VIDEO_SUCCESS when it worked).
inline int reset_tiny_video_mix()
{
	struct obs_video_info video = {};
	video.graphics_module = "libobs-opengl";
	video.fps_num = 30;
	video.fps_den = 1;
	video.base_width = video.output_width = 64;
	video.base_height = video.output_height = 64;
	video.output_format = VIDEO_FORMAT_NV12;
	video.gpu_conversion = true;
	video.colorspace = VIDEO_CS_709;
	video.range = VIDEO_RANGE_PARTIAL;
	video.scale_type = OBS_SCALE_BICUBIC;
	return obs_reset_video(&video);
}

} // namespace sse_audio::obs
