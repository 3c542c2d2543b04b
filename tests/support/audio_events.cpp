#include "audio_events.hpp"

#include <charconv>

namespace sse_audio::itest {

namespace {

constexpr size_t kMaxProblemsKept = 8;

} // namespace

bool AudioEvents::ids_consecutive(std::string *where) const
{
	for (size_t i = 1; i < events.size(); i++) {
		if (events[i].id != events[i - 1].id + 1) {
			if (where)
				*where = "event " + std::to_string(i) + ": id " + std::to_string(events[i].id) +
					 " after " + std::to_string(events[i - 1].id);
			return false;
		}
	}
	return true;
}

std::string AudioEvents::problems_text() const
{
	std::string text = std::to_string(problem_count) + " problem(s)";
	for (const auto &p : problems)
		text += "\n  " + p;
	return text;
}

AudioEvents check_audio_events(const std::vector<SseEvent> &sse)
{
	AudioEvents out;
	const auto problem = [&out](const std::string &text) {
		out.problem_count++;
		if (out.problems.size() < kMaxProblemsKept)
			out.problems.push_back(text);
	};
	for (size_t i = 0; i < sse.size(); i++) {
		const SseEvent &e = sse[i];
		if (e.type != "audio") {
			out.other_events++;
			continue;
		}
		const std::string where =
			"audio event " + std::to_string(out.events.size()) + " (block " + std::to_string(i) + ")";
		AudioEvent a;
		a.arrived = e.arrived;
		if (!e.id) {
			problem(where + ": no id");
		} else {
			const auto [ptr, ec] = std::from_chars(e.id->data(), e.id->data() + e.id->size(), a.id);
			if (ec != std::errc() || ptr != e.id->data() + e.id->size() || e.id->empty())
				problem(where + ": id \"" + *e.id + "\" is not a decimal number");
		}
		if (e.data_lines != 1)
			problem(where + ": " + std::to_string(e.data_lines) + " data lines, expected 1");
		const auto mp3 = strict_base64_decode(e.data);
		if (!mp3) {
			problem(where + ": data is not valid padded base64 (" + std::to_string(e.data.size()) +
				" chars)");
		} else {
			a.mp3_bytes = mp3->size();
			a.walk = walk_mp3_frames(*mp3);
			if (!a.walk.whole)
				problem(where + ": not whole MPEG-1 Layer III frames: " + a.walk.problem);
			out.bitrates.insert(a.walk.bitrates.begin(), a.walk.bitrates.end());
			out.sample_rates.insert(a.walk.sample_rates.begin(), a.walk.sample_rates.end());
			out.mp3_frames += a.walk.frames;
			a.decoded_frames = out.decoder->feed(*mp3);
			if (a.decoded_frames < 0)
				problem(where + ": " + out.decoder->error());
		}
		out.arrivals.push_back({a.arrived, std::max(a.decoded_frames, 0L)});
		out.events.push_back(std::move(a));
	}
	return out;
}

Mp3StreamCapture capture_mp3_stream(int port, std::chrono::milliseconds duration, std::string_view target)
{
	Mp3StreamCapture out;
	auto stream = HttpStream::open(port, target, {}, std::chrono::seconds(5), &out.error);
	if (!stream)
		return out;
	out.opened = true;
	out.head = stream->head();
	out.connected = stream->connected_at();
	const auto deadline = out.connected + duration;
	std::string chunk;
	for (int i = 0; i < 10'000'000 && Clock::now() < deadline; i++) {
		chunk.clear();
		const BodyRead got = stream->read_body(chunk, deadline);
		const auto now = Clock::now();
		if (!chunk.empty()) {
			const auto *begin = reinterpret_cast<const uint8_t *>(chunk.data());
			out.bytes.insert(out.bytes.end(), begin, begin + chunk.size());
			const long frames = out.decoder->feed({begin, chunk.size()});
			out.arrivals.push_back({now, std::max(frames, 0L)});
		}
		if (got == BodyRead::End || got == BodyRead::Error) {
			out.ended = true;
			break;
		}
	}
	return out;
}

std::span<const float> decoded_tail(const Mp3Decoder &decoder, double seconds)
{
	const auto &left = decoder.left();
	const size_t want = static_cast<size_t>(seconds * static_cast<double>(decoder.sample_rate()));
	const size_t take = std::min(want, left.size());
	return std::span<const float>(left).subspan(left.size() - take);
}

} // namespace sse_audio::itest
