#!/usr/bin/env bash
# Relay benchmark: listeners held through one nginx + nchan node (deploy/nginx, the plugin publishing to it in
# relay-only mode) against the plugin serving them itself, in the same run. For each row: listeners connected, id
# gaps, stalls, arrival delay (capture → arrival at the listener), and the CPU of each process (the OBS side, nginx,
# the load client) over the measured window. Prints a table and writes bench/results/relay.{md,json}.
# Usage: bench/relay.sh                                   (direct: 1000; relay: 1000 and 5000; 60 s each)
#        DIRECT_COUNTS="100" RELAY_COUNTS="100 5000" DURATION=20 bench/relay.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DIRECT_COUNTS="${DIRECT_COUNTS:-1000}" # the plugin's max_listeners is at most 1000
RELAY_COUNTS="${RELAY_COUNTS:-1000 5000}"
DURATION="${DURATION:-60}"
RAMP="${RAMP:-10}"
IDLE_SECONDS="${IDLE_SECONDS:-10}"

bench_require nginx libnginx-mod-nchan xvfb python3
# One descriptor per listener in the load client and in nginx's workers: raise the soft limit as far as allowed.
ulimit -n "$(ulimit -Hn)"
nofile="$(ulimit -n)"
max_count=0
for n in $DIRECT_COUNTS $RELAY_COUNTS; do
	[ "$n" -gt "$max_count" ] && max_count="$n"
done
if [ "$nofile" -lt $((max_count + 100)) ]; then
	echo "bench: ulimit -n is $nofile, too low for $max_count listeners (raise the hard limit)" >&2
	exit 1
fi

work="$(mktemp -d)"
chmod 755 "$work"
HOST_PID="" NGINX_PID="" BENCH_XVFB_PID=""
cleanup() {
	bench_stop "$HOST_PID"
	bench_stop "$NGINX_PID"
	bench_stop "$BENCH_XVFB_PID"
	rm -rf "$work"
}
trap cleanup EXIT
bench_start_display

# CPU seconds of nginx: the master and its workers (the workers do the fan-out).
nginx_cpu_seconds() {
	local total=0 pid
	for pid in "$NGINX_PID" $(ps -o pid= --ppid "$NGINX_PID"); do
		total="$(python3 -c "print($total + $(proc_cpu_seconds "$pid"))")"
	done
	echo "$total"
}
nginx_rss_kb() {
	local total=0 pid
	for pid in "$NGINX_PID" $(ps -o pid= --ppid "$NGINX_PID"); do
		total=$((total + $(proc_rss_kb "$pid")))
	done
	echo "$total"
}

start_nginx() {
	local port="$1"
	# One worker (deploy/nginx explains why) holds every listener.
	LISTEN="127.0.0.1:$port" PUBLISHER_ALLOW=127.0.0.1 WORKER_CONNECTIONS=$((max_count + 1024)) NOFILE="$nofile" \
		ACCESS_LOG=off bash "$bench_root/deploy/nginx/render.sh" single "$work/nginx" >/dev/null
	nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" -g "daemon off;" \
		>"$work/nginx/out.log" 2>&1 &
	NGINX_PID=$!
	for _ in $(seq 100); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "bench: nginx did not start:" >&2
	tail -5 "$work/nginx/error.log" >&2
	return 1
}

rows_json="$work/rows.json"
echo "[]" >"$rows_json"

# One row: N listeners on `url` for DURATION seconds; CPU of `obs_pid` and of nginx (when running) over it.
measure() {
	local label="$1" url="$2" n="$3"
	local out="$work/load-$label-$n.json"
	local obs0 obs1 ng0=0 ng1=0 t0 t1 client_cpu
	"$LOAD_CLIENT" --url "$url" --listeners "$n" --duration "$((DURATION + RAMP + 5))" --ramp "$RAMP" --json "$out" \
		>/dev/null &
	local client=$!
	# Measure once every listener has joined.
	sleep "$RAMP"
	obs0="$(proc_cpu_seconds "$HOST_PID")"
	[ -n "$NGINX_PID" ] && ng0="$(nginx_cpu_seconds)"
	local cl0
	cl0="$(proc_cpu_seconds "$client")"
	t0="$(date +%s.%N)"
	sleep "$DURATION"
	obs1="$(proc_cpu_seconds "$HOST_PID")"
	[ -n "$NGINX_PID" ] && ng1="$(nginx_cpu_seconds)"
	client_cpu="$(python3 -c "print($(proc_cpu_seconds "$client") - $cl0)")"
	t1="$(date +%s.%N)"
	local obs_rss ng_rss=0
	obs_rss="$(proc_rss_kb "$HOST_PID")"
	[ -n "$NGINX_PID" ] && ng_rss="$(nginx_rss_kb)"
	wait "$client" || true
	python3 - "$rows_json" "$out" "$label" "$n" "$obs0" "$obs1" "$ng0" "$ng1" "$client_cpu" "$t0" "$t1" \
		"$obs_rss" "$ng_rss" "$BASE_OBS_CORES" <<'PY'
import json, sys
rows_path, out, label, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
obs0, obs1, ng0, ng1, client_cpu, t0, t1 = map(float, sys.argv[5:12])
obs_rss, ng_rss, base = int(sys.argv[12]), int(sys.argv[13]), float(sys.argv[14])
load = json.load(open(out))
secs = t1 - t0
row = {
    "mode": label, "listeners": n, "connected": load["connected"], "ended_early": load["ended_early"],
    "gaps": load["gaps"], "stalls": load["stalls"], "events": load["events"],
    "min_events_per_listener": load["min_events_per_listener"],
    "delay_ms_p50": load["delay_ms_p50"], "delay_ms_p99": load["delay_ms_p99"], "delay_ms_max": load["delay_ms_max"],
    "obs_cores": round((obs1 - obs0) / secs, 3), "obs_idle_cores": round(base, 3),
    "nginx_cores": round((ng1 - ng0) / secs, 3), "client_cores": round(client_cpu / secs, 3),
    "obs_rss_mb": round(obs_rss / 1024, 1), "nginx_rss_mb": round(ng_rss / 1024, 1), "seconds": round(secs, 1),
}
rows = json.load(open(rows_path))
rows.append(row)
json.dump(rows, open(rows_path, "w"), indent=1)
print(f"{label:>6} N={n:<5} connected {row['connected']:<5} gaps {row['gaps']:<3} stalls {row['stalls']:<3} "
      f"delay p50/p99 {row['delay_ms_p50']}/{row['delay_ms_p99']} ms  OBS {row['obs_cores']} cores "
      f"(idle {row['obs_idle_cores']})  nginx {row['nginx_cores']} cores  client {row['client_cores']} cores")
PY
}

