// The MPEG audio frame header parser and the splitter that cuts LAME's output into whole frames. The input is
// split into appends of fuzzer-chosen sizes; every byte must come out as part of a frame, as skipped, or as
// pending, and every frame must be exactly what its own header says.

#include "audio/mpeg_frame.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <vector>

namespace {

void check(bool condition)
{
	if (!condition)
		std::abort();
}

void check_header(const sse_audio::MpegFrameHeader &h)
{
	check(h.layer >= 1 && h.layer <= 3);
	check(h.bitrate_kbps >= 8 && h.bitrate_kbps <= 448);
	check(h.sample_rate >= 8000 && h.sample_rate <= 48000);
	check(h.channels == 1 || h.channels == 2);
	// The splitter advances by frame_bytes: a frame shorter than its header would make it loop or read garbage.
	check(h.frame_bytes > 4 && h.frame_bytes <= 2881);
	check(h.samples_per_frame == 384 || h.samples_per_frame == 576 || h.samples_per_frame == 1152);
	check(h.duration_ns() > 0 && h.duration_ns() <= 144'000'000);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (const auto header = sse_audio::parse_mpeg_frame_header({data, size}))
		check_header(*header);

	FuzzedDataProvider input(data, size);
	sse_audio::MpegFrameSplitter splitter;
	std::vector<uint8_t> frame;
	sse_audio::MpegFrameHeader header;
	size_t appended = 0;
	size_t framed = 0;
	while (input.remaining_bytes() > 0) {
		const auto piece = input.ConsumeBytes<uint8_t>(input.ConsumeIntegralInRange<size_t>(0, 3000));
		splitter.append(piece);
		appended += piece.size();
		while (splitter.next_frame(frame, &header)) {
			check_header(header);
			check(frame.size() == header.frame_bytes);
			const auto again = sse_audio::parse_mpeg_frame_header(frame);
			check(again && again->frame_bytes == frame.size());
			framed += frame.size();
		}
	}
	check(framed + splitter.skipped_bytes() + splitter.pending_bytes() == appended);
	return 0;
}
