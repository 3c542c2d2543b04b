#!/usr/bin/env bash
# Renders an nginx configuration for obs-sse-audio from the templates beside this script.
#   deploy/nginx/render.sh single|redis OUT_DIR
# writes OUT_DIR/nginx.conf, OUT_DIR/sse-audio-locations.conf and OUT_DIR/sse-audio-channels.conf; start it with
#   nginx -p OUT_DIR -c OUT_DIR/nginx.conf
# Settings come from the environment (defaults in brackets):
#   LISTEN              address:port listeners connect to [0.0.0.0:8080]
#   PUBLISHER_ALLOW     address (or CIDR) of the computer running OBS; only it may publish [127.0.0.1]
#   PUBLISHER_KEY       the plugin's relay_key; empty: the address check alone []
#   PUBLISH_PATH        the publisher location; the plugin's relay_url ends with it [/pub/obs]
#   DEFAULT_CHANNEL     with a channel list: the id a request without ?channel= gets; empty: the stream published
#                       without a list []
#   WEB_ROOT            the player's files (the plugin's data/web) [this checkout's data/web]
#   RUN_DIR             pid file, error log and temporary files [OUT_DIR]
#   ACCESS_LOG          an access_log argument [off]
#   WORKER_CONNECTIONS  connections per worker [16384]
#   NOFILE              worker_rlimit_nofile [65536]
#   NCHAN_MODULE        the nchan module [/usr/lib/nginx/modules/ngx_nchan_module.so]
#   REDIS_URL           redis template only: redis://host:port [redis://127.0.0.1:6379]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
kind="${1:-}"
out="${2:-}"
case "$kind" in
single)
	template="$here/single-node.conf.in"
	storage="# messages in this node's shared memory"
	;;
redis)
	template="$here/redis-node.conf.in"
	storage="nchan_redis_pass sse_audio_redis;"
	;;
*)
	sed -n '2,19p' "$0" >&2
	exit 2
	;;
esac
[ -n "$out" ] || {
	echo "render.sh: OUT_DIR missing" >&2
	exit 2
}
mkdir -p "$out"
out="$(cd "$out" && pwd)"

key="${PUBLISHER_KEY:-}"
if [ -n "$key" ]; then
	# The same alphabet the plugin accepts for relay_key, so the key needs no quoting in nginx.
	if ! [[ "$key" =~ ^[A-Za-z0-9._~-]{1,128}$ ]]; then
		echo "render.sh: PUBLISHER_KEY may hold only letters, digits and - _ . ~" >&2
		exit 2
	fi
	key_check="if (\$http_authorization != \"Bearer $key\") { return 403; }"
else
	key_check="# no publisher key: the address check above is the only one"
fi

publish_path="${PUBLISH_PATH:-/pub/obs}"
# It goes into regular expressions (the channels' publisher locations): no characters they would read specially.
if ! [[ "$publish_path" =~ ^(/[A-Za-z0-9_-]+)+$ ]]; then
	echo "render.sh: PUBLISH_PATH must be /-separated names of letters, digits, - and _ (such as /pub/obs)" >&2
	exit 2
fi
default_channel="${DEFAULT_CHANNEL:-}"
if [ -z "$default_channel" ]; then
	default_events=obs
	default_status=obs-status
elif [[ "$default_channel" =~ ^[A-Za-z0-9_-]{1,16}$ ]]; then
	default_events="obs-ch-$default_channel"
	default_status="obs-st-$default_channel"
else
	echo "render.sh: DEFAULT_CHANNEL must be a channel id: 1 to 16 letters, digits, - or _" >&2
	exit 2
fi

render() {
	sed -e "s|@@LISTEN@@|${LISTEN:-0.0.0.0:8080}|g" \
		-e "s|@@PUBLISHER_ALLOW@@|${PUBLISHER_ALLOW:-127.0.0.1}|g" \
		-e "s|@@PUBLISHER_KEY_CHECK@@|$key_check|g" \
		-e "s|@@PUBLISH_PATH@@|$publish_path|g" \
		-e "s|@@DEFAULT_EVENTS@@|$default_events|g" \
		-e "s|@@DEFAULT_STATUS@@|$default_status|g" \
		-e "s|@@CHANNEL_MAPS@@|$out/sse-audio-channels.conf|g" \
		-e "s|@@WEB_ROOT@@|${WEB_ROOT:-$(cd "$here/../../data/web" && pwd)}|g" \
		-e "s|@@RUN_DIR@@|${RUN_DIR:-$out}|g" \
		-e "s|@@ACCESS_LOG@@|${ACCESS_LOG:-off}|g" \
		-e "s|@@WORKER_CONNECTIONS@@|${WORKER_CONNECTIONS:-16384}|g" \
		-e "s|@@NOFILE@@|${NOFILE:-65536}|g" \
		-e "s|@@NCHAN_MODULE@@|${NCHAN_MODULE:-/usr/lib/nginx/modules/ngx_nchan_module.so}|g" \
		-e "s|@@REDIS_URL@@|${REDIS_URL:-redis://127.0.0.1:6379}|g" \
		-e "s|@@NCHAN_STORAGE@@|$storage|g" \
		-e "s|@@LOCATIONS@@|$out/sse-audio-locations.conf|g" \
		"$1"
}
render "$here/sse-audio-locations.conf.in" >"$out/sse-audio-locations.conf"
render "$here/sse-audio-channels.conf.in" >"$out/sse-audio-channels.conf"
render "$template" >"$out/nginx.conf"
mkdir -p "${RUN_DIR:-$out}"
echo "$out/nginx.conf"
