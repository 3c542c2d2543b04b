#!/usr/bin/env bash
# Fan-out benchmark: obs-sse-audio (the real plugin in the headless host, SSE listeners) against Icecast 2 (fed
# the same 440 Hz tone at the same bitrate by ffmpeg, plain HTTP MP3 listeners), in the same run, for N listeners
# each. Prints a table and writes bench/results/fanout.{md,json,png}.
# Usage: bench/fanout.sh            (N = 10 100 500 1000, 60 s each)
#        COUNTS="10 100" DURATION=20 bench/fanout.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

COUNTS="${COUNTS:-10 100 500 1000}"
DURATION="${DURATION:-60}"
# Both by default; SERVERS=obs-sse-audio measures ours alone (for trying a change, not for the published figures).
SERVERS="${SERVERS:-obs-sse-audio icecast2}"
IDLE_SECONDS="${IDLE_SECONDS:-10}"
# Writes are counted in a window of their own after the CPU window, so that counting does not add to the CPU.
WRITES_SECONDS="${WRITES_SECONDS:-5}"
BITRATE=128
BYTES_PER_SECOND=$((BITRATE * 1000 / 8))

bench_require icecast2 ffmpeg xvfb gnuplot-nox python3
ulimit -n "$(ulimit -Hn)"  # one fd per listener on each side

work="$(mktemp -d)"
chmod 755 "$work"
HOST_PID="" ICECAST_PID="" FEEDER_PID="" BENCH_XVFB_PID=""
cleanup() {
	bench_stop "$HOST_PID"
	bench_stop "$FEEDER_PID"
	bench_stop "$ICECAST_PID"
	bench_stop "$BENCH_XVFB_PID"
	rm -rf "$work"
}
trap cleanup EXIT
bench_start_display

start_icecast() {
	local port="$1" clients="$2"
	mkdir -p "$work/icecast/log"
	cat >"$work/icecast/icecast.xml" <<XML
<icecast>
  <location>bench</location>
  <admin>bench@localhost</admin>
  <limits>
    <clients>$((clients + 10))</clients>
    <sources>2</sources>
    <queue-size>524288</queue-size>
    <client-timeout>30</client-timeout>
    <header-timeout>15</header-timeout>
    <source-timeout>10</source-timeout>
    <burst-on-connect>1</burst-on-connect>
    <burst-size>65535</burst-size>
  </limits>
  <authentication>
    <source-password>bench-source</source-password>
    <admin-user>admin</admin-user>
    <admin-password>bench-admin</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket>
    <port>$port</port>
    <bind-address>127.0.0.1</bind-address>
  </listen-socket>
  <fileserve>1</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir>
    <logdir>$work/icecast/log</logdir>
    <webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging>
    <accesslog>access.log</accesslog>
    <errorlog>error.log</errorlog>
    <loglevel>2</loglevel>
  </logging>
  <security><chroot>0</chroot></security>
</icecast>
XML
	chown -R nobody "$work/icecast"
	# Icecast refuses to run as root.
	runuser -u nobody -- icecast2 -c "$work/icecast/icecast.xml" >/dev/null 2>&1 &
	for _ in $(seq 50); do
		ICECAST_PID="$(pgrep -n -f "icecast2 -c $work/icecast/icecast.xml" | head -1 || true)"
		[ -n "$ICECAST_PID" ] && [ "$(cat /proc/"$ICECAST_PID"/comm 2>/dev/null)" = "icecast2" ] && break
		sleep 0.1
	done
	ffmpeg -nostdin -hide_banner -loglevel error -re -f lavfi -i "sine=frequency=440:sample_rate=48000" -ac 2 \
		-c:a libmp3lame -b:a "${BITRATE}k" -content_type audio/mpeg -f mp3 \
		"icecast://source:bench-source@127.0.0.1:$port/live.mp3" &
	FEEDER_PID=$!
	# Let the mount fill its burst buffer.
	for _ in $(seq 100); do
		curl -s -m 1 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/live.mp3" 2>/dev/null | grep -q 200 && break
		sleep 0.1
	done
	sleep 5
}

