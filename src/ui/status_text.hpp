#pragma once

// The dock's words for the plugin's state and figures, in OBS's language. Kept apart from the widgets so that
// each state's text can be checked on its own.

#include "stream_control.hpp"

#include <QString>

namespace sse_audio::ui {

// "Stopped", "Starting…", "Live since 14:03:22" (local time), "Stopping…", "Error: <reason>".
QString status_line(const obs::StreamState &state);

// 999 B, 1.5 KB, 12.3 MB, 4.56 GB (powers of 1024).
QString format_bytes(uint64_t bytes);

// The relay's state for the dock: "Connected: 1234 events relayed, 56 listeners on the relay", "Retrying in 2 s:
// <error>", followed by the failures so far when there were any.
QString relay_line(const RelayStats &relay);

// The message shown beside a refused field; `field` is a settings key (`port`, `bitrate`, ...).
QString problem_text(const std::string &field);

} // namespace sse_audio::ui
