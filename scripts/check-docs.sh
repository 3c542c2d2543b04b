#!/usr/bin/env bash
# Checks the commands in README.md and README.zh-CN.md (every line of their ```sh blocks) and their links:
#  - each command must match a rule below, which runs it when that is safe here (read-only, or into a temporary
#    folder), or checks it against what exercises it elsewhere (scripts/test.sh itself, .ci/run, tests/package,
#    the integration tests), or against the files it names: scripts, presets, build folders, package file names
#    (the project version), the host's options. A command no rule knows fails the check: add a rule with it.
#  - every path of this repository a command names, and every relative link target, must exist.
# Usage: scripts/check-docs.sh [BUILD_DIR]   (BUILD_DIR: a configured build with the host, default build/ci)
set -euo pipefail
cd "$(dirname "$0")/.."

build="${1:-build/ci}"
version="$(node -p 'require("./buildspec.json").version')"
host="$build/src/host/obs-sse-audio-host"
deb="obs-sse-audio_${version}_amd64.deb"
txz="obs-sse-audio-${version}-linux-x86_64.tar.xz"
failures=0
checked=0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
	echo "FAIL $1: $2" >&2
	failures=$((failures + 1))
}

# binaryDir of a configure preset, relative to the source folder.
preset_dir() {
	# shellcheck disable=SC2016 # JavaScript, not shell
	node -e '
		const p = require("./CMakePresets.json").configurePresets;
		const find = (n) => p.find((x) => x.name === n);
		let x = find(process.argv[1]);
		while (x && !x.binaryDir && x.inherits) x = find(x.inherits);
		if (x && x.binaryDir) console.log(x.binaryDir.replace("${sourceDir}/", ""));
	' "$1"
}
release_dir="$(preset_dir linux)"
[ "$release_dir" = "build/release" ] || fail CMakePresets.json "preset linux builds in '$release_dir', the READMEs say build/release"

# A build folder named in a README must be one a preset or scripts/test.sh makes.
known_build_dir() {
	case "$1" in
	"$release_dir" | build/ci) return 0 ;;
	*) return 1 ;;
	esac
}

# The host takes these arguments (scripts/run.sh passes its arguments on to it): parse them, then --help.
host_accepts() {
	if [ ! -x "$host" ]; then
		echo "(host not built in $build: arguments not checked)"
		return 0
	fi
	"$host" "$@" --help >/dev/null 2>"$work/host.err"
}

