#!/usr/bin/env bash
# The engine (src/core) and its unit tests, network tests included, cross-compiled for Windows x64 with Debian's
# MinGW-w64 and run under Debian's Wine, headless (docs/windows.md). Installs what it needs with apt (as root or with
# sudo). LAME and mpg123 for Windows are built from Debian's source packages once: they are kept in $SSE_AUDIO_CACHE
# (default /var/cache/obs-sse-audio, outside the checkout) with the Wine prefix, and reused. Prints
# `N passed, M failed` and fails on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

build="${BUILD_DIR:-build/windows}"
jobs="${JOBS:-$(nproc)}"
cache="${SSE_AUDIO_CACHE:-/var/cache/obs-sse-audio}"
prefix="$cache/mingw"
host=x86_64-w64-mingw32

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi

echo "== packages (MinGW-w64, Wine, GoogleTest's sources, nlohmann/json)"
packages=(cmake make g++-mingw-w64-x86-64-posix wine wine64 googletest nlohmann-json3-dev dpkg-dev
	bzip2 xz-utils ccache)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "installing ${missing[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
apt_dir="$cache/apt"
# The cache folder may be shared with other scripts: only our own folders in it become ours.
for dir in "$prefix" "$apt_dir" "$cache/wineprefix"; do
	$sudo mkdir -p "$dir"
	$sudo chown "$(id -u):$(id -g)" "$dir"
done

# Debian has no MinGW builds of LAME, mpg123 or cpp-httplib: they come from Debian's source packages, fetched
# through a private apt configuration (its own deb-src entry and index, so the machine's apt sources stay as they
# are), and only when one of them is not in the cache yet.
apt_private=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
	-o "Dir::State::Lists=$apt_dir/lists" -o "Debug::NoLocking=1")
if [ ! -f "$prefix/lame.built" ] || [ ! -f "$prefix/mpg123.built" ] || [ ! -f "$prefix/httplib.built" ]; then
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/sources.list.d"
	codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian" \
		"$codename main" >"$apt_dir/sources.list"
	apt-get "${apt_private[@]}" update -qq
