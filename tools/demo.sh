#!/bin/sh
# The main job: builds numberctl and runs a short, readable demonstration.
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh
[ -f build/build.ninja ] || meson setup build > /dev/null
meson compile -C build > /dev/null
numberctl=./build/examples/numberctl/numberctl
run() {
	printf '\n$ numberctl'
	printf ' %s' "$@"
	printf '\n'
	"$numberctl" "$@" || true
}
run version
run parse +61255501100
run parse --region AU "02 5550 1100"
run parse --region US "011 44 20 7946 0958"
run parse +1202555013
run range +61255501100-99
run parse "+1 800 FLOWERS"
printf '\n$ printf "+61255501100\\n(202) 555-0134\\n" | numberctl parse --region US -\n'
printf '+61255501100\n(202) 555-0134\n' | "$numberctl" parse --region US - || true
