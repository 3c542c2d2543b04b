#include "desktop.hpp"

#include "obs_process.hpp"

#include <regex>
#include <thread>

namespace sse_audio::obstest {

namespace {

constexpr auto kCommandTimeout = std::chrono::seconds(10);

std::string regex_escape(const std::string &text)
{
	static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
	return std::regex_replace(text, special, R"(\$&)");
}

} // namespace

bool press_keys(const std::vector<std::string> &keys)
{
	std::vector<std::string> argv = {"xdotool", "key", "--delay", "150"};
	argv.insert(argv.end(), keys.begin(), keys.end());
	return run_command(argv, kCommandTimeout) == 0;
}

bool focus_main_window()
{
	// No window manager runs under Xvfb, so focus is set directly rather than through window activation.
	return run_command({"xdotool", "search", "--onlyvisible", "--name", "^OBS [0-9]", "windowfocus"},
			   kCommandTimeout) == 0;
}

bool focus_window(const std::string &title)
{
	return run_command({"xdotool", "search", "--onlyvisible", "--name", "^" + regex_escape(title) + "$",
			    "windowfocus"},
			   kCommandTimeout) == 0;
}

bool wait_for_window(const std::string &title, std::chrono::milliseconds timeout)
{
	const auto deadline = std::chrono::steady_clock::now() + timeout;
	do {
		std::string out;
		if (run_command({"xdotool", "search", "--onlyvisible", "--name", "^" + regex_escape(title) + "$"},
				kCommandTimeout, &out) == 0 &&
		    !out.empty())
			return true;
		std::this_thread::sleep_for(std::chrono::milliseconds(200));
	} while (std::chrono::steady_clock::now() < deadline);
	return false;
}

bool screenshot(const std::string &path)
{
	const char *display = std::getenv("DISPLAY");
	return run_command({"ffmpeg", "-loglevel", "error", "-y", "-f", "x11grab", "-i", display ? display : ":0",
			    "-frames:v", "1", path},
			   kCommandTimeout) == 0;
}

} // namespace sse_audio::obstest