fi
# Unpacks (with Debian's patches) the source package $1 into a new folder and prints that folder. Each file is
# fetched by apt's own helper against the hash in the archive's signed index. Upstream's signatures of the tarballs
# (*.asc) are skipped: the archive does not always serve them, and the index's hashes already vouch for the files.
debian_source() {
	local dir uri file _size hash
	dir="$(mktemp -d "$apt_dir/src.XXXXXX")"
	while read -r uri file _size hash; do
		case "$file" in *.asc) continue ;; esac
		/usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file "${uri//\'/}" "$dir/$file" "$hash" \
			>/dev/null || return 1
	done < <(apt-get "${apt_private[@]}" source --print-uris -qq "$1" | grep "^'")
	dpkg-source -x --no-check "$dir"/*.dsc "$dir/tree" >/dev/null || return 1
	echo "$dir/tree"
}

# The package and version a tree from debian_source came from, e.g. lame_3.100-6.
source_version() {
	local dsc
	dsc="$(find "$(dirname "$1")" -maxdepth 1 -name "*.dsc" | head -n1)"
	basename "$dsc" .dsc
}

# LAME: only the library (no front end, no decoder: the tests decode with their own code). Built once.
if [ ! -f "$prefix/lame.built" ]; then
	echo "== LAME for Windows (Debian's source package, built once into $prefix)"
	lame_tree="$(debian_source lame)" || exit 1
	(cd "$lame_tree" && nice -n 10 ./configure -q --host="$host" --prefix="$prefix" CC="$host-gcc-posix" \
		--enable-static --disable-shared --disable-frontend --disable-decoder --disable-gtktest &&
		nice -n 10 make -s -j"$jobs" -C libmp3lame && make -s -C libmp3lame install &&
		make -s -C include install) >"$prefix/lame-build.log" 2>&1 || {
		cat "$prefix/lame-build.log"
		exit 1
	}
	source_version "$lame_tree" >"$prefix/lame.built"
	rm -rf "$(dirname "$lame_tree")"
fi
echo "LAME: $(cat "$prefix/lame.built") in $prefix"

# mpg123: the tests' decoder (tests/support checks what the encoder made by decoding it). Only the library, and
# only its portable decoder: the tests need its answers, not its speed (the SIMD variants cost a fifth of its build).
if [ ! -f "$prefix/mpg123.built" ]; then
	echo "== mpg123 for Windows (Debian's source package, built once into $prefix)"
	mpg123_tree="$(debian_source mpg123)" || exit 1
	(cd "$mpg123_tree" && nice -n 10 ./configure -q --host="$host" --prefix="$prefix" CC="$host-gcc-posix" \
		--enable-static --disable-shared --disable-components --enable-libmpg123 --with-cpu=generic_fpu &&
		nice -n 10 make -s -j"$jobs" && make -s install) >"$prefix/mpg123-build.log" 2>&1 || {
		cat "$prefix/mpg123-build.log"
		exit 1
	}
	source_version "$mpg123_tree" >"$prefix/mpg123.built"
	rm -rf "$(dirname "$mpg123_tree")"
fi
echo "mpg123: $(cat "$prefix/mpg123.built") in $prefix"

# cpp-httplib: Debian's libcpp-httplib-dev ships the header split from its implementation (in the Linux library),
# so the whole header-only httplib.h comes from the same source package instead, with Debian's patches.
if [ ! -f "$prefix/httplib.built" ]; then
	echo "== cpp-httplib's header (Debian's source package)"
	httplib_tree="$(debian_source cpp-httplib)" || exit 1
	mkdir -p "$prefix/include"
	cp "$httplib_tree/httplib.h" "$prefix/include/"
	source_version "$httplib_tree" >"$prefix/httplib.built"
	rm -rf "$(dirname "$httplib_tree")"
fi
echo "cpp-httplib: $(cat "$prefix/httplib.built") (header only)"

# nlohmann/json is header-only in Debian's package too: its headers and CMake package are copied into the prefix,
# so that the cross build finds them without searching the build machine's /usr/include.
mkdir -p "$prefix/include" "$prefix/share/cmake"
cp -ru /usr/include/nlohmann "$prefix/include/"
cp -ru /usr/share/cmake/nlohmann_json "$prefix/share/cmake/"

echo "== configure and build ($build)"
source scripts/compiler-cache.sh
cmake -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_BUILD_TYPE=Release -DSSE_AUDIO_WARNINGS_AS_ERRORS=ON -DSSE_AUDIO_CORE_ONLY=ON \
	-DSSE_AUDIO_GTEST_SOURCE_DIR=/usr/src/googletest "${compiler_cache[@]}" >/dev/null
nice -n 10 cmake --build "$build" -j"$jobs"

# Wine, headless: no display, no Mono or Gecko installer prompts, a prefix of our own (made once, kept in the
# cache). Only this prefix's wineserver is stopped at the end.
export WINEPREFIX="${WINEPREFIX:-$cache/wineprefix}" WINEDEBUG=-all DISPLAY= WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -f "$WINEPREFIX/system.reg" ]; then
	echo "== Wine prefix ($WINEPREFIX, made once)"
	wineboot -i >/dev/null 2>&1
	wineserver -w
fi
trap 'wineserver -k 2>/dev/null || true' EXIT

echo "== unit tests under Wine (network tests on 127.0.0.1 included)"
report="$build/unit-tests.xml"
rm -f "$report"
status=0
wine "$build/tests/unit/sse_audio_unit_tests.exe" --gtest_output="xml:$(winepath -w "$report")" || status=$?
# The counts from GoogleTest's report; a run that ended without one (a crash) counts as one failure.
if [ -f "$report" ]; then
	root="$(grep -m1 '<testsuites ' "$report")"
	attribute() {
		sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$root"
	}
	total="$(attribute tests)"
	failed="$(attribute failures)"
	skipped="$(grep -c 'result="skipped"' "$report" || true)"
	passed=$((total - failed - skipped))
	if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
		failed=1
	fi
else
	passed=0
	failed=1
fi
if [ "${skipped:-0}" -gt 0 ]; then
	echo "($skipped skipped, named above: not counted as passed)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
