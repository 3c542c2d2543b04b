#!/usr/bin/env bash
# HTTPS in front of the plugin as docs/SECURITY.md tells: deploy/reverse-proxy/nginx-https.conf (and the Caddyfile,
# when caddy is installed) run for real, on loopback ports, with a throwaway self-signed certificate, in front of the
# headless host with an access key. Through the proxy, over https, curl must get the player page, a 401 without the
# key, /status.json with it (never showing the key), an SSE stream of consecutive audio events holding MP3 frames,
# and the plain MP3 stream; the proxy's access log must not hold the key.
# Usage: reverse_proxy_test.sh HOST MODULE DATA (ctest passes them). The host needs a display: run under xvfb-run.
# Exit 77 (skipped) when nginx is not installed, unless SSE_AUDIO_REQUIRE_PROXY_TEST=1.
set -euo pipefail

host_bin="$1"
module="$2"
data="$3"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
key="proxy-test-key-$RANDOM$RANDOM"
name="stream.example.org" # the examples' server name; curl resolves it to 127.0.0.1 itself

if ! command -v nginx >/dev/null; then
	echo "nginx is not installed (scripts/install-deps.sh test installs it)"
	[ "${SSE_AUDIO_REQUIRE_PROXY_TEST:-0}" = 1 ] && exit 1
	exit 77
fi

