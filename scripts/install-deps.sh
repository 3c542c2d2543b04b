#!/usr/bin/env bash
# Installs everything obs-sse-audio needs to build, run and test (as root or with sudo). Tested on Debian 12
# (bookworm: OBS 29, Qt 5), Debian 13 (trixie: OBS 30, Qt 6) and Debian sid (OBS 32, Qt 6); Ubuntu 22.04+ too.
# Usage: scripts/install-deps.sh [build|test|distro-test]
#   test         also what the whole test suite needs (browsers, relay, fuzzing, packages)
#   distro-test  what scripts/test-distros.sh runs in each Debian root: the build, unit, integration and real-OBS
#                tests, without the browsers, the relay and the fuzzers (smaller roots)
set -euo pipefail

what="${1:-build}"
case "$what" in
build | test | distro-test) ;;
*)
	echo "usage: $0 [build|test|distro-test]" >&2
	exit 2
	;;
esac

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
# Package names differ between releases, so they are chosen from what this machine's apt knows; that needs lists.
if ! compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; then
	$sudo apt-get update -qq
fi
# The first of the names that this release's archive has (e.g. libclang-rt-14-dev on Debian 12, libclang-rt-dev
# from trixie on).
first_available() {
	local name
	for name in "$@"; do
		if apt-cache policy "$name" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | grep -v '(none)' >/dev/null; then
			echo "$name"
			return 0
		fi
	done
	echo "install-deps: none of $* is in this release's archive" >&2
	return 1
}

packages=(
	build-essential cmake pkg-config git
	libobs-dev obs-studio
	libmp3lame-dev libcpp-httplib-dev nlohmann-json3-dev
	libqrencode-dev
	xvfb xauth libgl1-mesa-dri libegl-mesa0
	# Packages (cpack -G DEB / TXZ): CPack's DEB generator needs file and dpkg-shlibdeps; xz for the .tar.xz.
	file dpkg-dev xz-utils
)
# The dock uses the Qt of the installed OBS, so Qt 5 only where the distribution's OBS is built with it (Debian 12);
# Qt 6 always (OBS's own builds, and Debian from trixie on).
packages+=(qt6-base-dev)
# (grep reads all: with -q it could stop early and fail apt-cache, and so the pipeline, with SIGPIPE.)
if apt-cache depends obs-studio 2>/dev/null | grep 'libqt5' >/dev/null; then
	packages+=(qtbase5-dev)
fi
if [ "$what" = "test" ] || [ "$what" = "distro-test" ]; then
	packages+=(libgtest-dev googletest libmpg123-dev ffmpeg curl libzbar-dev libssl-dev xdotool)
	# The suite builds the project three times (plain, ASan, TSan) plus the fuzzers: ccache makes a re-run on the
	# same machine, or a fresh clone in another folder, rebuild only what changed.
	packages+=(ccache)
fi
if [ "$what" = "test" ]; then
	packages+=(clang-format clang-tidy)
	# Browser tests: Debian's browsers, a PulseAudio null sink for their audio clock, Node for playwright/puppeteer.
	packages+=(chromium firefox-esr pulseaudio pulseaudio-utils)
	# WebKitGTK (Safari's engine): the driver brings MiniBrowser (libwebkit2gtk-4.1-0); WebKit plays through
	# GStreamer, into PulseAudio only with its pulsesink, and wants the decoders and elements WebKit recommends,
	# which --no-install-recommends leaves out.
	packages+=(webkit2gtk-driver gstreamer1.0-pulseaudio gstreamer1.0-libav gstreamer1.0-plugins-bad)
	# Relay tests and bench/relay.sh: nginx with nchan, and Redis for two nodes sharing channels.
	packages+=(nginx libnginx-mod-nchan redis-server)
	# Fuzzing (scripts/test-sanitizers.sh): Clang, and libFuzzer for it: libclang-rt-dev names the default Clang's
	# (Debian 12: 14; trixie and sid have no libclang-rt-14-dev); releases without it get the Clang 14 one.
	packages+=(clang "$(first_available libclang-rt-dev libclang-rt-14-dev)")
	# The HTTPS reverse-proxy example run for real (tests/security). Where systemd runs, Debian also starts nginx's
	# default site on port 80: `systemctl disable --now nginx` if that machine should not serve it.
	packages+=(nginx openssl)
	# scripts/test-distros.sh: the Debian 13 and sid roots the plugin is built and tested in.
	packages+=(debootstrap)
	# nodejs from elsewhere (e.g. NodeSource) brings its own npm and conflicts with Debian's npm package.
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		packages+=(nodejs npm)
	fi
fi
if [ "$what" = "distro-test" ]; then
	# The tests' network namespace needs its loopback brought up (ip link set lo up).
	packages+=(iproute2)
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# sid's libzbar-dev ships a zbar.pc whose Requires.private name packages it does not depend on; pkg-config then
# finds no zbar at all. Install them only where that is so.
if [ "$what" != "build" ] && ! pkg-config --exists zbar 2>/dev/null; then
	echo "install-deps: zbar.pc needs more -dev packages here: installing them"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
		libv4l-dev libjpeg-dev libdbus-1-dev libxext-dev >/dev/null
	pkg-config --exists zbar
fi
echo "install-deps: ${#packages[@]} packages present (${#missing[@]} installed now)"
