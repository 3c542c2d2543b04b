#!/usr/bin/env bash
# Hot path: the time OBS's audio thread spends in the plugin's callback (median, p99, max over HOT_SECONDS,
# default 600, from the plugin's own counter in /status.json), the encoder's speed (× real time) at 128 and
# 320 kbps, and the encoder thread's CPU share. Writes bench/results/hotpath.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

HOT_SECONDS="${HOT_SECONDS:-600}"
SHORT_SECONDS="${SHORT_SECONDS:-60}"

bench_require xvfb python3 curl
work="$(mktemp -d)"
HOST_PID="" BENCH_XVFB_PID="" CLIENT_PID=""
cleanup() {
	[ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null || true
	bench_stop "$HOST_PID"
	bench_stop "$BENCH_XVFB_PID"
	rm -rf "$work"
}
trap cleanup EXIT
bench_start_display

# run BITRATE SECONDS: one listener, then the status and the encoder thread's CPU over the run, as one JSON line.
run() {
	local bitrate="$1" seconds="$2" port
	port=$(bench_free_port)
	bench_start_host "$port" "$work/host.log" --bitrate "$bitrate"
	"$LOAD_CLIENT" --url "http://127.0.0.1:$port/stream" --listeners 1 --duration "$((seconds + 5))" \
		--json "$work/client.json" >/dev/null &
	CLIENT_PID=$!
	local enc0 t0 enc1 t1
	enc0=$(thread_cpu_seconds "$HOST_PID" sse-encoder)
	t0=$(date +%s.%N)
	sleep "$seconds"
	enc1=$(thread_cpu_seconds "$HOST_PID" sse-encoder)
	t1=$(date +%s.%N)
	curl -s -m 2 "http://127.0.0.1:$port/status.json" >"$work/status.json"
	wait "$CLIENT_PID" || true
	CLIENT_PID=""
	bench_stop "$HOST_PID"
	HOST_PID=""
	python3 - "$work/status.json" "$bitrate" "$seconds" "$enc0" "$enc1" "$t0" "$t1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
enc0, enc1, t0, t1 = map(float, sys.argv[4:8])
t = s["timing"]
print(json.dumps({
    "bitrate": int(sys.argv[2]), "seconds": int(sys.argv[3]),
    "callback_ns": t["callback_ns"], "publish_delay_ms": t["publish_delay_ms"], "send_delay_ms": t["send_delay_ms"],
    "encode_speed": round(s["audio"]["encode_speed"], 1),
    "encoder_thread_cpu_share": round((enc1 - enc0) / (t1 - t0), 4),
    "pcm_frames_dropped": s["drops"]["pcm_frames"],
}))
PY
}

rows="$RESULTS/hotpath.json"
{
	run 128 "$HOT_SECONDS"
	run 320 "$SHORT_SECONDS"
} | tee "$work/rows.jsonl"
python3 - "$work/rows.jsonl" "$RESULTS/hotpath.md" "$rows" <<'PY'
import json, sys, datetime, os
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
json.dump(rows, open(sys.argv[3], "w"), indent=2)
lines = [
    "# Hot path: OBS's audio callback and the encoder",
    "",
    f"Measured {datetime.date.today()} on {os.cpu_count()} cores (bench/hotpath.sh): the plugin in obs-sse-audio-host, 48 kHz "
    "stereo, one SSE listener. The callback is timed inside the plugin on OBS's audio thread (one call per 1024 frames).",
    "",
    "| bitrate | run s | callback p50 / p99 / max (µs) | calls | encoder × real time | encoder thread CPU | publish delay p50/p99 ms | send delay p50/p99 ms | PCM dropped |",
    "|---|---|---|---|---|---|---|---|---|",
]
for r in rows:
    c = r["callback_ns"]
    lines.append(f'| {r["bitrate"]} | {r["seconds"]} | {c["p50"]/1000:.1f} / {c["p99"]/1000:.1f} / {c["max"]/1000:.1f} | {c["count"]} | '
                 f'{r["encode_speed"]} | {r["encoder_thread_cpu_share"]*100:.2f} % | {r["publish_delay_ms"]["p50"]}/{r["publish_delay_ms"]["p99"]} | '
                 f'{r["send_delay_ms"]["p50"]}/{r["send_delay_ms"]["p99"]} | {r["pcm_frames_dropped"]} |')
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
