#!/usr/bin/env bash
# Installs everything obs-sse-audio needs to build, run and test on Debian 12 / Ubuntu 22.04+ (as root or with sudo).
# Usage: scripts/install-deps.sh [build|test]   (test also installs what the test suite needs)
set -euo pipefail

what="${1:-build}"
packages=(
	build-essential cmake pkg-config git
	libobs-dev obs-studio
	libmp3lame-dev libcpp-httplib-dev nlohmann-json3-dev
	# The dock uses the Qt of the installed OBS (Debian 12: Qt 5; OBS built with Qt 6 elsewhere)
	qtbase5-dev qt6-base-dev libqrencode-dev
	xvfb xauth libgl1-mesa-dri libegl-mesa0
	# Packages (cpack -G DEB / TXZ): CPack's DEB generator needs file and dpkg-shlibdeps; xz for the .tar.xz.
	file dpkg-dev xz-utils
)
if [ "$what" = "test" ]; then
	packages+=(libgtest-dev googletest libmpg123-dev ffmpeg clang-format clang-tidy curl libzbar-dev libssl-dev xdotool)
	# The suite builds the project three times (plain, ASan, TSan) plus the fuzzers: ccache makes a re-run on the
	# same machine, or a fresh clone in another folder, rebuild only what changed.
	packages+=(ccache)
	# Browser tests: Debian's browsers, a PulseAudio null sink for their audio clock, Node for playwright/puppeteer.
	packages+=(chromium firefox-esr pulseaudio)
	# Relay tests and bench/relay.sh: nginx with nchan, and Redis for two nodes sharing channels.
	packages+=(nginx libnginx-mod-nchan redis-server)
	# Fuzzing (scripts/test-sanitizers.sh): Clang, and libFuzzer, which Debian 12 ships in libclang-rt-14-dev.
	packages+=(clang libclang-rt-14-dev)
	# The HTTPS reverse-proxy example run for real (tests/security). Where systemd runs, Debian also starts nginx's
	# default site on port 80: `systemctl disable --now nginx` if that machine should not serve it.
	packages+=(nginx openssl)
	# nodejs from elsewhere (e.g. NodeSource) brings its own npm and conflicts with Debian's npm package.
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		packages+=(nodejs npm)
	fi
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
	echo "install-deps: all ${#packages[@]} packages already installed"
	exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
