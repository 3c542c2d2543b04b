#!/usr/bin/env bash
# Builds the plugin with warnings as errors and runs its unit, integration and real-OBS tests against the OBS, Qt
# and cpp-httplib of other Debian releases (default: trixie, OBS 30.2 / Qt 6.8 / cpp-httplib 0.18; sid, OBS 32 /
# Qt 6.11 / cpp-httplib 0.41), each in a debootstrapped root of its own, inside a network namespace of its own.
# Needs root, debootstrap and Debian's archive (http://deb.debian.org/debian).
# Usage: scripts/test-distros.sh [SUITE...]
# Environment:
#   SSE_AUDIO_DISTRO_CACHE         roots, ccache and logs, outside the checkout (default /var/cache/obs-sse-audio);
#                                  a root is reused while complete and made from the same scripts/install-deps.sh
#   SSE_AUDIO_DISTRO_JOBS          parallel compile jobs (default: the number of cores, at most 2)
#   SSE_AUDIO_DISTRO_OBS           0 skips the real-OBS test (ctest -L obs)
#   SSE_AUDIO_DISTRO_PREPARE_ONLY  1 only makes (or updates) the roots
set -euo pipefail
cd "$(dirname "$0")/.."
checkout="$PWD"

suites=("$@")
if [ "${#suites[@]}" -eq 0 ]; then
	suites=(trixie sid)
fi
cache="${SSE_AUDIO_DISTRO_CACHE:-/var/cache/obs-sse-audio}"
cores="$(nproc)"
jobs="${SSE_AUDIO_DISTRO_JOBS:-$((cores < 2 ? cores : 2))}"
run_obs="${SSE_AUDIO_DISTRO_OBS:-1}"
prepare_only="${SSE_AUDIO_DISTRO_PREPARE_ONLY:-0}"
mirror="http://deb.debian.org/debian"

if [ "$(id -u)" -ne 0 ]; then
	echo "test-distros: needs root (debootstrap, chroot, namespaces)" >&2
	exit 1
fi
for tool in debootstrap unshare chroot; do
	if ! command -v "$tool" >/dev/null; then
		echo "test-distros: $tool is missing (apt-get install debootstrap)" >&2
		exit 1
	fi
