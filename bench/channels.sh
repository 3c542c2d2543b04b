#!/usr/bin/env bash
# Channels: one channel against six at 128 kbps in the same run (six tones on OBS's six tracks), each run with
# LISTENERS (default 100) SSE listeners spread evenly over the channels for CH_SECONDS (default 60): the encoder
# threads' CPU per channel, OBS's audio callback p99 per channel (the plugin's own counter), the whole host's CPU,
# listeners' arrival delay p50/p99 and gaps, PCM frames dropped. Writes bench/results/channels.{md,json}.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CH_SECONDS="${CH_SECONDS:-60}"
LISTENERS="${LISTENERS:-100}"

bench_require xvfb python3 curl
work="$(mktemp -d)"
HOST_PID="" BENCH_XVFB_PID=""
CLIENT_PIDS=()
cleanup() {
	for pid in "${CLIENT_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	bench_stop "$HOST_PID"
	bench_stop "$BENCH_XVFB_PID"
	rm -rf "$work"
}
trap cleanup EXIT
bench_start_display

# CPU seconds of every thread of PID named NAME, together.
threads_cpu_seconds() {
	local pid="$1" name="$2" task total=0
	for task in /proc/"$pid"/task/*; do
		[ "$(cat "$task/comm" 2>/dev/null)" = "$name" ] || continue
		total=$(awk -v t="$total" -v tck="$CLK_TCK" '{ printf "%.3f", t + ($14 + $15) / tck }' "$task/stat")
	done
	echo "$total"
}
process_cpu_seconds() {
	awk -v tck="$CLK_TCK" '{ printf "%.3f", ($14 + $15) / tck }' "/proc/$1/stat"
}

# run CHANNELS: the host with CHANNELS channels (1: the plain single-channel stream), LISTENERS spread over them.
run() {
	local channels="$1" port args=() ids=() i
	port=$(bench_free_port)
	if [ "$channels" -eq 1 ]; then
		args=(--tone 440)
		ids=("")
	else
		for i in $(seq 1 "$channels"); do
			args+=(--track-tone "$i:$((330 + 110 * i))" --channel "ch$i:$i:Channel $i")
			ids+=("ch$i")
		done
	fi
	bench_start_host "$port" "$work/host.log" --bitrate 128 --max-listeners 1000 "${args[@]}"
	sleep 1
	CLIENT_PIDS=()
	for i in "${!ids[@]}"; do
		local count=$((LISTENERS / channels + (i < LISTENERS % channels ? 1 : 0)))
		local query=""
		[ -n "${ids[$i]}" ] && query="?channel=${ids[$i]}"
		"$LOAD_CLIENT" --url "http://127.0.0.1:$port/stream$query" --listeners "$count" \
			--duration "$((CH_SECONDS + 3))" --json "$work/client-$channels-$i.json" >/dev/null &
		CLIENT_PIDS+=($!)
	done
	sleep 2 # the join bursts
	local enc0 cpu0 t0 enc1 cpu1 t1
	enc0=$(threads_cpu_seconds "$HOST_PID" sse-encoder)
	cpu0=$(process_cpu_seconds "$HOST_PID")
	t0=$(date +%s.%N)
	sleep "$CH_SECONDS"
	enc1=$(threads_cpu_seconds "$HOST_PID" sse-encoder)
	cpu1=$(process_cpu_seconds "$HOST_PID")
	t1=$(date +%s.%N)
	curl -s -m 2 "http://127.0.0.1:$port/status.json" >"$work/status.json"
	for pid in "${CLIENT_PIDS[@]}"; do wait "$pid" || true; done
	CLIENT_PIDS=()
	bench_stop "$HOST_PID"
	HOST_PID=""
	python3 - "$work/status.json" "$channels" "$enc0" "$enc1" "$cpu0" "$cpu1" "$t0" "$t1" "$work"/client-"$channels"-*.json <<'PY'
import json, statistics, sys
s = json.load(open(sys.argv[1]))
channels = int(sys.argv[2])
enc0, enc1, cpu0, cpu1, t0, t1 = map(float, sys.argv[3:9])
clients = [json.load(open(p)) for p in sys.argv[9:]]
wall = t1 - t0
per = s["per_channel"]
print(json.dumps({
    "channels": channels,
    "listeners": sum(c.get("listeners", 0) for c in clients),
    "seconds": round(wall, 1),
    "encoder_cpu_per_channel": round((enc1 - enc0) / wall / channels, 4),
    "host_cpu": round((cpu1 - cpu0) / wall, 4),
    "callback_p99_us": [round(c["timing"]["callback_ns"]["p99"] / 1000, 1) for c in per],
    "callback_max_us": max(c["timing"]["callback_ns"]["max"] for c in per) / 1000,
    "publish_delay_p99_ms": max(c["timing"]["publish_delay_ms"]["p99"] for c in per),
    "delay_ms_p50": statistics.median(c["delay_ms_p50"] for c in clients),
    "delay_ms_p99": max(c["delay_ms_p99"] for c in clients),
    "gaps": sum(c["gaps"] for c in clients),
    "pcm_frames_dropped": sum(c["drops"]["pcm_frames"] for c in per),
    "listeners_on_server": [c["listeners"]["now"] for c in per],
}))
PY
}

{
	run 1
	run 6
} | tee "$work/rows.jsonl"
python3 - "$work/rows.jsonl" "$RESULTS/channels.md" "$RESULTS/channels.json" <<'PY'
import json, sys, datetime, os
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
json.dump(rows, open(sys.argv[3], "w"), indent=2)
one = next(r for r in rows if r["channels"] == 1)
lines = [
    "# Channels: one against six",
    "",
    f"Measured {datetime.date.today()} on {os.cpu_count()} cores (bench/channels.sh): the plugin in obs-sse-audio-host, "
    "48 kHz stereo at 128 kbps, each channel a tone on its own OBS track, the listeners (SSE, the load client) spread "
    "evenly over the channels. CPU is a share of one core over the run; the callback is timed inside the plugin on "
    "OBS's audio thread, one call per track and 1024 frames.",
    "",
    "| channels | listeners | encoder CPU per channel | host CPU (× one channel's) | callback p99 per channel (µs) | callback max (µs) | arrival delay p50/p99 ms | gaps | PCM dropped |",
    "|---|---|---|---|---|---|---|---|---|",
]
for r in rows:
    lines.append(f'| {r["channels"]} | {r["listeners"]} ({", ".join(map(str, r["listeners_on_server"]))}) | '
                 f'{r["encoder_cpu_per_channel"]*100:.2f} % | {r["host_cpu"]*100:.1f} % ({r["host_cpu"]/one["host_cpu"]:.2f}×) | '
                 f'{" / ".join(map(str, r["callback_p99_us"]))} | {r["callback_max_us"]:.1f} | '
                 f'{r["delay_ms_p50"]}/{r["delay_ms_p99"]} | {r["gaps"]} | {r["pcm_frames_dropped"]} |')
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
