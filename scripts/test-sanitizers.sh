#!/usr/bin/env bash
# The suite under sanitizers, and the fuzzers, each in its own build folder (called by scripts/test.sh after the
# plain suite; can be run alone once scripts/install-deps.sh test has run):
#   build/asan  GCC, AddressSanitizer + LeakSanitizer + UndefinedBehaviorSanitizer: unit, plugin, dock,
#               integration and relay tests (the host and the plugin instrumented, real libobs under Xvfb)
#   build/tsan  GCC, ThreadSanitizer: the core's unit tests (queue, encoder, hub, server), and the plugin's
#               libobs layer with real libobs (tests/plugin: the output's stop, refused settings)
#   build/fuzz  Clang, libFuzzer + ASan + UBSan: each target in tests/fuzz for SSE_AUDIO_FUZZ_SECONDS (default 30)
# Not under sanitizers: the real-OBS test (Debian's obs binary is not instrumented, and an instrumented plugin cannot
# be loaded into it without preloading the sanitizer runtime into all of OBS) and the browser tests (they test the
# player's JavaScript; the server side they use is what the integration tests already run instrumented), and the
# release-package test (it installs packages into the system's folders; no code of ours runs there that the others
# do not run).
# Every sanitizer report, from a test or from a host process a test started, lands in one folder; any report
# fails this script and is printed. Suppressions (tests/sanitizers/*.supp) cover only libraries we do not build.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
jobs="$(nproc)"
fuzz_seconds="${SSE_AUDIO_FUZZ_SECONDS:-30}"
only="${1:-all}" # asan, tsan, fuzz or all

source scripts/compiler-cache.sh
common=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DSSE_AUDIO_WARNINGS_AS_ERRORS=ON -DSSE_AUDIO_BUILD_BENCH=OFF
	"${compiler_cache[@]}")

reports="$(mktemp -d)"
trap 'rm -rf "$reports"' EXIT
# Prints every report written under $reports and fails when there is one.
check_reports() {
	local found=0
	for report in "$reports"/*; do
		[ -s "$report" ] || continue
		found=1
		echo "--- sanitizer report $(basename "$report")" >&2
		cat "$report" >&2
	done
	if [ "$found" = 1 ]; then
		echo "sanitizers: $1 reported the findings above" >&2
		exit 1
	fi
}
seconds_since() { echo $(($(date +%s) - $1)); }
# Builds quietly into a log, printing its end when the build fails.
build() {
	local dir="$1"
	shift
	cmake --build "$dir" -j"$jobs" "$@" >"$dir/build.log" 2>&1 || {
		tail -n 80 "$dir/build.log" >&2
		exit 1
	}
}

if [ "$only" = all ] || [ "$only" = asan ]; then
	echo "== AddressSanitizer + UndefinedBehaviorSanitizer (build/asan)"
	began="$(date +%s)"
	cmake -S . -B build/asan "${common[@]}" -DSSE_AUDIO_SANITIZE=address,undefined >/dev/null
	build build/asan
	built="$(seconds_since "$began")"
	# log_path: a host process's stderr goes to a log its test deletes, so reports are collected here instead.
	asan="halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1"
	export ASAN_OPTIONS="$asan:log_path=$reports/asan"
	export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
	export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/tests/sanitizers/ubsan.supp:log_path=$reports/ubsan"
	status=0
	# Without a display: unit, plugin and dock tests (package: the release packages, not code under test).
	ctest --test-dir build/asan -LE 'integration|obs|browser|relay|package' -j"$jobs" --output-on-failure || status=1
	# The host in real libobs: whole malloc stacks (fast_unwind_on_malloc=0), because libobs and Mesa keep no frame
	# pointers and a suppression must see the libobs caller. Slower, so only here: the unit tests time themselves.
	ASAN_OPTIONS="$asan:fast_unwind_on_malloc=0:log_path=$reports/asan" SSE_AUDIO_REQUIRE_PROXY_TEST=1 \
		xvfb-run -a -s "-screen 0 1280x800x24" \
		ctest --test-dir build/asan -L 'integration|relay' --output-on-failure || status=1
	unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
	check_reports "ASan/UBSan"
	[ "$status" = 0 ] || { echo "sanitizers: tests failed under ASan/UBSan" >&2; exit 1; }
	echo "asan: built in ${built} s, all in $(seconds_since "$began") s"
fi

if [ "$only" = all ] || [ "$only" = tsan ]; then
	echo "== ThreadSanitizer (build/tsan)"
	began="$(date +%s)"
	cmake -S . -B build/tsan "${common[@]}" -DSSE_AUDIO_SANITIZE=thread >/dev/null
	build build/tsan --target sse_audio_unit_tests sse_audio_libobs_tests
	built="$(seconds_since "$began")"
	export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/sanitizers/tsan.supp:log_path=$reports/tsan"
	status=0
	ctest --test-dir build/tsan -R '^unit[.]' -j"$jobs" --output-on-failure || status=1
	# The plugin's libobs layer with real libobs: the output's lifecycle, its failure thread and libobs's threads.
	xvfb-run -a -s "-screen 0 1280x800x24" \
		ctest --test-dir build/tsan -R '^integration[.]libobs[.]' --output-on-failure || status=1
	unset TSAN_OPTIONS
	check_reports "TSan"
	[ "$status" = 0 ] || { echo "sanitizers: tests failed under TSan" >&2; exit 1; }
	echo "tsan: built in ${built} s, all in $(seconds_since "$began") s"
fi

if [ "$only" = all ] || [ "$only" = fuzz ]; then
	echo "== fuzzing (build/fuzz, libFuzzer, ${fuzz_seconds} s per target)"
	began="$(date +%s)"
	CC=clang CXX=clang++ cmake -S . -B build/fuzz "${common[@]}" -DSSE_AUDIO_SANITIZE=address,undefined \
		-DSSE_AUDIO_FUZZ=ON -DSSE_AUDIO_BUILD_TESTS=OFF -DSSE_AUDIO_BUILD_HOST=OFF >/dev/null
	targets=(mpeg_frame request_input request_head sse_roundtrip settings)
	build build/fuzz --target "${targets[@]/#/fuzz_}"
	export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1"
	export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
	mkdir -p build/fuzz/crashes
	for target in "${targets[@]}"; do
		# New inputs go to a scratch folder: the seed corpus in the repository stays as it is.
		scratch="$reports/corpus-$target"
		mkdir -p "$scratch"
		log="build/fuzz/$target.log"
		if ! "build/fuzz/tests/fuzz/fuzz_$target" -max_total_time="$fuzz_seconds" -print_final_stats=1 \
			-timeout=10 -rss_limit_mb=1024 -artifact_prefix="build/fuzz/crashes/$target-" \
			"$scratch" "tests/fuzz/corpus/$target" >"$log" 2>&1; then
			tail -n 60 "$log" >&2
			echo "fuzz: $target found a failing input, saved in build/fuzz/crashes/ (reproduce: build/fuzz/tests/fuzz/fuzz_$target FILE)" >&2
			exit 1
		fi
		echo "fuzz: $target $(grep -o 'number_of_executed_units: [0-9]*' "$log" | cut -d' ' -f2) executions," \
			"$(grep -o 'cov: [0-9]*' "$log" | tail -n 1) edges, corpus $(find "$scratch" -type f | wc -l) new inputs"
	done
	unset ASAN_OPTIONS UBSAN_OPTIONS
	echo "fuzz: all in $(seconds_since "$began") s"
fi
