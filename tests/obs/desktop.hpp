#pragma once

// Drives the X display the way a person would, through xdotool, and takes screenshots with ffmpeg's x11grab.

#include <chrono>
#include <string>
#include <vector>

namespace sse_audio::obstest {

// Sends key presses (xdotool names: "alt+t", "Up", "Return") to the focused window, 150 ms apart.
bool press_keys(const std::vector<std::string> &keys);
// Gives the input focus to OBS's main window (its title starts with "OBS <version>").
bool focus_main_window();
// Gives the input focus to the visible window whose title is exactly `title` (a floating dock, say).
bool focus_window(const std::string &title);
// Waits until a visible window's title is exactly `title`.
bool wait_for_window(const std::string &title, std::chrono::milliseconds timeout);
// Saves the whole screen as a PNG.
bool screenshot(const std::string &path);

} // namespace sse_audio::obstest