# Bytes the server has sent on its established connections from PORT so far (the kernel's count, as ss shows it).
server_bytes_sent() {
	ss -tinH state established "( sport = :$1 )" | grep -o 'bytes_sent:[0-9]*' | awk -F: '{ s += $2 } END { print s + 0 }'
}

# count_writes PID PORT SECONDS: prints "writes bytes" of the server over SECONDS: its write-type system calls
# (sendmsg, sendto, write, writev, sendmmsg entries, counted by perf from the kernel's tracepoints, the same way for
# both servers) and the bytes its connections sent meanwhile. "0 0" without perf.
count_writes() {
	local pid="$1" port="$2" secs="$3" b0 b1 calls
	if ! command -v perf >/dev/null; then
		echo "0 0"
		return
	fi
	b0=$(server_bytes_sent "$port")
	perf stat -x, -o "$work/perfstat.csv" -p "$pid" -e syscalls:sys_enter_sendmsg,syscalls:sys_enter_sendto \
		-e syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_sendmmsg -- sleep "$secs" >/dev/null 2>&1 || true
	b1=$(server_bytes_sent "$port")
	calls=$(awk -F, '$1 ~ /^[0-9]+$/ { s += $1 } END { print s + 0 }' "$work/perfstat.csv" 2>/dev/null || echo 0)
	echo "$calls $((b1 - b0))"
}

# measure LABEL PID URL MODE N: runs the load client against a server process and prints one JSON line of
# figures (the client's own plus the server's CPU and memory).
measure() {
	local label="$1" pid="$2" url="$3" mode="$4" n="$5"
	local ramp
	ramp=$(python3 -c "print(max(2.0, $n / 200.0))")
	local rss_idle fds_idle idle0 idle1 tidle0 tidle1
	rss_idle=$(proc_rss_kb "$pid")
	fds_idle=$(proc_fds "$pid")
	# The server's own cost with nobody listening (for the host: libobs's audio and video threads and the
	# encoder), so that the cost per listener is the marginal cost of listeners alone.
	idle0=$(proc_cpu_seconds "$pid")
	tidle0=$(date +%s.%N)
	sleep "$IDLE_SECONDS"
	idle1=$(proc_cpu_seconds "$pid")
	tidle1=$(date +%s.%N)
	"$LOAD_CLIENT" --url "$url" --mode "$mode" --listeners "$n" \
		--duration "$(python3 -c "print($DURATION + $ramp + 2 + $WRITES_SECONDS + 4)")" \
		--ramp "$ramp" --json "$work/client.json" >/dev/null &
	local client=$!
	# Measure the steady state: from 2 s after the last listener joined, for DURATION seconds.
	sleep "$(python3 -c "print($ramp + 2)")"
	local cpu0 t0 cpu1 t1 rss fds
	cpu0=$(proc_cpu_seconds "$pid")
	t0=$(date +%s.%N)
	# Memory and descriptors halfway through, while every listener is surely connected (at the end of the window
	# the load client is already closing its connections).
	sleep "$(python3 -c "print($DURATION / 2)")"
	rss=$(proc_rss_kb "$pid")
	fds=$(proc_fds "$pid")
	sleep "$(python3 -c "print($DURATION / 2)")"
	cpu1=$(proc_cpu_seconds "$pid")
	t1=$(date +%s.%N)
	local counted writes written
	counted=$(count_writes "$pid" "$(echo "$url" | sed -E 's#.*:([0-9]+)/.*#\1#')" "$WRITES_SECONDS")
	writes="${counted%% *}"
	written="${counted##* }"
	wait "$client" || true
	python3 - "$work/client.json" "$label" "$n" "$cpu0" "$cpu1" "$t0" "$t1" "$idle0" "$idle1" "$tidle0" "$tidle1" \
		"$rss_idle" "$rss" "$fds_idle" "$fds" "$BYTES_PER_SECOND" "$writes" "$written" "$WRITES_SECONDS" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
label, n = sys.argv[2], int(sys.argv[3])
cpu0, cpu1, t0, t1, idle0, idle1, tidle0, tidle1 = map(float, sys.argv[4:12])
rss_idle, rss, fds_idle, fds, bps, writes, written, wsecs = map(int, sys.argv[12:20])
total = (cpu1 - cpu0) / (t1 - t0)
idle = (idle1 - idle0) / (tidle1 - tidle0)
cores = max(total - idle, 0.0)
# Audio a listener received beyond real time is the join burst: how far behind live a player starts.
# Measured as audio received in a listener's first second, less that second (median listener).
if c["mode"] == "sse":
    burst_s = c["first_second_events_p50"] * 1152 / 48000 - 1.0
else:
    burst_s = c["first_second_bytes_p50"] / bps - 1.0
print(json.dumps({
    "server": label, "listeners": n, "connected": c["connected"], "ended_early": c["ended_early"],
    "gaps": c["gaps"], "stalls": c["stalls"],
    "cpu_cores_total": round(total, 4), "cpu_cores_idle": round(idle, 4),
    "cpu_cores": round(cores, 4), "cpu_ms_per_listener_per_s": round(cores * 1000 / n, 4),
    "rss_mb": round(rss / 1024, 1), "rss_idle_mb": round(rss_idle / 1024, 1),
    "rss_kb_per_listener": round((rss - rss_idle) / n, 1), "fds": fds, "fds_idle": fds_idle,
    "delay_ms_p50": c["delay_ms_p50"], "delay_ms_p99": c["delay_ms_p99"], "delay_samples": c["delay_samples"],
    "join_burst_s": round(burst_s, 2),
    "writes_per_listener_per_s": round(writes / n / wsecs, 2),
    "bytes_per_write": round(written / writes) if writes else 0,
}))
PY
}

