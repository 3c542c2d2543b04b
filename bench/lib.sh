# Shared by the bench scripts: paths, dependencies, a private X display, process figures from /proc.
# Sourced, not run.

bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$bench_root/build/ci}"
HOST_BIN="$BUILD_DIR/src/host/obs-sse-audio-host"
MODULE="$BUILD_DIR/src/obs/obs-sse-audio.so"
LOAD_CLIENT="$BUILD_DIR/bench/load_client/sse-load-client"
RESULTS="$bench_root/bench/results"
CLK_TCK="$(getconf CLK_TCK)"

bench_require() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	if [ "${#missing[@]}" -gt 0 ]; then
		echo "bench: installing ${missing[*]}"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
	if [ ! -x "$HOST_BIN" ] || [ ! -x "$LOAD_CLIENT" ] || [ ! -f "$MODULE" ]; then
		echo "bench: building in $BUILD_DIR"
		cmake -S "$bench_root" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
		cmake --build "$BUILD_DIR" -j"$(nproc)" --target obs-sse-audio obs-sse-audio-host sse-load-client >/dev/null
	fi
	mkdir -p "$RESULTS"
}

# A private Xvfb for libobs; sets DISPLAY. bench_cleanup stops it.
bench_start_display() {
	local n
	for n in $(seq 90 130); do
		[ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || break
	done
	Xvfb ":$n" -screen 0 640x480x24 -nolisten tcp >/dev/null 2>&1 &
	BENCH_XVFB_PID=$!
	export DISPLAY=":$n"
	for _ in $(seq 50); do
		[ -e "/tmp/.X11-unix/X$n" ] && return 0
		sleep 0.1
	done
	echo "bench: Xvfb did not start" >&2
	return 1
}

bench_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts the headless host (extra arguments are passed on), waits for READY; sets HOST_PID.
bench_start_host() {
	local port="$1" log="$2"
	shift 2
	# Every load-client listener comes from 127.0.0.1: the per-address limit is off for benchmarks.
	"$HOST_BIN" --module "$MODULE" --data "$bench_root/data" --bind 127.0.0.1 --port "$port" \
		--max-listeners-per-address 0 "$@" \
		>"$log" 2>"$log.err" </dev/null &
	HOST_PID=$!
	for _ in $(seq 100); do
		grep -q "^READY" "$log" 2>/dev/null && return 0
		kill -0 "$HOST_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "bench: host did not start:" >&2
	tail -5 "$log" "$log.err" >&2
	return 1
}

bench_stop() {
	local pid="$1"
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# CPU seconds (user + system) a process has used so far.
proc_cpu_seconds() {
	awk -v tck="$CLK_TCK" '{ printf "%.3f", ($14 + $15) / tck }' "/proc/$1/stat"
}

# CPU seconds of one named thread of a process (first match of its comm).
thread_cpu_seconds() {
	local pid="$1" name="$2" task
	for task in /proc/"$pid"/task/*; do
		if [ "$(cat "$task/comm" 2>/dev/null)" = "$name" ]; then
			awk -v tck="$CLK_TCK" '{ printf "%.3f", ($14 + $15) / tck }' "$task/stat"
			return 0
		fi
	done
	echo 0
}

proc_rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

proc_fds() {
	ls "/proc/$1/fd" | wc -l
}

json_field() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
