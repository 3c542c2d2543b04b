#!/usr/bin/env bash
# The release packages, as a user gets them (ctest label "package"; needs root or sudo, apt-get and Xvfb):
#   .deb     built by CPack, installed with `apt-get install ./…deb`, found and loaded by libobs from OBS's system
#            plugin folders (the host's --find-module searches exactly where OBS does), then removed with
#            `apt-get remove`, which must leave those folders as they were before.
#   .tar.xz  unpacked into a fresh ~/.config/obs-studio/plugins/, where OBS's frontend looks for user plugins, and
#            loaded from there the same way.
# Both must carry the project version, which the loaded plugin must also log and report in /status.json.
# Usage: package_test.sh BUILD_DIR HOST_BINARY VERSION SOURCE_DIR
set -euo pipefail

build="$1"
host="$2"
version="$3"
source_dir="$4"
package=obs-sse-audio
system_bin=/usr/lib/x86_64-linux-gnu/obs-plugins
system_data=/usr/share/obs/obs-plugins

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "SKIP: installing a .deb needs root or sudo"
		exit 77
	}
	sudo="sudo -n"
fi
# Never replace a copy someone installed on purpose: this test removes the package when it ends.
if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
	echo "SKIP: $package is installed on this machine; this test would replace and then remove it"
	exit 77
fi

