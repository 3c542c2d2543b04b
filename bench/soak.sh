#!/usr/bin/env bash
# Soak: the plugin in the headless host for SOAK_SECONDS (default 1800) with LISTENERS (default 200) SSE listeners
# that each leave after a random 5–60 s and are replaced at once. Samples the host's RSS, open fds and threads
# every 30 s; memory and fds must stay flat. Writes bench/results/soak.md (and soak.csv).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SOAK_SECONDS="${SOAK_SECONDS:-1800}"
LISTENERS="${LISTENERS:-200}"
SAMPLE_SECONDS="${SAMPLE_SECONDS:-30}"

bench_require xvfb python3
ulimit -n "$(ulimit -Hn)"

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

port=$(bench_free_port)
bench_start_host "$port" "$work/host.log" --max-listeners "$((LISTENERS + 50))"
"$LOAD_CLIENT" --url "http://127.0.0.1:$port/stream" --listeners "$LISTENERS" --duration "$SOAK_SECONDS" --ramp 10 \
	--churn 5:60 --json "$work/client.json" >/dev/null &
CLIENT_PID=$!

csv="$RESULTS/soak.csv"
echo "seconds,rss_kb,fds,threads,listeners_now" >"$csv"
start=$(date +%s)
while kill -0 "$CLIENT_PID" 2>/dev/null; do
	now=$(($(date +%s) - start))
	listeners=$(curl -s -m 2 "http://127.0.0.1:$port/status.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["listeners"]["now"])' 2>/dev/null || echo "?")
	echo "$now,$(proc_rss_kb "$HOST_PID"),$(proc_fds "$HOST_PID"),$(ls /proc/"$HOST_PID"/task | wc -l),$listeners" | tee -a "$csv"
	sleep "$SAMPLE_SECONDS"
done
wait "$CLIENT_PID" || true
CLIENT_PID=""
status="$(curl -s -m 2 "http://127.0.0.1:$port/status.json")"

python3 - "$csv" "$work/client.json" "$RESULTS/soak.md" "$SOAK_SECONDS" "$LISTENERS" "$status" "$SAMPLE_SECONDS" <<'PY'
import csv, json, sys, datetime, os
rows = list(csv.DictReader(open(sys.argv[1])))
client = json.load(open(sys.argv[2]))
status = json.loads(sys.argv[6]) if sys.argv[6] else {}
steady = rows[1:] if len(rows) > 2 else rows  # the first sample is taken while listeners are still joining
first, last = steady[0], steady[-1]
rss = [int(r["rss_kb"]) for r in steady]
fds = [int(r["fds"]) for r in steady]
lines = [
    "# Soak: listeners joining and leaving for a long time",
    "",
    f"Measured {datetime.date.today()} on {os.cpu_count()} cores: {sys.argv[5]} SSE listeners for {sys.argv[4]} s, each leaving "
    f"after a random 5–60 s and replaced at once (bench/soak.sh). Host RSS, fds and threads sampled every {sys.argv[7]} s.",
    "",
    "| figure | value |",
    "|---|---|",
    f"| connections made | {client['listeners'] + client['reconnects']} |",
    f"| id gaps within a connection | {client['gaps']} |",
    f"| RSS at first steady sample / end / max | {int(first['rss_kb'])/1024:.1f} / {int(last['rss_kb'])/1024:.1f} / {max(rss)/1024:.1f} MB |",
    f"| RSS growth first → end | {(int(last['rss_kb']) - int(first['rss_kb']))/1024:+.1f} MB |",
    f"| open fds first / end / max | {first['fds']} / {last['fds']} / {max(fds)} |",
    f"| threads first / end | {first['threads']} / {last['threads']} |",
    f"| PCM frames dropped | {status.get('drops', {}).get('pcm_frames', '?')} |",
    f"| listener skips | {status.get('drops', {}).get('listener_skips', '?')} |",
    f"| listeners timed out | {status.get('drops', {}).get('listeners_timed_out', '?')} |",
]
open(sys.argv[3], "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