done
case "$checkout" in
"$cache" | "$cache"/*)
	echo "test-distros: the cache ($cache) must be outside the checkout" >&2
	exit 1
	;;
esac

# Runs a command in ROOT, in mount and PID namespaces of their own (extra unshare options, e.g. --net, come before
# `--`). /proc, /dev, /dev/shm, /sys, /tmp, the checkout (at /src) and the suite's ccache folder (at /ccache) are
# mounted inside the mount namespace only: they vanish with it, whichever way this script ends, so the host's
# mount table never holds them and there is nothing to unmount. --kill-child ends every process left in the root
# (Xvfb, OBS) when the command ends or this script is killed.
in_root() {
	local root="$1" suite
	suite="$(basename "$1")"
	shift
	local unshare_opts=()
	while [ "$1" != "--" ]; do
		unshare_opts+=("$1")
		shift
	done
	shift
	mkdir -p "$root/src" "$root/ccache" "$cache/ccache/$suite"
	# shellcheck disable=SC2016 # expanded by the bash inside the namespaces
	unshare --mount --propagation private --pid --kill-child "${unshare_opts[@]}" /bin/bash -c '
		set -e
		root="$1" checkout="$2" ccache_dir="$3"
		shift 3
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mount -t tmpfs -o size=1g,mode=1777 tmpfs "$root/dev/shm"
		mount -t sysfs -o ro sysfs "$root/sys"
		mount -t tmpfs -o size=4g,mode=1777 tmpfs "$root/tmp"
		mount --bind "$checkout" "$root/src"
		mount --bind "$ccache_dir" "$root/ccache"
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
			TERM=dumb "$@"
	' in_root "$root" "$checkout" "$cache/ccache/$suite" "$@"
}

# A root is made from scripts/install-deps.sh: its hash marks the root complete, so a changed list updates it.
root_stamp() {
	sha256sum "$checkout/scripts/install-deps.sh" | cut -c1-16
}

prepare_root() {
	local suite="$1" root="$cache/roots/$1"
	local stamp start=$SECONDS
	stamp="$(root_stamp)"
	if [ -f "$root/.sse-audio-root" ] && [ "$(cat "$root/.sse-audio-root")" = "$stamp" ]; then
		echo "== $suite: root $root reused (complete, same scripts/install-deps.sh)"
		figures[$suite]+="root: reused; "
		return 0
	fi
	if [ ! -f "$root/.sse-audio-debootstrapped" ]; then
		# A root whose debootstrap did not finish is of no use: start it again.
		rm -rf "$root"
		mkdir -p "$root"
		echo "== $suite: debootstrap into $root"
		if ! debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$cache/roots/$suite.debootstrap.log" 2>&1; then
			tail -20 "$cache/roots/$suite.debootstrap.log" >&2
			return 1
		fi
		# The archive here is a frozen snapshot whose Release files are past their Valid-Until.
		echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99sse-audio-snapshot"
		# Keeps the root small: no manual pages or documentation.
		printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-exclude /usr/share/man/*' \
			'path-exclude /usr/share/info/*' >"$root/etc/dpkg/dpkg.cfg.d/99sse-audio-nodoc"
		touch "$root/.sse-audio-debootstrapped"
		echo "== $suite: debootstrap took $((SECONDS - start)) s"
		figures[$suite]+="debootstrap $((SECONDS - start)) s; "
	fi
	local install_start=$SECONDS
	echo "== $suite: installing packages (scripts/install-deps.sh distro-test)"
	if ! in_root "$root" -- /bin/bash -c 'apt-get update -qq && bash /src/scripts/install-deps.sh distro-test && apt-get clean' \
		>"$cache/roots/$suite.install.log" 2>&1; then
		tail -30 "$cache/roots/$suite.install.log" >&2
		return 1
	fi
	echo "$stamp" >"$root/.sse-audio-root"
	echo "== $suite: packages took $((SECONDS - install_start)) s; root $(du -sh "$root" | cut -f1)"
	figures[$suite]+="packages $((SECONDS - install_start)) s ($(tail -1 "$cache/roots/$suite.install.log")); "
}

# Inside the root, in a network namespace of its own (loopback only): configure, build with -Werror, run the tests.
# Its figures go to /build/figures.txt.
# shellcheck disable=SC2016 # expanded by the bash inside the root
inner_script='
set -uo pipefail
jobs="$1" run_obs="$2" suite="$3"
ip link set lo up
export CCACHE_DIR=/ccache CCACHE_BASEDIR=/src CCACHE_NOHASHDIR=1
build=/build
figures=/build/figures.txt
mkdir -p "$build"
: >"$figures"
ctest_counts() { # "P/T passed, S skipped" from the summary of ctest, which counts a skipped test as passed
	local skipped
	skipped=$(grep -c "(Skipped)$" "$1")
	sed -nE "s/^[0-9]+% tests passed, ([0-9]+) tests? failed out of ([0-9]+).*/\1 \2/p" "$1" | tail -1 |
		awk -v s="$skipped" "{ printf \"%d/%d passed, %d skipped\", \$2 - \$1 - s, \$2, s }"
}
echo "versions: $(dpkg-query -W -f="\${Package} \${Version}, " libobs-dev obs-studio libcpp-httplib-dev qt6-base-dev g++)" | tee -a "$figures"
start=$SECONDS
if ! cmake -S /src -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSSE_AUDIO_WARNINGS_AS_ERRORS=ON \
	-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
	-DSSE_AUDIO_TEST_ARTIFACTS_DIR="/src/tests/artifacts/$suite" >"$build/configure.log" 2>&1; then
	cat "$build/configure.log"
	echo "configure: FAILED" >>"$figures"
	exit 1
fi
grep "obs-sse-audio:" "$build/configure.log"
ccache -z >/dev/null
nice -n 10 cmake --build "$build" -j"$jobs" >"$build/build.log" 2>&1
built=$?
warnings=$(grep -c "warning:" "$build/build.log")
hits=$(ccache -s 2>/dev/null | sed -nE "s/^ *Hits: *([0-9]+ \/ *[0-9]+).*/\1/p" | head -1 | tr -d " ")
echo "build: $((SECONDS - start)) s at -j$jobs, $warnings warnings, ccache hits $hits" | tee -a "$figures"
if [ "$built" -ne 0 ]; then
	grep -B2 -A12 -m5 "error" "$build/build.log" | head -80
	echo "build: FAILED" >>"$figures"
	exit 1