work="$(mktemp -d)"
installed=0
host_group=""
cleanup() {
	if [ -n "$host_group" ]; then
		kill -- -"$host_group" 2>/dev/null || true
		wait 2>/dev/null || true
	fi
	if [ "$installed" -eq 1 ]; then
		$sudo apt-get remove -y -qq -o DPkg::Lock::Timeout=120 "$package" >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "== build the packages (cpack)"
(cd "$build" && cpack -G DEB >"$work/cpack-deb.log" 2>&1) || {
	cat "$work/cpack-deb.log"
	fail "cpack -G DEB"
}
(cd "$build" && cpack -G TXZ >"$work/cpack-txz.log" 2>&1) || {
	cat "$work/cpack-txz.log"
	fail "cpack -G TXZ"
}
deb="$build/packages/${package}_${version}_amd64.deb"
txz="$build/packages/${package}-${version}-linux-x86_64.tar.xz"
[ -f "$deb" ] || fail "no $deb (the file name must carry the project version $version)"
[ -f "$txz" ] || fail "no $txz (the file name must carry the project version $version)"

# What both packages must hold besides the module: every file in data/, nothing else.
(cd "$source_dir/data" && find . -type f | sed 's|^\./||' | sort) >"$work/data-files"
[ -s "$work/data-files" ] || fail "no files in $source_dir/data"

echo "== .deb control fields"
[ "$(dpkg-deb -f "$deb" Package)" = "$package" ] || fail "package name"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version $(dpkg-deb -f "$deb" Version), expected $version"
depends="$(dpkg-deb -f "$deb" Depends)"
echo "Depends: $depends"
for needed in obs-studio libobs0 libmp3lame0 'libcpp-httplib0[.][0-9]+' libqrencode4 'libqt[56]widgets[56]'; do
	grep -Eq "(^|, )$needed( |,|$)" <<<"$depends" || fail "Depends lacks $needed"
done

echo "== .deb contents"
{
	echo "$system_bin/$package.so"
	sed "s|^|$system_data/$package/|" "$work/data-files"
} | sort >"$work/deb-expected"
dpkg-deb --fsys-tarfile "$deb" | tar -t | grep -v '/$' | sed 's|^\./|/|' | sort >"$work/deb-actual"
diff -u "$work/deb-expected" "$work/deb-actual" || fail ".deb holds other files than the module and data/"

echo "== tar.xz contents"
{
	echo "$package/bin/64bit/$package.so"
	sed "s|^|$package/data/|" "$work/data-files"
} | sort >"$work/txz-expected"
tar -tJf "$txz" | grep -v '/$' | sed 's|^\./||' | sort >"$work/txz-actual"
diff -u "$work/txz-expected" "$work/txz-actual" || fail ".tar.xz holds other files than the per-user layout"

# Runs the host with --find-module, HOME pointing at $1, and checks what it loaded and serves: the module from
# $2, the version in the log and /status.json, the player page from the data folder $3.
check_loaded_from() {
	local home="$1" expected_module="$2" expected_data="$3"
	local out="$work/host.out" err="$work/host.err" port=""
	for _ in 1 2 3 4 5; do
		port=$((20000 + (RANDOM % 20000)))
		# Commands go through a FIFO ("quit" when done; --duration bounds the run if that is never read).
		# libobs needs an X display: Xvfb when there is none.
		local display_wrapper=()
		[ -n "${DISPLAY:-}" ] || display_wrapper=(xvfb-run -a -s "-screen 0 640x480x24")
		rm -f "$work/commands"
		mkfifo "$work/commands"
		# In its own process group, so that a failed check can stop it with Xvfb (cleanup below).
		setsid env -u XDG_CONFIG_HOME HOME="$home" timeout 90 "${display_wrapper[@]}" "$host" --find-module \
			--bind 127.0.0.1 --port "$port" --duration 60 <"$work/commands" >"$out" 2>"$err" &
		local pid=$!
		host_group=$pid
		exec 3>"$work/commands"
		local waited=0
		while [ "$waited" -lt 200 ] && ! grep -qE '^(READY|START FAILED|error)' "$out"; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
			waited=$((waited + 1))
		done
		if grep -q '^READY' "$out"; then
			break
		fi
		exec 3>&-
		wait "$pid" || true
		if ! grep -q '^START FAILED' "$out"; then
			cat "$out" "$err" >&2
			fail "the host did not start with the installed plugin"
		fi
		port="" # the port was taken: try another
	done
	[ -n "$port" ] || fail "no free port in 5 attempts"
	grep -qxF "module: $expected_module (data: $expected_data)" "$out" || {
		cat "$out" >&2
		fail "the plugin was not loaded from $expected_module"
	}
	# READY can come a moment before the server accepts connections: the first request may retry for 5 s.
	curl -fsS --max-time 5 --retry 25 --retry-delay 0 --retry-max-time 5 --retry-connrefused \
		"http://127.0.0.1:$port/status.json" >"$work/status.json" || fail "GET /status.json"
	grep -q "\"version\":\"$version\"" "$work/status.json" || fail "/status.json lacks version $version"
	curl -fsS --max-time 5 "http://127.0.0.1:$port/" >"$work/index.html" || {
		tail -20 "$out" "$err" >&2
		fail "GET /"
	}
	cmp -s "$work/index.html" "$expected_data/web/index.html" || fail "GET / is not $expected_data/web/index.html"
	echo quit >&3
	exec 3>&-
	wait "$pid" || fail "the host exited with an error (status $?)"
	host_group=""
	grep -qF "[obs-sse-audio] loaded version $version" "$err" || {
		tail -20 "$err" >&2
		fail "the log lacks '[obs-sse-audio] loaded version $version'"
	}
	echo "loaded $expected_module; /status.json version $version; player page from $expected_data"
}

snapshot() {
	find "$system_bin" "$system_data" 2>/dev/null | sort
}

echo "== apt-get install ./$(basename "$deb")"
snapshot >"$work/before"
installed=1
(cd "$(dirname "$deb")" && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	-o DPkg::Lock::Timeout=120 "./$(basename "$deb")" >"$work/apt-install.log" 2>&1) || {
	cat "$work/apt-install.log"
	fail "apt-get install"
}
dpkg-query -W -f='${Version}' "$package" | grep -qxF "$version" || fail "dpkg does not list $package $version"
dpkg -L "$package" >"$work/listed"
while read -r path; do
	[ -e "$path" ] || fail "dpkg lists $path, which is missing"
done <"$work/listed"

echo "== the host finds and loads the plugin where OBS looks for system plugins"
mkdir -p "$work/empty-home"
check_loaded_from "$work/empty-home" "$system_bin/$package.so" "$system_data/$package"

echo "== apt-get remove"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq -o DPkg::Lock::Timeout=120 "$package" \
	>"$work/apt-remove.log" 2>&1 || {
	cat "$work/apt-remove.log"
	fail "apt-get remove"
}
installed=0
if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -qE "installed|config-files"; then
	fail "dpkg still knows $package: $(dpkg-query -W -f='${Status}' "$package")"
fi
snapshot >"$work/after"
diff -u "$work/before" "$work/after" || fail "apt-get remove left the plugin folders different from before"
while read -r path; do
	case "$path" in
	"$system_bin/$package"* | "$system_data/$package"*)
		[ ! -e "$path" ] || fail "$path is left after removal"
		;;
	esac
done <"$work/listed"

echo "== the tar.xz unpacked into ~/.config/obs-studio/plugins/ is found and loaded from there"
user_plugins="$work/user-home/.config/obs-studio/plugins"
mkdir -p "$user_plugins"
tar -xJf "$txz" -C "$user_plugins"
check_loaded_from "$work/user-home" "$user_plugins/$package/bin/64bit/$package.so" "$user_plugins/$package/data"
echo "package test passed"
