#!/usr/bin/env bash
# The fan-out under Wine: CPU time of an idle server (the probe's process and wineserver, from /proc) and the
# delay from publish() to a listener's first byte. Needs scripts/test-windows.sh to have built the probe.
# Usage: bench/windows-wakeup.sh [idle seconds] [events] [listeners]
set -euo pipefail
cd "$(dirname "$0")/.."

build="${BUILD_DIR:-build/windows}"
export WINEPREFIX="${WINEPREFIX:-/var/cache/obs-sse-audio/wineprefix}" WINEDEBUG=-all DISPLAY=
idle="${1:-10}"
ticks="$(getconf CLK_TCK)"

# utime + stime of a process, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

log="$(mktemp)"
wine "$build/tests/unit/sse_audio_wakeup_probe.exe" "$idle" "${2:-200}" "${3:-2}" >"$log" 2>&1 &
runner=$!
until grep -q '^idle: server' "$log"; do
	kill -0 "$runner" 2>/dev/null || {
		cat "$log"
		exit 1
	}
	sleep 0.1
done
sleep 1 # the listeners' connections have settled
probe="$(pgrep -n -f 'sse_audio_wakeup_probe[.]exe')"
server="$(pgrep -n wineserver)"
probe_before="$(cpu_ticks "$probe")"
server_before="$(cpu_ticks "$server")"
sleep $((idle - 2))
probe_after="$(cpu_ticks "$probe")"
server_after="$(cpu_ticks "$server")"
wait "$runner"
cat "$log"
rm -f "$log"
seconds=$((idle - 2))
awk -v p=$((probe_after - probe_before)) -v s=$((server_after - server_before)) -v t="$ticks" -v n="$seconds" \
	'BEGIN { printf "idle CPU over %d s: server process %.1f%%, wineserver %.1f%% of one core\n", n,
		100 * p / t / n, 100 * s / t / n }'