fi
# The logs stay inside the root (its /build), out of sight of a CI log: the output of failed tests is printed here.
failure_output() {
	grep -qE "[*]{3}(Failed|Timeout|Exception)" "$1" || return 0
	echo "-- output of the failed tests ($1):"
	awk "/[*][*][*](Failed|Timeout|Exception)/ { show = 120 } show > 0 { print; show-- }" "$1" | head -400
}
status=0
echo "== unit tests"
start=$SECONDS
ctest --test-dir "$build" -LE "integration|obs|browser|relay|package" -j"$jobs" --output-on-failure >"$build/unit.log" 2>&1 || status=1
grep -E "tests passed|\*\*\*Failed|\*\*\*Timeout|\(Skipped\)$" "$build/unit.log"
failure_output "$build/unit.log"
echo "unit tests: $(ctest_counts "$build/unit.log") in $((SECONDS - start)) s" | tee -a "$figures"
echo "== integration tests (real libobs under Xvfb)"
start=$SECONDS
xvfb-run -a -s "-screen 0 1280x800x24" ctest --test-dir "$build" -L integration --output-on-failure >"$build/integration.log" 2>&1 || status=1
grep -E "tests passed|\*\*\*Failed|\*\*\*Timeout|\(Skipped\)$" "$build/integration.log"
failure_output "$build/integration.log"
echo "integration tests: $(ctest_counts "$build/integration.log") in $((SECONDS - start)) s" | tee -a "$figures"
if [ "$run_obs" = 1 ]; then
	echo "== real OBS (Tools menu, dock, start, audio served, Chinese, File > Exit)"
	start=$SECONDS
	xvfb-run -a -s "-screen 0 1280x800x24" ctest --test-dir "$build" -L obs --output-on-failure -V >"$build/obs.log" 2>&1 || status=1
	grep -E "tests passed|\*\*\*Failed|\*\*\*Timeout|Failure|\[figure\]" "$build/obs.log" | sed -E "s/^[0-9]+: //"
	echo "real OBS: $(ctest_counts "$build/obs.log") in $((SECONDS - start)) s" | tee -a "$figures"
	grep -E "\[figure\]" "$build/obs.log" | sed -E "s/^[0-9]+: \[figure\]/  /" >>"$figures"
	# What OBS itself logged about leaks on each exit (the test checks there were none).
	grep -ho "Number of memory leaks: [0-9]*" /src/tests/artifacts/"$suite"/obs-log-*.txt 2>/dev/null |
		sort | uniq -c | sed "s/^ */  OBS exits: /" >>"$figures"
fi
exit "$status"
'

run_suite() {
	local suite="$1" root="$cache/roots/$1"
	local log="$cache/$suite.test.log" status=0
	mkdir -p "$checkout/tests/artifacts/$suite"
	in_root "$root" --net -- /bin/bash -c "$inner_script" inner "$jobs" "$run_obs" "$suite" 2>&1 | tee "$log" || status=1
	figures[$suite]+=$'\n'"$(cat "$root/build/figures.txt" 2>/dev/null)"
	for f in build configure unit integration obs; do
		[ -f "$root/build/$f.log" ] && cp "$root/build/$f.log" "$cache/$suite.$f.log"
	done
	return "$status"
}

declare -A figures
mkdir -p "$cache/roots"
failed=()
for suite in "${suites[@]}"; do
	suite_start=$SECONDS
	figures[$suite]=""
	if ! prepare_root "$suite"; then
		failed+=("$suite (root)")
		continue
	fi
	[ "$prepare_only" = 1 ] && continue
	if run_suite "$suite"; then
		echo "== $suite: passed in $((SECONDS - suite_start)) s"
	else
		echo "== $suite: FAILED (logs: $cache/$suite.*.log)"
		failed+=("$suite")
	fi
	figures[$suite]+=$'\n'"total: $((SECONDS - suite_start)) s"
done

echo
echo "== figures"
for suite in "${suites[@]}"; do
	echo "-- $suite: ${figures[$suite]}"
done
if [ "${#failed[@]}" -gt 0 ]; then
	echo "test-distros: failed: ${failed[*]}" >&2
	exit 1
fi
echo "test-distros: ${suites[*]}: $([ "$prepare_only" = 1 ] && echo "roots ready" || echo "passed")"