check_command() {
	local where="$1" line="$2"
	local -a words
	# Split into words with the shell's quoting, without running anything: xargs reads quotes but expands nothing
	# (operators such as && become words of their own).
	mapfile -t words < <(xargs printf '%s\n' <<<"$line")
	checked=$((checked + 1))
	case "$line" in
	"bash scripts/run.sh" | "bash scripts/run.sh "*)
		bash -n scripts/run.sh || fail "$where" "scripts/run.sh does not parse"
		host_accepts "${words[@]:2}" || fail "$where" "the host refuses '${words[*]:2}': $(cat "$work/host.err")"
		;;
	"bash scripts/test.sh")
		grep -qx 'exec bash scripts/test.sh' .ci/run || fail "$where" ".ci/run does not run scripts/test.sh"
		;;
	"bash scripts/test-windows.sh")
		# Minutes of cross-compiling and Wine: checked to parse here, run by scripts/test.sh's caller.
		bash -n scripts/test-windows.sh || fail "$where" "scripts/test-windows.sh does not parse"
		;;
	"bash scripts/install-deps.sh test")
		# Safe and idempotent (scripts/test.sh runs it first): run it.
		bash scripts/install-deps.sh test >/dev/null || fail "$where" "scripts/install-deps.sh test failed"
		;;
	"sudo apt-get install ./"*)
		[ "${words[3]}" = "./$deb" ] || fail "$where" "the package is ./$deb (version $version), not ${words[3]}"
		grep -q 'apt-get install' tests/package/package_test.sh || fail "$where" "tests/package no longer installs it"
		;;
	"sudo apt-get remove obs-sse-audio")
		grep -q 'apt-get remove' tests/package/package_test.sh || fail "$where" "tests/package no longer removes it"
		;;
	"mkdir -p ~/.config/obs-studio/plugins") ;;
	"tar -xJf "*)
		[ "${words[2]}" = "$txz" ] || fail "$where" "the archive is $txz (version $version), not ${words[2]}"
		# Unpack the archive the build made, if any, the same way into a scratch home.
		if [ -f "$build/packages/$txz" ]; then
			mkdir -p "$work/home/.config/obs-studio/plugins"
			tar -xJf "$build/packages/$txz" -C "$work/home/.config/obs-studio/plugins/"
			[ -f "$work/home/.config/obs-studio/plugins/obs-sse-audio/bin/64bit/obs-sse-audio.so" ] ||
				fail "$where" "unpacking $txz there does not give obs-sse-audio/bin/64bit/obs-sse-audio.so"
		fi
		;;
	"ffplay "*)
		command -v ffplay >/dev/null || fail "$where" "ffplay is not installed (ffmpeg)"
		[ "${words[1]}" = "http://127.0.0.1:8330/stream.mp3" ] || fail "$where" "unexpected URL ${words[1]}"
		;;
	"curl http://127.0.0.1:8330/status.json")
		# Exercised by the integration tests (tests/integration/status_test.cpp) against a running plugin.
		grep -q '/status.json' tests/support/*.cpp tests/integration/*.cpp || fail "$where" "no test fetches /status.json"
		;;
	"sudo ufw allow "*)
		[ "${words[3]}" = "8330/tcp" ] || fail "$where" "the default port is 8330/tcp"
		;;
	"ss -ltnp "*)
		# Read-only: run it.
		"${words[@]}" >/dev/null || fail "$where" "ss failed"
		;;
	"xvfb-run -a ctest --test-dir "*)
		known_build_dir "${words[4]}" || fail "$where" "unknown build folder ${words[4]}"
		if [ "${words[4]}" = "$build" ] || [ "${words[4]}" = build/ci ] && [ -d "${words[4]}" ]; then
			local name="${words[6]}"
			ctest --test-dir "${words[4]}" -N -R "$name" | grep -q 'Total Tests: [1-9]' ||
				fail "$where" "no test matches $name in ${words[4]}"
		fi
		;;
	"xvfb-run -a -s "*" ctest --test-dir "*)
		known_build_dir "${words[6]}" || fail "$where" "unknown build folder ${words[6]}"
		;;
	"xvfb-run -a node "*)
		if [ ! -f "${words[3]}" ] || ! node --check "${words[3]}"; then
			fail "$where" "${words[3]} is missing or does not parse"
		fi
		known_build_dir "${words[4]}" || fail "$where" "unknown build folder ${words[4]}"
		;;
	"cmake --preset "*)
		node -e 'process.exit(require("./CMakePresets.json").configurePresets.some((p) => p.name === process.argv[1]) ? 0 : 1)' \
			"${words[2]}" || fail "$where" "no configure preset ${words[2]}"
		;;
	"cmake --build --preset "*)
		node -e 'process.exit(require("./CMakePresets.json").buildPresets.some((p) => p.name === process.argv[1]) ? 0 : 1)' \
			"${words[3]}" || fail "$where" "no build preset ${words[3]}"
		;;
	"cmake --build "* | "cmake --install "*)
		known_build_dir "${words[2]}" || fail "$where" "unknown build folder ${words[2]}"
		;;
	"cmake -DPLATFORM="*" -P "*)
		[ -f "${words[3]}" ] || fail "$where" "${words[3]} is missing"
		# Parses and refuses an unknown platform without downloading anything.
		local refused
		refused="$(cmake -DPLATFORM=none -P "${words[3]}" 2>&1 || true)"
		grep -q 'PLATFORM must be' <<<"$refused" || fail "$where" "${words[3]} does not run: $refused"
		;;
	"cd "*" && cpack -G DEB && cpack -G TXZ")
		known_build_dir "${words[1]}" || fail "$where" "unknown build folder ${words[1]}"
		[ ! -f "$build/CPackConfig.cmake" ] || grep -q 'CPACK_GENERATOR "DEB;TXZ"' "$build/CPackConfig.cmake" ||
			fail "$where" "the build's CPack configuration does not offer DEB and TXZ"
		;;
	*)
		fail "$where" "no rule knows this command; add one to scripts/check-docs.sh: $line"
		;;
	esac
	# Every repository path the command names must exist.
	local word
	for word in "${words[@]}"; do
		case "$word" in
		scripts/* | docs/* | tests/* | bench/* | deploy/* | data/* | .github/* | .ci/*)
			[ -e "$word" ] || fail "$where" "names $word, which does not exist"
			;;
		esac
	done
}

for readme in README.md README.zh-CN.md; do
	[ -f "$readme" ] || {
		fail "$readme" "missing"
		continue
	}
	in_block=0
	number=0
	while IFS= read -r raw; do
		number=$((number + 1))
		case "$raw" in
		'```sh' | '```bash') in_block=1; continue ;;
		'```'*) in_block=0; continue ;;
		esac
		[ "$in_block" -eq 1 ] || continue
		# Drop a trailing comment and the indentation of blocks inside lists.
		line="$(sed -E 's/[[:space:]]+#.*$//; s/^[[:space:]]+//; s/[[:space:]]+$//' <<<"$raw")"
		[ -n "$line" ] || continue
		check_command "$readme:$number" "$line"
	done <"$readme"
	# Relative links and images: [text](path) and src="path".
	while IFS= read -r target; do
		target="${target%%#*}"
		[ -n "$target" ] || continue
		[ -e "$target" ] || fail "$readme" "links to $target, which does not exist"
	done < <(grep -oE '\]\([^)#][^)]*\)|src="[^"]+"' "$readme" | sed -E 's/^\]\(//; s/\)$//; s/^src="//; s/"$//' |
		grep -vE '^(https?|mailto):' | sort -u)
done

echo "docs: $checked README commands checked (version $version)"
if [ "$failures" -gt 0 ]; then
	echo "docs: $failures problem(s)" >&2
	exit 1
fi
