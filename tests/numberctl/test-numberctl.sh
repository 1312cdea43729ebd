#!/bin/sh
# numberctl's output, compared with golden files in tests/numberctl/expected/.
# Set NUMBERING_UPDATE_GOLDEN=1 to rewrite them after an intended change.
set -u
numberctl=$1 dir=$2
failures=0 count=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check NAME EXPECTED_EXIT [--stdin FILE] ARGS...
check() {
	name=$1 want_exit=$2
	shift 2
	input=/dev/null
	if [ "$1" = "--stdin" ]; then
		input=$2
		shift 2
	fi
	count=$((count + 1))
	"$numberctl" "$@" < "$input" > "$tmp/out" 2> "$tmp/err"
	got_exit=$?
	golden="$dir/expected/$name.out"
	if [ "${NUMBERING_UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$tmp/out" "$golden"
	fi
	if [ "$got_exit" -ne "$want_exit" ]; then
		echo "FAIL $name: exit $got_exit, want $want_exit"; cat "$tmp/err"
		failures=$((failures + 1))
	elif ! diff -u "$golden" "$tmp/out"; then
		echo "FAIL $name: output differs from $golden"
		failures=$((failures + 1))
	fi
}

check parse-e164 0 parse +61255501100
check parse-national 0 parse --region AU "02 5550 1100"
check parse-us 0 parse --region US "(202) 555-0134"
check parse-idd 0 parse --region US "011 61 2 5550 1100"
check parse-too-short 0 parse +1202555013
check parse-letters 1 parse "+1 800 FLOWERS"
check parse-no-region 1 parse "02 5550 1100"
check parse-unassigned 1 parse +2812345678
check parse-stdin 1 --stdin "$dir/stdin-numbers.txt" parse --region AU -
check range-seed 0 range +61255501100-99
check range-below 1 range +61255501150-10
check parse-usage 2 parse
check unknown-command 2 frobnicate

"$numberctl" version > "$tmp/version" || { echo "FAIL version: non-zero exit"; failures=$((failures + 1)); }
grep -q '"version":"[0-9]*\.[0-9]*\.[0-9]*","unicodeVersion":"[0-9]' "$tmp/version" ||
	{ echo "FAIL version: $(cat "$tmp/version")"; failures=$((failures + 1)); }
count=$((count + 1))
for c in parse range version; do
	count=$((count + 1))
	"$numberctl" help "$c" | grep -q "usage: numberctl $c" || { echo "FAIL help $c"; failures=$((failures + 1)); }
done

echo "numberctl: $((count - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
