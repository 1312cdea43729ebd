#!/bin/sh
# numberctl's output, compared with golden files in tests/numberctl/expected/.
# Set NUMBERING_UPDATE_GOLDEN=1 to rewrite them after an intended change.
set -u
numberctl=$1 dir=$2
failures=0 count=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Generated ids and page tokens are random; times come from NUMBERING_FAKE_CLOCK.
normalize() {
	sed -e 's#\(phoneNumberInstances/\)[a-z][a-z2-7]\{15\}"#\1GENERATED"#g' \
	    -e 's#"nextPageToken":"[^"]*"#"nextPageToken":"TOKEN"#g'
}

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
	"$numberctl" "$@" < "$input" > "$tmp/raw" 2> "$tmp/err"
	got_exit=$?
	normalize < "$tmp/raw" > "$tmp/out"
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

# The global --region is parse's default region.
count=$((count + 1))
by_global=$("$numberctl" --region AU parse "02 5550 1100") by_command=$("$numberctl" parse --region AU "02 5550 1100")
[ "$by_global" = "$by_command" ] || { echo "FAIL global region: $by_global"; failures=$((failures + 1)); }

# The service: call and batch on a memory store, with a policy and a fixed clock.
export NUMBERING_FAKE_CLOCK=1767225600000000000 # 2026-01-01T00:00:00Z
policy="$dir/policy.json"
create='{"parent":"projects/p1","phoneNumberInstanceId":"block","phoneNumberInstance":{"phoneNumber":{"phoneNumber":"+61255501100-99"}}}'
check call-create 0 --policy "$policy" --as user:alice call CreatePhoneNumberInstance "$create"
check call-create-stdin 0 --stdin "$dir/create-request.json" --region AU --as user:alice --policy "$policy" \
	call CreatePhoneNumberInstance -
check call-denied 1 --policy "$policy" --as user:bob call CreatePhoneNumberInstance "$create"
check call-not-found 1 call GetPhoneNumberInstance '{"name":"projects/p1/phoneNumberInstances/none"}'
check call-malformed 1 call GetPhoneNumberInstance '{"name":'
check call-unknown-method 1 call FrobnicatePhoneNumber '{}'
check call-usage 2 call GetPhoneNumberInstance
check store-file 2 --store file:/tmp/numbers.db call GetPhoneNumberInstance '{}'
grep -q "file stores are not available yet" "$tmp/err" || { echo "FAIL store-file: $(cat "$tmp/err")"; failures=$((failures + 1)); }
check store-unknown 2 --store sqlite: call GetPhoneNumberInstance '{}'
grep -q "unknown store" "$tmp/err" || { echo "FAIL store-unknown: $(cat "$tmp/err")"; failures=$((failures + 1)); }
check policy-invalid 1 --policy "$dir/bad-policy.json" call GetPhoneNumberInstance '{}'
check batch-scenario 1 --stdin "$dir/scenario.jsonl" --policy "$policy" --as user:alice --region AU batch
check batch-ok 0 --stdin "$dir/batch-ok.jsonl" batch

# A host drives batch through pipes: each answer must arrive before the next request
# is written (the next page needs the token from the previous answer).
count=$((count + 1))
mkfifo "$tmp/to" "$tmp/from"
"$numberctl" batch < "$tmp/to" > "$tmp/from" 2> "$tmp/pipe-err" &
pid=$!
exec 3> "$tmp/to" 4< "$tmp/from"
for n in 1 2 3; do
	printf '{"method":"CreatePhoneNumberInstance","request":{"parent":"projects/p1","phoneNumberInstance":{"phoneNumber":{"phoneNumber":"+6125550110%s"}}}}\n' "$n" >&3
	read -r line <&4
done
echo '{"method":"ListPhoneNumberInstances","request":{"parent":"projects/p1","pageSize":2}}' >&3
read -r page1 <&4
token=$(printf '%s\n' "$page1" | sed -n 's/.*"nextPageToken":"\([^"]*\)".*/\1/p')
printf '{"method":"ListPhoneNumberInstances","request":{"parent":"projects/p1","pageSize":2,"pageToken":"%s"}}\n' \
	"$token" >&3
read -r page2 <&4
exec 3>&- 4<&-
wait "$pid"
pipe_exit=$?
case "$page2" in
*'"phoneNumber":"+61255501101"'*) ;;
*) echo "FAIL batch through pipes: second page $page2"; failures=$((failures + 1)) ;;
esac
[ -n "$token" ] && [ "$pipe_exit" -eq 0 ] || { echo "FAIL batch through pipes: exit $pipe_exit, token '$token'"; failures=$((failures + 1)); }

"$numberctl" version > "$tmp/version" || { echo "FAIL version: non-zero exit"; failures=$((failures + 1)); }
grep -q '"version":"[0-9]*\.[0-9]*\.[0-9]*","unicodeVersion":"[0-9]' "$tmp/version" ||
	{ echo "FAIL version: $(cat "$tmp/version")"; failures=$((failures + 1)); }
count=$((count + 1))
for c in parse range version; do
	count=$((count + 1))
	"$numberctl" help "$c" | grep -q "usage: numberctl $c" || { echo "FAIL help $c"; failures=$((failures + 1)); }
done
for c in call batch; do
	count=$((count + 1))
	"$numberctl" help "$c" | grep -q "usage: numberctl \[GLOBAL OPTIONS\] $c" ||
		{ echo "FAIL help $c"; failures=$((failures + 1)); }
done

echo "numberctl: $((count - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