# The OBS side with nobody listening, to tell what listeners cost it from what encoding costs.
idle_cores() {
	local c0 c1
	sleep 2
	c0="$(proc_cpu_seconds "$HOST_PID")"
	sleep "$IDLE_SECONDS"
	c1="$(proc_cpu_seconds "$HOST_PID")"
	python3 -c "print(round(($c1 - $c0) / $IDLE_SECONDS, 3))"
}

# 1. The plugin serving its listeners itself.
port="$(bench_free_port)"
bench_start_host "$port" "$work/host-direct.log" --tone 440 --max-listeners 1000 --max-listeners-per-address 0
BASE_OBS_CORES="$(idle_cores)"
for n in $DIRECT_COUNTS; do
	measure direct "http://127.0.0.1:$port/stream" "$n"
done
bench_stop "$HOST_PID"
HOST_PID=""

# 2. Through nginx + nchan: the plugin publishes once and opens no port of its own.
nginx_port="$(bench_free_port)"
start_nginx "$nginx_port"
port="$(bench_free_port)"
bench_start_host "$port" "$work/host-relay.log" --tone 440 --relay-url "http://127.0.0.1:$nginx_port/pub/obs" --no-serve
BASE_OBS_CORES="$(idle_cores)"
for n in $RELAY_COUNTS; do
	measure relay "http://127.0.0.1:$nginx_port/stream" "$n"
done
bench_stop "$HOST_PID"
HOST_PID=""
relay_log="$(grep -h "relay stopped" "$work/host-relay.log" "$work/host-relay.log.err" | tail -1 || true)"

cp "$rows_json" "$RESULTS/relay.json"
python3 - "$RESULTS/relay.json" "$RESULTS/relay.md" "$DURATION" "$nofile" "$relay_log" <<'PY'
import json, sys, platform, os
rows = json.load(open(sys.argv[1]))
duration, nofile, relay_log = sys.argv[3], sys.argv[4], sys.argv[5]
cpu = "unknown"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
out = ["# Relay: nginx + nchan against the plugin serving listeners itself", "",
       f"`bench/relay.sh`, {os.cpu_count()} cores ({cpu}), {duration} s measured per row after every listener joined;"
       f" `ulimit -n` {nofile}. Everything on loopback: the plugin in the headless host (440 Hz tone, 128 kbps), one"
       " nginx node rendered from `deploy/nginx` (`single`), and `sse-load-client` holding the listeners. `direct`:"
       " listeners on the plugin's own `/stream`; `relay`: the plugin in relay-only mode (`serve_listeners` off)"
       " publishing to nginx, listeners on nginx's `/stream`. Cores = CPU seconds per second over the window;"
       " `OBS idle` is the same process with nobody listening (encoding, and in relay mode publishing).", "",
       "| mode | listeners | connected | gaps | stalls | delay p50 / p99 / max ms | OBS cores (idle) | nginx cores |"
       " load client cores | OBS RSS MB | nginx RSS MB |",
       "| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: |"]
for r in rows:
    out.append(f"| {r['mode']} | {r['listeners']} | {r['connected']} | {r['gaps']} | {r['stalls']} | "
               f"{r['delay_ms_p50']} / {r['delay_ms_p99']} / {r['delay_ms_max']} | {r['obs_cores']} ({r['obs_idle_cores']}) | "
               f"{r['nginx_cores'] if r['mode'] == 'relay' else '–'} | {r['client_cores']} | {r['obs_rss_mb']} | "
               f"{r['nginx_rss_mb'] if r['mode'] == 'relay' else '–'} |")
out += ["", "Gaps: audio ids that did not follow the previous one (direct), or any nchan message id that did not follow"
        " the previous one (relay). Delay: from the capture of an event's first sample to its arrival at the"
        " listener, from the `timing` events, after each listener's first second (its join burst).", ""]
if relay_log:
    out += ["The plugin's own account when the relay run stopped: `" + relay_log.split("] ", 1)[-1] + "`", ""]
open(sys.argv[2], "w").write("\n".join(out))
print("\n".join(out))
PY
