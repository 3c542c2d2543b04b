#!/usr/bin/env bash
# Attacks on the plugin's server from one address (127.0.0.2), each against a freshly started headless host with the
# default limits: how long a newcomer from another address (127.0.0.1) waits for the player page and for the first
# audio event while the attack holds (median and worst of tries every 0.5 s; a try that fails counts as 10 s), and
# the host's peak RSS. ATTACK_SECONDS (default 20) per attack. Writes bench/results/attacks.md (and attacks.json).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ATTACK_SECONDS="${ATTACK_SECONDS:-20}"
ATTACKS="${ATTACKS:-none range pipeline gate}"

bench_require xvfb python3
ulimit -n "$(ulimit -Hn)"

work="$(mktemp -d)"
HOST_PID="" BENCH_XVFB_PID=""
cleanup() {
	bench_stop "$HOST_PID"
	bench_stop "$BENCH_XVFB_PID"
	rm -rf "$work"
}
trap cleanup EXIT
bench_start_display

results="$work/results.jsonl"
: >"$results"
for attack in $ATTACKS; do
	port=$(bench_free_port)
	# The defaults a streamer has (bench_start_host turns the per-address limit off for the load benchmarks).
	bench_start_host "$port" "$work/host-$attack.log" --max-listeners-per-address 16
	line=$(python3 "$bench_root/bench/attacks.py" "$attack" "$port" "$ATTACK_SECONDS")
	peak_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$HOST_PID/status")
	line=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["host_peak_rss_mb"]=round(int(sys.argv[2])/1024,1); print(json.dumps(d))' "$line" "$peak_kb")
	echo "$line" | tee -a "$results"
	bench_stop "$HOST_PID"
	HOST_PID=""
done

python3 - "$results" "$RESULTS/attacks.md" "$RESULTS/attacks.json" "$ATTACK_SECONDS" <<'PY'
import datetime, json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
json.dump(rows, open(sys.argv[3], "w"), indent=1)
with open(sys.argv[2], "w") as out:
    out.write(f"# Attacks from one address, and what a newcomer from another waits\n\n")
    out.write(f"{datetime.date.today()}, {sys.argv[4]} s per attack, default limits, a fresh host per attack. "
              "A failed try counts as 10 s.\n\n")
    out.write("| attack | page wait median / max (s) | page tries failed | first audio median / max (s) | "
              "stream tries failed | host peak RSS (MB) |\n| --- | --- | --- | --- | --- | --- |\n")
    for r in rows:
        out.write(f"| {r['attack']} | {r['page_wait_median_s']} / {r['page_wait_max_s']} | "
                  f"{r['page_failed']} of {r['page_tries']} | {r['stream_wait_median_s']} / "
                  f"{r['stream_wait_max_s']} | {r['stream_failed']} of {r['stream_tries']} | "
                  f"{r['host_peak_rss_mb']} |\n")
print(open(sys.argv[2]).read())
PY
