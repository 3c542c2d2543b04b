#!/usr/bin/env bash
# Builds obs-sse-audio, installs it into OBS's per-user plugin folder, and starts it. On a desktop (DISPLAY set) with
# OBS installed and no arguments, that is OBS itself, where the dock (Tools > SSE Audio Stream) starts the stream.
# Otherwise the headless host streams: real libobs with the installed plugin, fed a 440 Hz test tone (or, with
# arguments, e.g. --capture or --file PATH); it prints the listener URL.
# Any arguments are passed to obs-sse-audio-host (see --help), e.g. scripts/run.sh --port 9000 --bitrate 192
set -euo pipefail
cd "$(dirname "$0")/.."

build="${BUILD_DIR:-build/release}"

bash scripts/install-deps.sh build

echo "== build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSSE_AUDIO_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)"

echo "== install the plugin"
cmake --install "$build" | grep -v "Up-to-date" || true

# On a desktop with OBS installed, OBS itself: the plugin is installed, and Tools > SSE Audio Stream opens the dock
# with its Start button. Without arguments only: arguments are for the headless host below.
if [ -n "${DISPLAY:-}" ] && [ "$#" -eq 0 ] && command -v obs >/dev/null; then
	echo "== start OBS: Tools > SSE Audio Stream opens the dock; press Start there"
	exec obs
fi

echo "== start streaming (Ctrl+C to stop)"
host="$build/src/host/obs-sse-audio-host"
if [ -n "${DISPLAY:-}" ]; then
	exec "$host" "$@"
fi
# libobs needs an X display even without a window.
exec xvfb-run -a -s "-screen 0 640x480x24" "$host" "$@"
