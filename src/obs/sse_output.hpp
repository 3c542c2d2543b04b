#pragma once

#include <obs.h>

#include "audio/audio_channel.hpp"
#include "audio/frame_encoder.hpp"
#include "relay/relay_stats.hpp"
#include "stream.hpp"
#include "serve/stream_server.hpp"

#include <optional>
#include <string>

namespace sse_audio::obs {

// Output type id: part of the contract (docs/architecture.md).
inline constexpr const char *kOutputId = "sse_audio_output";

// What an output type is made with. obs_module_load registers kOutputId with the defaults; tests register the same
// output under other ids, with an encoder of their own (one that fails mid-stream) or their own player files.
struct OutputTypeOptions {
	EncoderFactory make_encoder; // empty: LAME
	std::string web_root;        // the player's files; empty: the module's data/web
};

// Registers the output type with libobs.
void register_sse_output(const char *id = kOutputId, OutputTypeOptions options = {});

// What a running sse_audio_output reports: its stream's figures (the server's listeners, the channel's audio,
// the relay's).
using OutputFigures = StreamStats;

// The figures of `output` when it is an sse_audio_output that is capturing. nullopt when it is stopped, and also
// while a start or stop is in progress: callers poll from the UI thread and must never wait for a stop.
std::optional<OutputFigures> read_output_figures(obs_output_t *output);
// Why `output` last failed (a start, or the stream stopped by an encoder error), with the words' locale key when it
// has one (Error); nullopt when the output is not this plugin's or it has not failed since its last start.
std::optional<Error> read_output_failure(obs_output_t *output);

} // namespace sse_audio::obs