rows="$work/rows.jsonl"
: >"$rows"
for n in $COUNTS; do
	if [[ " $SERVERS " == *" obs-sse-audio "* ]]; then
		echo "== N=$n: obs-sse-audio (SSE)"
		port=$(bench_free_port)
		bench_start_host "$port" "$work/host.log" --bitrate "$BITRATE" --max-listeners "$((n > 1000 ? 1000 : n))"
		measure "obs-sse-audio" "$HOST_PID" "http://127.0.0.1:$port/stream" sse "$n" | tee -a "$rows"
		bench_stop "$HOST_PID"
		HOST_PID=""
	fi

	[[ " $SERVERS " == *" icecast2 "* ]] || continue
	echo "== N=$n: Icecast 2 (HTTP MP3)"
	port=$(bench_free_port)
	start_icecast "$port" "$n"
	measure "icecast2" "$ICECAST_PID" "http://127.0.0.1:$port/live.mp3" mp3 "$n" | tee -a "$rows"
	bench_stop "$FEEDER_PID"
	bench_stop "$ICECAST_PID"
	FEEDER_PID="" ICECAST_PID=""
done

python3 - "$rows" "$RESULTS" "$DURATION" <<'PY'
import json, sys, platform, os, datetime
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
out, duration = sys.argv[2], sys.argv[3]
json.dump(rows, open(os.path.join(out, "fanout.json"), "w"), indent=2)
cpu = open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(": \t")
lines = [
    "# Fan-out: obs-sse-audio vs Icecast 2",
    "",
    f"Measured {datetime.date.today()} on {os.cpu_count()} cores ({cpu}), {duration} s of steady state per row, "
    "128 kbps MP3 of a 440 Hz tone at 48 kHz, listeners on loopback from one epoll process (bench/load_client).",
    "obs-sse-audio: the plugin in obs-sse-audio-host (real libobs), SSE listeners; its CPU includes the MP3 encoder.",
    "Icecast 2.4 (Debian): fed by ffmpeg (not counted), plain HTTP MP3 listeners, default 64 KB burst.",
    "",
    "CPU (cores) is the server process's user+system CPU per second with N listeners, minus the same with none",
    "(idle: the host's libobs audio/video threads and encoder; Icecast's idle loop); per listener = that / N.",
    "",
    "Writes per listener per second: the server's write-type system calls (sendmsg, sendto, write, writev, sendmmsg;",
    "perf's tracepoint counts) over a window of their own after the CPU window, / N; bytes per write: the bytes its",
    "connections sent meanwhile (ss) / those calls. Delay is capture → arrival at the listener from the SSE stream's",
    "timing events; plain MP3 carries no capture time, so Icecast's is not measured.",
    "",
    "| server | N | connected | gaps | stalls | idle CPU (cores) | CPU for listeners (cores) | CPU ms/s per listener | writes/s per listener | bytes per write | RSS MB | RSS KB per listener | delay p50/p99 ms | join burst s |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
]
for r in rows:
    delay = f'{r["delay_ms_p50"]}/{r["delay_ms_p99"]}' if r["delay_samples"] else "n/a"
    lines.append(f'| {r["server"]} | {r["listeners"]} | {r["connected"]} | {r["gaps"]} | {r["stalls"]} | {r["cpu_cores_idle"]:.3f} | {r["cpu_cores"]:.3f} | '
                 f'{r["cpu_ms_per_listener_per_s"]:.3f} | {r["writes_per_listener_per_s"]} | {r["bytes_per_write"]} | {r["rss_mb"]} | {r["rss_kb_per_listener"]} | {delay} | {r["join_burst_s"]} |')