work="$(mktemp -d)"
pids=()
cleanup() {
	# Everything this script started, by its own pid, and nothing else.
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	for log in "$work"/*.log; do
		[ -f "$log" ] && { echo "--- $log"; tail -n 30 "$log"; } >&2
	done
	exit 1
}

# A loopback port nothing listens on (bounded tries; the host and the proxy report it if it was taken meanwhile).
free_port() {
	for _ in $(seq 1 50); do
		local port=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	fail "no free loopback port found"
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=$name" -addext "subjectAltName=DNS:$name" \
	-keyout "$work/key.pem" -out "$work/cert.pem" 2>"$work/openssl.log" || fail "openssl could not make a certificate"

plugin_port="$(free_port)"
# The plugin as docs/SECURITY.md sets it up behind a proxy: loopback only, a key, no per-address limit (every
# listener comes from the proxy's address), and the proxy's public origin allowed (the proxy passes its name as
# Host), where the host knows those settings.
settings=(--port "$plugin_port" --bind 127.0.0.1 --key "$key")
if "$host_bin" --help 2>&1 | grep -q -- '--max-listeners-per-address'; then
	settings+=(--max-listeners-per-address 0)
fi
if "$host_bin" --help 2>&1 | grep -q -- '--allowed-origins'; then
	settings+=(--allowed-origins "https://$name")
fi
"$host_bin" --module "$module" --data "$data" "${settings[@]}" --tone 440 --duration 120 \
	>"$work/host.out" 2>"$work/host.log" </dev/null &
pids+=("$!")
for _ in $(seq 1 300); do
	grep -q '^READY' "$work/host.out" 2>/dev/null && break
	grep -q '^START FAILED' "$work/host.out" 2>/dev/null && fail "the host did not start: $(cat "$work/host.out")"
	sleep 0.1
done
grep -q "^READY $plugin_port" "$work/host.out" || fail "the host did not say READY $plugin_port within 30 s"

# Waits until the proxy answers on $1 (the page needs no key).
wait_for_proxy() {
	for _ in $(seq 1 100); do
		curl -s -o /dev/null --cacert "$work/cert.pem" --resolve "$name:$1:127.0.0.1" "https://$name:$1/" && return
		sleep 0.1
	done
	fail "the proxy did not answer on port $1 within 10 s"
}

# The checks, through the proxy on port $1 over https; $2 names the proxy in messages; $3 its access log.
check_through_proxy() {
	local port="$1" proxy="$2" access_log="$3"
	local base="https://$name:$port"
	local tls=(--cacert "$work/cert.pem" --resolve "$name:$port:127.0.0.1" -sS)

	# Responses go to files first: a pipe into `grep -q` or `head` could end curl early, which pipefail counts.
	curl "${tls[@]}" "$base/" >"$work/page.html" || fail "$proxy: no answer at /"
	grep -qi '<html' "$work/page.html" || fail "$proxy: no player page at /"
	local code
	code="$(curl "${tls[@]}" -o /dev/null -w '%{http_code}' "$base/stream")"
	[ "$code" = 401 ] || fail "$proxy: /stream without the key gave $code, not 401"

	curl "${tls[@]}" -H "Authorization: Bearer $key" "$base/status.json" >"$work/status.json" ||
		fail "$proxy: /status.json with the key failed"
	grep -q '"access_key_required":true' "$work/status.json" || fail "$proxy: status.json: $(cat "$work/status.json")"
	if grep -q "$key" "$work/status.json"; then
		fail "$proxy: /status.json shows the access key"
	fi

	# Two seconds of the SSE stream: at 48 kHz an audio event comes every 24 ms, so dozens must arrive, unbuffered.
	curl "${tls[@]}" -N --max-time 2 "$base/stream?key=$key" >"$work/stream.txt" 2>/dev/null || true
	head -n 1 "$work/stream.txt" | grep -q '^retry: ' || fail "$proxy: the SSE stream did not start with retry:"
	local events
	events="$(grep -c '^event: audio$' "$work/stream.txt" || true)"
	[ "$events" -ge 20 ] || fail "$proxy: only $events audio events arrived in 2 s"
	# Consecutive ids: no event lost or reordered by the proxy.
	grep '^id: ' "$work/stream.txt" | cut -c5- |
		awk 'NR > 1 && $1 != prev + 1 { bad = 1 } { prev = $1 } END { exit bad }' ||
		fail "$proxy: the event ids are not consecutive"
	# Each data line is base64 of whole MPEG audio frames: the first decodes to a frame header (sync word 0xFFE).
	awk '/^event: audio$/ { audio = 1; next } audio && /^data: / { print substr($0, 7); exit }' "$work/stream.txt" |
		base64 -d 2>/dev/null | head -c 2 | od -An -tx1 |
		grep -qE '^ ff f[a-f]' || fail "$proxy: the first data line is not an MPEG audio frame"

	curl "${tls[@]}" --max-time 1 "$base/stream.mp3?key=$key" >"$work/stream.mp3" 2>/dev/null || true
	head -c 2 "$work/stream.mp3" | od -An -tx1 | grep -qE '^ ff f[a-f]' ||
		fail "$proxy: /stream.mp3 did not start with an MPEG audio frame"

	grep -q '/stream' "$access_log" || fail "$proxy: its access log has no /stream request"
	if grep -q "$key" "$access_log"; then
		fail "$proxy: its access log holds the access key"
	fi
	echo "$proxy: page, 401 without the key, status.json, $events SSE audio events in 2 s with consecutive ids, MP3 stream, key kept out of the access log"
}

# --- nginx, with the example's server block turned to this test's ports, certificate and log.
example="$repo/deploy/reverse-proxy/nginx-https.conf"
nginx_port="$(free_port)"
# Each substitution must hit the example, so the test cannot silently drift away from the file users copy.
for pattern in 'server 127.0.0.1:8330;' 'listen 443 ssl http2;' 'listen \[::\]:443 ssl http2;' \
	'ssl_certificate /etc/letsencrypt/live/stream.example.org/fullchain.pem;' \
	'ssl_certificate_key /etc/letsencrypt/live/stream.example.org/privkey.pem;' \
	'access_log /var/log/nginx/obs-sse-audio.log '; do
	grep -q "$pattern" "$example" || fail "the nginx example no longer has \"$pattern\""
done
sed -e "s|server 127.0.0.1:8330;|server 127.0.0.1:$plugin_port;|" \
	-e "s|listen 443 ssl http2;|listen 127.0.0.1:$nginx_port ssl http2;|" \
	-e '/listen \[::\]:443 ssl http2;/d' \
	-e "s|ssl_certificate /etc/letsencrypt/live/stream.example.org/fullchain.pem;|ssl_certificate $work/cert.pem;|" \
	-e "s|ssl_certificate_key /etc/letsencrypt/live/stream.example.org/privkey.pem;|ssl_certificate_key $work/key.pem;|" \
	-e "s|access_log /var/log/nginx/obs-sse-audio.log |access_log $work/nginx-access.log |" \
	"$example" >"$work/site.conf"
mkdir -p "$work/nginx-temp"
cat >"$work/nginx.conf" <<CONF
# The frame of an nginx.conf around the example (it goes where /etc/nginx/nginx.conf includes conf.d/*.conf).
daemon off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events {
	worker_connections 64;
}
http {
	client_body_temp_path $work/nginx-temp/body;
	proxy_temp_path $work/nginx-temp/proxy;
	fastcgi_temp_path $work/nginx-temp/fastcgi;
	uwsgi_temp_path $work/nginx-temp/uwsgi;
	scgi_temp_path $work/nginx-temp/scgi;
	access_log off;
	include $work/site.conf;
}
CONF
# As root, nginx's workers run as nobody: they only need to pass through the folder to the files nginx opened.
chmod 711 "$work"
nginx -t -q -p "$work" -e "$work/nginx-error.log" -c "$work/nginx.conf" 2>"$work/nginx-check.log" ||
	fail "nginx refuses the example: $(cat "$work/nginx-check.log")"
nginx -p "$work" -e "$work/nginx-error.log" -c "$work/nginx.conf" 2>>"$work/nginx-error.log" &
pids+=("$!")
wait_for_proxy "$nginx_port"
check_through_proxy "$nginx_port" nginx "$work/nginx-access.log"

# --- Caddy, when installed, with the example's site address turned to this test's port and certificate.
if command -v caddy >/dev/null; then
	example="$repo/deploy/reverse-proxy/Caddyfile"
	caddy_port="$(free_port)"
	for pattern in '^stream.example.org {' 'reverse_proxy 127.0.0.1:8330 {'; do
		grep -q "$pattern" "$example" || fail "the Caddyfile example no longer has \"$pattern\""
	done
	{
		# No admin endpoint, no certificate authority of its own, nothing written outside the test's folder.
		printf '{\n\tadmin off\n\tauto_https disable_redirects\n\tskip_install_trust\n\tstorage file_system %s\n}\n\n' \
			"$work/caddy-storage"
		sed -e "s|^stream.example.org {|https://$name:$caddy_port {\n\ttls $work/cert.pem $work/key.pem\n\tbind 127.0.0.1|" \
			-e "s|reverse_proxy 127.0.0.1:8330 {|reverse_proxy 127.0.0.1:$plugin_port {|" "$example"
	} >"$work/Caddyfile"
	# Caddy writes its access log, like its own log, to standard error: caddy.log is both.
	HOME="$work" XDG_DATA_HOME="$work/caddy-data" XDG_CONFIG_HOME="$work/caddy-config" \
		caddy run --adapter caddyfile --config "$work/Caddyfile" >"$work/caddy.log" 2>&1 &
	pids+=("$!")
	wait_for_proxy "$caddy_port"
	check_through_proxy "$caddy_port" caddy "$work/caddy.log"
else
	echo "caddy is not installed: only the nginx example was run"
fi
echo "reverse proxy test passed"
