#!/usr/bin/env bash
# Write cost: the server's CPU for one write to one loopback listener, by method (sendmsg against io_uring with
# registered files) and by size (1, 2 and 4 MPEG frames per write, the same audio per second), with the rest of the
# server taken away (bench/write_cost). Medians over interleaved repeats. Writes bench/results/write-cost.{md,json}.
# Usage: bench/write-cost.sh            (1000 listeners, 5 repeats of 5 s per method and size)
#        LISTENERS=200 REPEATS=3 TRIAL_SECONDS=3 bench/write-cost.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

LISTENERS="${LISTENERS:-1000}"
REPEATS="${REPEATS:-5}"
TRIAL_SECONDS="${TRIAL_SECONDS:-5}"
WRITE_COST="$BUILD_DIR/bench/write_cost/sse-write-cost"

bench_require liburing-dev pkg-config python3
# Configured again so that CMake sees liburing if it was only now installed.
cmake -S "$bench_root" -B "$BUILD_DIR" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target sse-write-cost >/dev/null
ulimit -n "$(ulimit -Hn)"

rows="$(mktemp)"
trap 'rm -f "$rows"' EXIT
echo "== $LISTENERS listeners, $REPEATS repeats of $TRIAL_SECONDS s per method and size"
"$WRITE_COST" --listeners "$LISTENERS" --repeats "$REPEATS" --seconds "$TRIAL_SECONDS" --frames 1,2,4 | tee "$rows"

python3 - "$rows" "$RESULTS" <<'PY'
import json, sys, os, datetime
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
out = sys.argv[2]
json.dump(rows, open(os.path.join(out, "write-cost.json"), "w"), indent=2)
cpu = open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(": \t")
base = next(r for r in rows if r["method"] == "sendmsg" and r["frames_per_write"] == 1)
r0 = rows[0]
lines = [
    "# Write cost: one write to one loopback listener",
    "",
    f"Measured {datetime.date.today()} on {os.cpu_count()} cores ({cpu}) by bench/write-cost.sh: {r0['listeners']} "
    f"loopback TCP listeners drained by one reader thread, one writer thread writing to all of them at a steady pace; "
    f"median of {r0['repeats']} interleaved trials of {r0['seconds']} s each.",
    "CPU is the writer thread's user + system time, which on loopback includes the receiving side's TCP work, as a",
    "server process's does in bench/fanout.sh. Every size carries the same audio per second (a 577-byte SSE event",
    "per 24 ms MPEG frame).",
    "",
    "| method | frames per write | bytes per write | writes/s per listener | CPU µs per write | CPU ms/s per listener | vs sendmsg, 1 frame | short writes |",
    "|---|---|---|---|---|---|---|---|",
]
for r in sorted(rows, key=lambda r: (r["frames_per_write"], r["method"] != "sendmsg")):
    lines.append(f'| {r["method"]} | {r["frames_per_write"]} | {r["bytes_per_write"]} | {r["writes_per_listener_per_s"]} | '
                 f'{r["us_per_write_p50"]:.2f} | {r["cpu_ms_per_listener_per_s_p50"]:.4f} | '
                 f'{r["cpu_ms_per_listener_per_s_p50"] / base["cpu_ms_per_listener_per_s_p50"]:.2f} | {r["short_writes"]} |')
open(os.path.join(out, "write-cost.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
echo "wrote $RESULTS/write-cost.md, write-cost.json"