lines += ["", "Ratios (obs-sse-audio / Icecast) per N:", "", "| N | CPU per listener | writes per listener | RSS per listener |", "|---|---|---|---|"]
by = {}
for r in rows:
    by.setdefault(r["listeners"], {})[r["server"]] = r
for n, pair in sorted(by.items()):
    if "obs-sse-audio" in pair and "icecast2" in pair:
        a, b = pair["obs-sse-audio"], pair["icecast2"]
        ratio = lambda x, y: f"{x / y:.2f}" if y else "n/a"
        lines.append(f'| {n} | {ratio(a["cpu_ms_per_listener_per_s"], b["cpu_ms_per_listener_per_s"])} | '
                     f'{ratio(a["writes_per_listener_per_s"], b["writes_per_listener_per_s"])} | '
                     f'{ratio(a["rss_kb_per_listener"], b["rss_kb_per_listener"])} |')
open(os.path.join(out, "fanout.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
with open(os.path.join(out, "fanout.dat"), "w") as f:
    for n, pair in sorted(by.items()):
        a, b = pair.get("obs-sse-audio", {}), pair.get("icecast2", {})
        f.write(f'{n} {a.get("cpu_cores", 0)} {b.get("cpu_cores", 0)} {a.get("rss_mb", 0)} {b.get("rss_mb", 0)}\n')
PY

gnuplot <<GP
set terminal pngcairo size 1000,420 font ",10"
set output "$RESULTS/fanout.png"
set multiplot layout 1,2 title "obs-sse-audio vs Icecast 2, 128 kbps, loopback"
set logscale x
set xlabel "listeners"
set key left top
set ylabel "CPU (cores)"
plot "$RESULTS/fanout.dat" using 1:2 with linespoints title "obs-sse-audio", "" using 1:3 with linespoints title "Icecast 2"
set ylabel "RSS (MB)"
plot "$RESULTS/fanout.dat" using 1:4 with linespoints title "obs-sse-audio", "" using 1:5 with linespoints title "Icecast 2"
unset multiplot
GP
rm -f "$RESULTS/fanout.dat"
echo "wrote $RESULTS/fanout.md, fanout.json, fanout.png"
