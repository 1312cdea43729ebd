#!/bin/sh
# numberctl's output, compared with golden files in tests/numberctl/expected/.
# Set NUMBERING_UPDATE_GOLDEN=1 to rewrite them after an intended change.
set -u
numberctl=$1 dir=$2
failures=0 count=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The default store is a file (./numbering.db): these checks use a memory store unless
# they name a file in $tmp, so they never write into the working directory.
export NUMBERING_STORE=memory:

# Generated ids and page tokens are random; times come from NUMBERING_FAKE_CLOCK.
normalize() {
	sed -e 's#\(phoneNumberInstances/\)[a-z][a-z2-7]\{15\}"#\1GENERATED"#g' \
	    -e 's#\(phoneNumberPurchases/\)[a-z][a-z2-7]\{15\}"#\1GENERATED"#g' \
	    -e 's#\(subscriptions/\)[a-z][a-z2-7]\{15\}"#\1GENERATED"#g' \
	    -e 's#"id":"[a-z][a-z2-7]\{15\}"#"id":"GENERATED"#g' \
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
# A file store keeps its data between runs: create in one process, get and fsck in the next.
count=$((count + 1))
store_failures=0
"$numberctl" --store "file:$tmp/numbers.db" call CreatePhoneNumberInstance \
	'{"parent":"projects/p1","phoneNumberInstanceId":"kept","phoneNumberInstance":{"phoneNumber":{"phoneNumber":"+61255501100-99"}}}' \
	> "$tmp/file-create" 2> "$tmp/err" || { echo "FAIL store-file create: $(cat "$tmp/err")"; store_failures=1; }
"$numberctl" --store "file:$tmp/numbers.db" call GetPhoneNumberInstance '{"name":"projects/p1/phoneNumberInstances/kept"}' \
	> "$tmp/file-get" 2> "$tmp/err" || { echo "FAIL store-file get: $(cat "$tmp/err")"; store_failures=1; }
cmp -s "$tmp/file-create" "$tmp/file-get" || { echo "FAIL store-file: $(cat "$tmp/file-create") != $(cat "$tmp/file-get")"; store_failures=1; }
NUMBERING_STORE="$tmp/numbers.db" "$numberctl" call ResolvePhoneNumber '{"phoneNumber":"+61255501150"}' > "$tmp/file-resolve" 2>&1
grep -q 'phoneNumberInstances/kept' "$tmp/file-resolve" || { echo "FAIL store-file resolve via NUMBERING_STORE: $(cat "$tmp/file-resolve")"; store_failures=1; }
"$numberctl" --store "file:$tmp/numbers.db" fsck > "$tmp/file-fsck" 2>&1
grep -q '"status":"OK"' "$tmp/file-fsck" || { echo "FAIL store-file fsck: $(cat "$tmp/file-fsck")"; store_failures=1; }
# A store file with half a record after its last one (a crash during an append): the
# next run reports the torn tail and goes on.
cp "$tmp/numbers.db" "$tmp/torn.db"
printf 'NRec\001\000\000\000half a record' >> "$tmp/torn.db"
"$numberctl" --store "file:$tmp/torn.db" fsck > "$tmp/file-fsck" 2>&1
grep -q '"tornBytes":[1-9]' "$tmp/file-fsck" || { echo "FAIL store-file torn fsck: $(cat "$tmp/file-fsck")"; store_failures=1; }
# Cut inside its last record, which was acknowledged (synced, below the durable length
# the header records): damage, never a torn tail (issue 17).
size=$(wc -c < "$tmp/numbers.db")
head -c $((size - 3)) "$tmp/numbers.db" > "$tmp/cut.db"
"$numberctl" --store "file:$tmp/cut.db" fsck > "$tmp/file-fsck" 2>&1
grep -q '"status":"DATA_LOSS".*synced up to offset' "$tmp/file-fsck" || { echo "FAIL store-file cut fsck: $(cat "$tmp/file-fsck")"; store_failures=1; }
"$numberctl" --store "file:$tmp/cut.db" call GetPhoneNumberInstance '{"name":"projects/p1/phoneNumberInstances/kept"}' > "$tmp/file-get" 2>&1 &&
	{ echo "FAIL store-file cut: opened"; store_failures=1; }
grep -q "DATA_LOSS" "$tmp/file-get" && [ "$(wc -c < "$tmp/cut.db")" -eq $((size - 3)) ] ||
	{ echo "FAIL store-file cut: $(cat "$tmp/file-get")"; store_failures=1; }
"$numberctl" --store "file:$tmp/torn.db" call GetPhoneNumberInstance '{"name":"projects/p1/phoneNumberInstances/kept"}' \
	> "$tmp/file-get" 2> "$tmp/err"
grep -q "torn tail" "$tmp/err" || { echo "FAIL store-file torn tail not reported: $(cat "$tmp/err")"; store_failures=1; }
# --read-only reads a store another process holds open (a batch keeps it, and its
# lock, until its input ends), and refuses writes.
mkfifo "$tmp/live-in"
timeout 20 "$numberctl" --store "file:$tmp/live.db" batch < "$tmp/live-in" > "$tmp/live-out" 2>&1 &
live=$!
exec 5> "$tmp/live-in"
echo '{"method":"CreatePhoneNumberInstance","request":{"parent":"projects/p1","phoneNumberInstanceId":"live","phoneNumberInstance":{"phoneNumber":{"phoneNumber":"+61255507000-99"}}}}' >&5
for _ in 1 2 3 4 5 6 7 8 9 10; do grep -q response "$tmp/live-out" 2>/dev/null && break; sleep 0.5; done
"$numberctl" --store "file:$tmp/live.db" --read-only call ResolvePhoneNumber '{"phoneNumber":"+61255507042"}' > "$tmp/ro-resolve" 2>&1
grep -q 'phoneNumberInstances/live"' "$tmp/ro-resolve" || { echo "FAIL read-only resolve beside a writer: $(cat "$tmp/ro-resolve")"; store_failures=1; }
# Many processes, one store: a second numberctl writes beside the batch, whose next
# request sees the change without a reopen (issue 15).
"$numberctl" --store "file:$tmp/live.db" --busy-timeout 2000 call SuspendPhoneNumberInstance '{"name":"projects/p1/phoneNumberInstances/live"}' > "$tmp/ro-locked" 2>&1 ||
	{ echo "FAIL a second writer beside a batch: $(cat "$tmp/ro-locked")"; store_failures=1; }
echo '{"method":"GetPhoneNumberInstance","request":{"name":"projects/p1/phoneNumberInstances/live"}}' >&5
for _ in 1 2 3 4 5 6 7 8 9 10; do [ "$(grep -c response "$tmp/live-out")" -ge 2 ] && break; sleep 0.5; done
tail -n 1 "$tmp/live-out" | grep -q '"lifecycleState":"SUSPENDED"' ||
	{ echo "FAIL the batch did not see the other process's write: $(cat "$tmp/live-out")"; store_failures=1; }
"$numberctl" --store "file:$tmp/live.db" --busy-timeout soon call GetPhoneNumberInstance '{}' > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "busy-timeout soon" "$tmp/err" || { echo "FAIL --busy-timeout soon: $(cat "$tmp/err")"; store_failures=1; }
# --shared-index: a write beside the batch makes the index PATH.idx; a read-only open
# reads through it (docs/FILE-FORMAT.md, "The shared index").
"$numberctl" --store "file:$tmp/live.db" --shared-index call CreatePhoneNumberInstance '{"parent":"projects/p1","phoneNumberInstanceId":"indexed","phoneNumberInstance":{"phoneNumber":{"phoneNumber":"+61255508000"}}}' > "$tmp/si-write" 2>&1 ||
	{ echo "FAIL a write with --shared-index: $(cat "$tmp/si-write")"; store_failures=1; }
[ -s "$tmp/live.db.idx" ] || { echo "FAIL --shared-index made no index beside the store"; store_failures=1; }
"$numberctl" --store "file:$tmp/live.db" --read-only --shared-index call ResolvePhoneNumber '{"phoneNumber":"+61255508000"}' > "$tmp/si-resolve" 2>&1
grep -q 'phoneNumberInstances/indexed"' "$tmp/si-resolve" || { echo "FAIL read-only resolve through the shared index: $(cat "$tmp/si-resolve")"; store_failures=1; }
"$numberctl" --store "file:$tmp/live.db" --read-only call DeletePhoneNumberInstance '{"name":"projects/p1/phoneNumberInstances/live"}' > "$tmp/ro-write" 2>&1 &&
	{ echo "FAIL a write through --read-only succeeded"; store_failures=1; }
grep -q '"status":"FAILED_PRECONDITION".*read-only' "$tmp/ro-write" || { echo "FAIL read-only write: $(cat "$tmp/ro-write")"; store_failures=1; }
"$numberctl" --store memory: --read-only call GetPhoneNumberInstance '{}' > /dev/null 2>&1
[ $? -eq 2 ] || { echo "FAIL --read-only on a memory store is not a usage error"; store_failures=1; }
exec 5>&-
wait "$live"
# Not a store: refused, untouched.
echo "not a store" > "$tmp/text.db"
"$numberctl" --store "file:$tmp/text.db" call GetPhoneNumberInstance '{}' > "$tmp/file-get" 2>&1
grep -q "not a libnumbering store" "$tmp/file-get" && [ "$(cat "$tmp/text.db")" = "not a store" ] ||
	{ echo "FAIL store-file not-a-store: $(cat "$tmp/file-get")"; store_failures=1; }
# A store path that is not a regular file (issue 17): refused at once by calls, writable
# and --read-only, and by fsck with or without --repair, never read as an empty store
# (status OK, 0 records) and never waited on (a FIFO); left as it was.
mkfifo "$tmp/fifo.db"
ln -s /dev/zero "$tmp/zero.db"
mkdir "$tmp/dir.db"
for store in /dev/null "$tmp/zero.db" "$tmp/fifo.db" "$tmp/dir.db"; do
	for args in "fsck" "fsck --repair" "--read-only call GetPhoneNumberInstance {}" "call GetPhoneNumberInstance {}"; do
		# shellcheck disable=SC2086 # $args is several words
		timeout 10 "$numberctl" --store "file:$store" $args > "$tmp/not-regular" 2>&1
		got=$?
		{ [ "$got" -eq 1 ] && grep -q '"INVALID_ARGUMENT".*not a regular file: not a libnumbering store' "$tmp/not-regular"; } ||
			{ echo "FAIL not-regular $store $args: exit $got: $(cat "$tmp/not-regular")"; store_failures=1; }
	done
done
grep -q '"status":"OK"' "$tmp/not-regular" && store_failures=1
[ -p "$tmp/fifo.db" ] && [ -d "$tmp/dir.db" ] && [ -L "$tmp/zero.db" ] || { echo "FAIL not-regular: a path was changed"; store_failures=1; }
# An empty file is not a store yet: fsck says so (UNAVAILABLE, exit 1) and leaves it.
: > "$tmp/empty.db"
for args in "fsck" "fsck --repair"; do
	# shellcheck disable=SC2086
	"$numberctl" --store "file:$tmp/empty.db" $args > "$tmp/empty-fsck" 2>&1 &&
		{ echo "FAIL empty fsck exits 0: $(cat "$tmp/empty-fsck")"; store_failures=1; }
	grep -q '"status":"UNAVAILABLE".*no store header' "$tmp/empty-fsck" && [ ! -s "$tmp/empty.db" ] ||
		{ echo "FAIL empty fsck $args: $(cat "$tmp/empty-fsck")"; store_failures=1; }
done
# fsck --repair beside a symlink planted at the old temporary name PATH.compact and at
# PATH.damaged (issue 17): the victim keeps its bytes and mode, the store stays a regular
# file, the damaged copy gets a name of its own; a second repair after another damage
# keeps the first copy and makes another.
damage() { # FILE OFFSET: changes the byte at OFFSET
	old=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	# shellcheck disable=SC2059 # the format is an octal escape made here
	printf "\\$(printf %o $(((old + 1) % 256)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2> /dev/null
}
second_record() { # FILE: the offset of its second record header ("NRec")
	grep -obUa NRec "$1" | sed -n 2p | cut -d: -f1
}
sdir="$tmp/attack" && mkdir "$sdir"
printf 'the victim\n' > "$sdir/victim" && chmod 644 "$sdir/victim" && cp "$sdir/victim" "$tmp/victim.orig"
for n in 0 1 2; do
	"$numberctl" --store "file:$sdir/s.db" call CreatePhoneNumberInstance \
		"{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"a$n\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+6125550130$n\"}}}" > /dev/null 2>&1
done
ln -s "$sdir/victim" "$sdir/s.db.compact"
ln -s "$sdir/victim" "$sdir/s.db.damaged"
damage "$sdir/s.db" $(($(second_record "$sdir/s.db") + 5)) # a record header: valid ones follow
cp "$sdir/s.db" "$tmp/damaged-1"
"$numberctl" --store "file:$sdir/s.db" fsck --repair > "$tmp/repair" 2>&1 ||
	{ echo "FAIL repair beside links: $(cat "$tmp/repair")"; store_failures=1; }
grep -q "\"damagedCopy\":\"$sdir/s.db.damaged.1\"" "$tmp/repair" || { echo "FAIL repair copy: $(cat "$tmp/repair")"; store_failures=1; }
for n in 3 4; do
	"$numberctl" --store "file:$sdir/s.db" call CreatePhoneNumberInstance \
		"{\"parent\":\"projects/p1\",\"phoneNumberInstanceId\":\"a$n\",\"phoneNumberInstance\":{\"phoneNumber\":{\"phoneNumber\":\"+6125550130$n\"}}}" > /dev/null 2>&1
done
damage "$sdir/s.db" $(($(second_record "$sdir/s.db") + 5))
cp "$sdir/s.db" "$tmp/damaged-2"
"$numberctl" --store "file:$sdir/s.db" fsck --repair > "$tmp/repair" 2>&1 ||
	{ echo "FAIL second repair: $(cat "$tmp/repair")"; store_failures=1; }
grep -q "\"damagedCopy\":\"$sdir/s.db.damaged.2\"" "$tmp/repair" || { echo "FAIL second repair copy: $(cat "$tmp/repair")"; store_failures=1; }
cmp -s "$sdir/victim" "$tmp/victim.orig" && [ "$(stat -c %a "$sdir/victim")" = 644 ] ||
	{ echo "FAIL repair wrote through a planted link: $(stat -c %a "$sdir/victim") $(od -c "$sdir/victim" | head -2)"; store_failures=1; }
[ -f "$sdir/s.db" ] && [ ! -L "$sdir/s.db" ] && [ -L "$sdir/s.db.compact" ] && [ -L "$sdir/s.db.damaged" ] ||
	{ echo "FAIL repair beside links: $(ls -l "$sdir")"; store_failures=1; }
cmp -s "$sdir/s.db.damaged.1" "$tmp/damaged-1" && cmp -s "$sdir/s.db.damaged.2" "$tmp/damaged-2" ||
	{ echo "FAIL the damaged copies are not both kept: $(ls -l "$sdir")"; store_failures=1; }
"$numberctl" --store "file:$sdir/s.db" fsck > "$tmp/repair" 2>&1 || { echo "FAIL after repairs: $(cat "$tmp/repair")"; store_failures=1; }
[ "$store_failures" -eq 0 ] || failures=$((failures + 1))
check store-unknown 2 --store sqlite: call GetPhoneNumberInstance '{}'
grep -q "unknown store" "$tmp/err" || { echo "FAIL store-unknown: $(cat "$tmp/err")"; failures=$((failures + 1)); }
check policy-invalid 1 --policy "$dir/bad-policy.json" call GetPhoneNumberInstance '{}'
check batch-scenario 1 --stdin "$dir/scenario.jsonl" --policy "$policy" --as user:alice --region AU batch
check batch-ok 0 --stdin "$dir/batch-ok.jsonl" batch
# A store capped at 2 instances: the third create and a split are refused, a retry is not.
check batch-max-instances 1 --stdin "$dir/max-instances.jsonl" --max-instances 2 batch
check max-instances-usage 2 --max-instances -3 call GetPhoneNumberInstance '{}'
# Every transition refused and allowed, every mutation of a deleted instance, idempotent
# create, overlap naming the holder, the seed's split, prefix and include_deleted.
check batch-lifecycle 1 --stdin "$dir/lifecycle.jsonl" --region AU batch
# With a policy, a call without a caller is denied (resolve: as if nobody owned it), and
# a refusal does not depend on whether the instance exists.
check batch-no-caller 1 --stdin "$dir/no-caller.jsonl" --policy "$policy" batch
check call-no-caller 1 --policy "$policy" call GetPhoneNumberInstance '{"name":"projects/p1/phoneNumberInstances/x"}'

# A raw NUL byte in an input line (issue 17): every line gets its own answer, in order, and
# a line holding a NUL is INVALID_ARGUMENT naming its offset; it is never cut at the NUL
# and glued to the next line (which gave one answer for two lines, and every answer after
# it to the line before). 1, 2 and 3 lines, NULs at the start, middle and end, CRLF ends.
nul_create() { # ID NUMBER: a create line
	printf '{"method":"CreatePhoneNumberInstance","request":{"parent":"projects/p1","phoneNumberInstanceId":"%s","phoneNumberInstance":{"phoneNumber":{"phoneNumber":"%s"}}}}' "$1" "$2"
}
nul_get() { printf '{"method":"GetPhoneNumberInstance","request":{"name":"projects/p1/phoneNumberInstances/%s"}}' "$1"; }
printf '\000\n' > "$tmp/nul-1"
{ printf '\000'; nul_create a +61255501100; printf '\n'; nul_get a; printf '\n'; } > "$tmp/nul-2"
{ nul_create b +61255501100; printf '\000\n'; nul_create c +61255501200; printf '\n'; nul_get c; printf '\n'; } > "$tmp/nul-3"
{ printf '{"method":"Create\000PhoneNumberInstance"}\n'; nul_create d +61255501300; printf '\n'; nul_get d; printf '\000\n'
  nul_get d; printf '\n'; } > "$tmp/nul-middle"
{ nul_create e +61255501400; printf '\r\n'; nul_get e; printf '\000\r\n'; printf '\000\r\n'; nul_get e; printf '\r\n'; } > "$tmp/nul-crlf"
check batch-nul-1 1 --stdin "$tmp/nul-1" batch
check batch-nul-2 1 --stdin "$tmp/nul-2" batch
check batch-nul-3 1 --stdin "$tmp/nul-3" batch
check batch-nul-middle 1 --stdin "$tmp/nul-middle" batch
check batch-nul-crlf 1 --stdin "$tmp/nul-crlf" batch
# An escaped NUL (\u0000) in a line's method, caller or time is refused naming the key
# (C would read the text before it: "GetPhoneNumberInstance\u0000x" as the method), and
# in its request by the library, naming the field.
{ printf '%s\n' '{"method":"GetPhoneNumberInstance\u0000x","request":{"name":"projects/p1/phoneNumberInstances/a"}}' \
	'{"method":"GetPhoneNumberInstance","caller":"user:ops\u0000mallory","request":{"name":"projects/p1/phoneNumberInstances/a"}}' \
	'{"method":"GetPhoneNumberInstance","time":"2026-01-01T00:00:00Z\u0000x","request":{"name":"projects/p1/phoneNumberInstances/a"}}' \
	'{"method":"GetPhoneNumberInstance","request":{"name":"projects/p1/phoneNumberInstances/a\u0000x"}}'; } > "$tmp/nul-escaped"
check batch-nul-escaped 1 --stdin "$tmp/nul-escaped" batch
# call METHOD - and --policy FILE refuse a NUL too, rather than reading up to it.
printf '{"name":"projects/p1/phoneNumberInstances/x"}\000junk' > "$tmp/nul-request"
check call-nul-stdin 1 --stdin "$tmp/nul-request" call GetPhoneNumberInstance -
{ cat "$policy"; printf '\000{not json'; } > "$tmp/nul-policy"
count=$((count + 1))
"$numberctl" --policy "$tmp/nul-policy" --as user:alice call CreatePhoneNumberInstance "$create" > "$tmp/out" 2>&1 &&
	{ echo "FAIL policy-nul: a policy with a NUL was used"; failures=$((failures + 1)); }
grep -q '^{"error":{"code":400,"status":"INVALID_ARGUMENT","message":"the policy [^"]*/nul-policy holds a NUL byte at byte offset 529; ' "$tmp/out" ||
	{ echo "FAIL policy-nul: $(cat "$tmp/out")"; failures=$((failures + 1)); }
# parse -: a NUL is the library's to refuse, naming its byte; the line after still parses.
{ printf '\000+61255501100\n+6125550\000100\n+61255501100\000\n+61255501100\r\n'; } > "$tmp/nul-parse"
check parse-nul 1 --stdin "$tmp/nul-parse" parse -
# parse -: a line longer than any number (docs/LIMITS.md: 4096 bytes) is refused naming
# the line, without being held in memory, and the lines after it still parse.
{ head -c 5000000 /dev/zero | tr '\000' 1; printf '\n+61255501100\n'; head -c 4097 /dev/zero | tr '\000' 2
  printf '\n'; head -c 4096 /dev/zero | tr '\000' 3; printf '\n02 5550 1100\n'; } > "$tmp/long-lines"
check parse-long-line 1 --stdin "$tmp/long-lines" --region AU parse -

# A host drives batch through pipes: each answer must arrive before the next request
# is written (the next page needs the token from the previous answer), and a malformed
# line gets its error line at once while the batch goes on. Every read has a timeout, so
# an answer held back in a buffer fails the test instead of hanging it.
count=$((count + 1))
mkfifo "$tmp/to" "$tmp/from"
timeout 20 "$numberctl" batch < "$tmp/to" > "$tmp/from" 2> "$tmp/pipe-err" &
pid=$!
exec 3> "$tmp/to" 4< "$tmp/from"
pipe_failures=0 line=
# reply PATTERN: reads one line within 5 s into $line and checks it matches PATTERN (a
# case pattern: '?' stands for each '[' or ']' of the JSON).
reply() {
	if [ "$pipe_failures" -gt 0 ] && [ "$line" = TIMEOUT ]; then
		return # the first missing answer failed the test; do not wait again
	fi
	line=$(timeout 5 sh -c 'IFS= read -r l && printf "%s\n" "$l"' <&4) || line=TIMEOUT
	case "$line" in
	$1) ;;
	*) echo "FAIL batch through pipes: want $1, got $line"; pipe_failures=$((pipe_failures + 1)) ;;
	esac
}
for n in 1 2 3; do
	printf '{"method":"CreatePhoneNumberInstance","request":{"parent":"projects/p1","phoneNumberInstance":{"phoneNumber":{"phoneNumber":"+6125550110%s"}}}}\n' "$n" >&3
	reply '{"response":{"name":"projects/p1/phoneNumberInstances/*"phoneNumber":"+6125550110'"$n"'"*'
done
echo '{"method":' >&3
reply '{"error":{"code":400,"status":"INVALID_ARGUMENT","message":"line 4: malformed JSON*'
echo 'not json at all' >&3
reply '{"error":{"code":400,"status":"INVALID_ARGUMENT","message":"line 5: malformed JSON*'
echo '{"method":"FrobnicatePhoneNumber"}' >&3
reply '{"error":{"code":501,"status":"UNIMPLEMENTED",*'
echo '{"method":"ListPhoneNumberInstances","request":{"parent":"projects/p1","pageSize":2}}' >&3
reply '{"response":{"phoneNumberInstances":?*"nextPageToken":"*'
token=$(printf '%s\n' "$line" | sed -n 's/.*"nextPageToken":"\([^"]*\)".*/\1/p')
printf '{"method":"ListPhoneNumberInstances","request":{"parent":"projects/p1","pageSize":2,"pageToken":"%s"}}\n' \
	"$token" >&3
reply '{"response":{"phoneNumberInstances":?{*"phoneNumber":"+61255501101"*}?}}'
# The same token with another filter is refused, and the batch still answers after it.
printf '{"method":"ListPhoneNumberInstances","request":{"parent":"projects/p1","prefix":"+61","pageToken":"%s"}}\n' \
	"$token" >&3
reply '{"error":{"code":400,"status":"INVALID_ARGUMENT",*"field":"page_token"*'
echo '{"method":"ResolvePhoneNumber","request":{"phoneNumber":"+61255501102"}}' >&3
reply '{"response":{"name":"projects/p1/phoneNumberInstances/*'
exec 3>&- 4<&-
wait "$pid"
pipe_exit=$?
# Some lines failed, so the batch exits 1 (124 would mean the watchdog fired).
[ "$pipe_exit" -eq 1 ] || { echo "FAIL batch through pipes: exit $pipe_exit"; pipe_failures=$((pipe_failures + 1)); }
[ "$pipe_failures" -eq 0 ] || failures=$((failures + 1))

# Every way opening a session can fail after the file backend exists frees it (numberctl
# once leaked it on a bad NUMBERING_FAKE_CLOCK). Under valgrind when there is one; an
# ASan build's leak check fails the run by itself (its exit status is not the one wanted).
leak_check=
# Not under valgrind when numberctl or its library carries AddressSanitizer's runtime:
# the two cannot run together, and ASan's own leak check is on there.
sanitized=
if (ldd "$numberctl" 2>/dev/null; nm -D "$numberctl" 2>/dev/null) | grep -q -e libasan -e __asan_init; then
	sanitized=yes
fi
if command -v valgrind > /dev/null 2>&1 && [ -z "${NUMBERING_NO_VALGRIND:-}" ] && [ -z "$sanitized" ]; then
	leak_check="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99"
fi
printf '{"bindings":[{"project":"*","members":["user:a"],"roles":["roles/numbering.nobody"]}]}' > "$tmp/bad-policy.json"
printf '{"bindings":[]}\000' > "$tmp/nul-policy.json"
for case in "2 fake-clock" "1 missing-policy" "1 nul-policy" "1 bad-policy" "2 max-instances"; do
	want=${case%% *} what=${case#* }
	fake= policy= max=
	case $what in
	fake-clock) fake=yesterday ;;
	missing-policy) policy=$tmp/no-such-policy.json ;;
	nul-policy) policy=$tmp/nul-policy.json ;;
	bad-policy) policy=$tmp/bad-policy.json ;;
	max-instances) max=lots ;;
	esac
	count=$((count + 1))
	NUMBERING_FAKE_CLOCK=$fake $leak_check "$numberctl" --store "file:$tmp/leak.db" ${policy:+--policy "$policy"} \
		${max:+--max-instances "$max"} batch < /dev/null > /dev/null 2> "$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] || { echo "FAIL session error $what frees the backend: exit $got, want $want"; \
		cat "$tmp/err"; failures=$((failures + 1)); }
done

"$numberctl" version > "$tmp/version" || { echo "FAIL version: non-zero exit"; failures=$((failures + 1)); }
grep -q '"version":"[0-9]*\.[0-9]*\.[0-9]*","unicodeVersion":"[0-9]' "$tmp/version" ||
	{ echo "FAIL version: $(cat "$tmp/version")"; failures=$((failures + 1)); }
count=$((count + 1))
# --version: "numberctl V (libnumbering V)", both meson.build's version in one build (the
# library's is the one `numberctl version` reports); a write error is not success.
count=$((count + 1))
lib_version=$(sed -n 's/^{"version":"\([^"]*\)".*/\1/p' "$tmp/version")
dash_version=$("$numberctl" --version) || { echo "FAIL --version: non-zero exit"; failures=$((failures + 1)); }
[ "$dash_version" = "numberctl $lib_version (libnumbering $lib_version)" ] ||
	{ echo "FAIL --version: '$dash_version', want 'numberctl $lib_version (libnumbering $lib_version)'"; failures=$((failures + 1)); }
if [ -w /dev/full ]; then
	count=$((count + 1))
	"$numberctl" --version > /dev/full 2>/dev/null && { echo "FAIL --version > /dev/full: exit 0"; failures=$((failures + 1)); }
fi
# numberctl's conventions (docs/GETTING-STARTED.md, section 4): every command has its
# help, help included, the same as COMMAND --help, on stdout; a usage error is one line
# on stderr naming the help to read, nothing on stdout, exit 2; output that cannot be
# written (> /dev/full) is exit 1 with a line on stderr.
commands="parse range call batch import deliver deliveries billing fsck version help"
commands="$commands stats"
commands="$commands changes"
commands="$commands export projects"
for c in $commands; do
	count=$((count + 1))
	"$numberctl" help "$c" > "$tmp/help" 2> "$tmp/err" && [ ! -s "$tmp/err" ] &&
		grep -q "^usage: numberctl \(\[GLOBAL OPTIONS\] \|\[--store file:PATH\] \)\?$c\( \|\$\)" "$tmp/help" &&
		"$numberctl" "$c" --help 2>&1 | cmp -s - "$tmp/help" ||
		{ echo "FAIL help $c: $(head -n 1 "$tmp/help") $(cat "$tmp/err")"; failures=$((failures + 1)); }
	count=$((count + 1))
	"$numberctl" "$c" --no-such-flag < /dev/null > "$tmp/out" 2> "$tmp/err"
	got=$?
	{ [ "$got" -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
		grep -qx "numberctl: $c: unknown option '--no-such-flag' (see 'numberctl help $c')" "$tmp/err"; } ||
		{ echo "FAIL $c --no-such-flag: exit $got, stdout $(wc -c < "$tmp/out") bytes, stderr: $(cat "$tmp/err")"
		  failures=$((failures + 1)); }
done
count=$((count + 1))
"$numberctl" help help | grep -q "^usage: numberctl help \[COMMAND\]" || { echo "FAIL help help"; failures=$((failures + 1)); }
# Missing and unexpected arguments, unknown commands and options before the command.
for args in "--no-such-flag version" "--store" "" "frobnicate" "-x" "parse" "parse +61255501100 extra" "range" "call" \
	"call GetPhoneNumberInstance" "call A {} extra" "batch extra" "import" "import a b" "import --format xml -" "billing" \
	"billing go" "deliveries" "fsck extra" "version extra" "help nosuch" "help call extra" "deliver extra" \
	"changes --after" "changes --after -1" "changes --interval 0" "changes extra"; do
	count=$((count + 1))
	# shellcheck disable=SC2086 # $args is several words
	"$numberctl" $args < /dev/null > "$tmp/out" 2> "$tmp/err"
	got=$?
	{ [ "$got" -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
		grep -q "^numberctl: .* (see 'numberctl help[ a-z]*')\$" "$tmp/err"; } ||
		{ echo "FAIL usage '$args': exit $got, stdout $(wc -c < "$tmp/out") bytes, stderr: $(cat "$tmp/err")"
		  failures=$((failures + 1)); }
done
# Every command that writes its results, each succeeding but for its output: > /dev/full
# is exit 1 and "write error" on stderr (deliver and deliveries print nothing here).
if [ -w /dev/full ]; then
	printf '{"method":"ListPhoneNumberInstances","request":{"parent":"projects/p1"}}\n' > "$tmp/list.jsonl"
	printf '+61255501100\n02 5550 1100\n' > "$tmp/numbers.txt"
	"$numberctl" --store "file:$tmp/full.db" batch < "$tmp/list.jsonl" > /dev/null 2>&1
	for case in "/dev/null help" "/dev/null help call" "/dev/null call --help" "/dev/null help --man" \
		"/dev/null parse +61255501100" "$tmp/numbers.txt parse --region AU -" "/dev/null range +61255501100-99" \
		"/dev/null version" "/dev/null --version" "/dev/null call ListPhoneNumberInstances {\"parent\":\"projects/p1\"}" \
		"$tmp/list.jsonl batch" "$dir/import-good.csv import -" "/dev/null billing run" \
		"/dev/null --store file:$tmp/full.db fsck"; do
		input=${case%% *} args=${case#* }
		# shellcheck disable=SC2086 # $args is several words
		"$numberctl" $args < "$input" > /dev/null 2>&1 || { echo "FAIL full '$args': fails when written"; failures=$((failures + 1)); }
		count=$((count + 1))
		# shellcheck disable=SC2086
		"$numberctl" $args < "$input" > /dev/full 2> "$tmp/err"
		got=$?
		{ [ "$got" -eq 1 ] && grep -q "^numberctl: write error" "$tmp/err"; } ||
			{ echo "FAIL '$args' > /dev/full: exit $got: $(cat "$tmp/err")"; failures=$((failures + 1)); }
	done
fi
# The manual page numberctl.1 (examples/numberctl/meson.build builds it with help --man):
# what the binary renders now, byte for byte; holding the usage and every command's help
# as --help prints it, line for line; and no groff warning.
man_page=$(dirname "$numberctl")/numberctl.1
count=$((count + 1))
"$numberctl" help --man | cmp -s - "$man_page" || { echo "FAIL $man_page is not numberctl help --man"; failures=$((failures + 1)); }
# The page as text: roff's requests dropped, its escapes undone, newlines as \001.
sed -e '/^\.[A-Za-z]/d' -e 's/\\-/-/g' -e 's/\\e/\\/g' -e 's/^\\&//' "$man_page" | tr '\n' '\001' > "$tmp/man.txt"
for c in "" $commands; do
	count=$((count + 1))
	# shellcheck disable=SC2086 # no $c: the main help
	"$numberctl" help $c | tr '\n' '\001' > "$tmp/help.txt"
	[ -s "$tmp/help.txt" ] && grep -qF -f "$tmp/help.txt" "$tmp/man.txt" ||
		{ echo "FAIL $man_page lacks 'numberctl help $c' as printed"; failures=$((failures + 1)); }
done
if command -v groff > /dev/null 2>&1; then
	count=$((count + 1))
	warnings=$(groff -man -ww -z "$man_page" 2>&1)
	[ -z "$warnings" ] || { echo "FAIL groff warns about $man_page: $warnings"; failures=$((failures + 1)); }
fi
# help call lists every method of the library's dispatch table (lib/json/call.c's methods[]
# and plain_methods[], read here from the source) once each, in the table's order, in lines
# of at most 80 columns; the manual page and the completion take the list from that help.
count=$((count + 1))
sed -n '/^static const struct \(plain_\)\{0,1\}method \(plain_\)\{0,1\}methods\[\] = {/,/^};/s/^\t{"\([A-Za-z_]*\)",.*/\1/p' \
	"$dir/../../lib/json/call.c" > "$tmp/methods-source"
"$numberctl" help call > "$tmp/help-call"
sed -n '/^Methods:/,/^$/p' "$tmp/help-call" | sed 's/^Methods://' | tr -s ',. ' '\n' | grep -x '[A-Z][A-Za-z0-9_]*' > "$tmp/methods-help"
{ [ "$(wc -l < "$tmp/methods-source")" -gt 60 ] && cmp -s "$tmp/methods-source" "$tmp/methods-help" &&
	[ "$(sed -n '/^Methods:/,/^$/p' "$tmp/help-call" | awk 'length > 80' | wc -l)" -eq 0 ]; } ||
	{ echo "FAIL help call's methods are not lib/json/call.c's: $(diff "$tmp/methods-source" "$tmp/methods-help" | head -5 | tr '\n' ' ')"
	  failures=$((failures + 1)); }
# Bash completion (examples/numberctl/numberctl.bash), sourced in bash: what COMPREPLY
# offers for the last word of a command line (commands, global and command options, call's
# methods, option values, a file store's path after the colon bash splits at).
completion=$dir/../../examples/numberctl/numberctl.bash
if command -v bash > /dev/null 2>&1; then
	# completes LINE WANT: the words offered for LINE, sorted and space-separated, are WANT
	completes() {
		count=$((count + 1))
		# shellcheck disable=SC2016 # expanded by bash
		got=$(bash -c 'source "$1" && complete -p numberctl > /dev/null && COMP_LINE=$2 && COMP_POINT=${#COMP_LINE} &&
			_numberctl && printf "%s\n" "${COMPREPLY[@]}"' completion "$completion" "$numberctl $1" 2>&1 | sort | tr '\n' ' ')
		[ "$got" = "$2 " ] || { echo "FAIL completion of 'numberctl $1': '$got', want '$2 '"; failures=$((failures + 1)); }
	}
	completes "" "batch billing call changes deliver deliveries export fsck help import parse projects range stats version"
	completes "export --" "--format --help --project"
	completes "export --format c" "csv"
	completes "ba" "batch"
	completes "--st" "--store"
	completes "--" "--as --busy-timeout --help --log-level --max-instances --policy --provisioning --read-only --region --shared-index --store --version"
	completes "--log-level i" "info"
	completes "--log-level " "debug error info warning"
	completes "stats --" "--help"
	completes "--store m" "memory:"
	completes "--provisioning m" "manual"
	completes "--store memory: --as user:alice call Creat" "CreatePhoneNumberInstance CreatePhoneNumberPurchase"
	completes "call Res" "ReserveAvailableNumbers ResolvePhoneNumber ResumePhoneNumberInstance"
	completes "call GetAcc" "GetAccountInfo GetAccountPhoneNumberCountries"
	completes "call GetPhoneNumberInstance " ""
	completes "help del" "deliver deliveries"
	completes "help --" "--help --man"
	completes "deliver --" "--follow --help --interval --max --timeout"
	completes "import --format j" "jsonl"
	completes "fsck --r" "--repair"
	completes "changes --" "--after --follow --help --interval"
	completes "billing " "run"
	mkdir "$tmp/completion" && : > "$tmp/completion/store.db"
	completes "--store file:$tmp/completion/st" "$tmp/completion/store.db"
fi

# The inventory (the Sinch Numbers seed's methods): import on project "*" only, search,
# get, regions and remove, and a request id's retry, in one batch; a price past the largest
# (INT64_MAX / 2 minor units) refused quoting it and the largest of its currency; a block
# whose setup and monthly prices are in two currencies refused naming
# availableNumbers[1].monthlyPrice.currencyCode, the good item before it not imported.
inventory_policy="$dir/inventory-policy.json"
check batch-inventory 1 --stdin "$dir/inventory.jsonl" --policy "$inventory_policy" batch
# Pricing (the schema seed's ListPhoneNumberPricing): a host-wide read, refused to an admin
# of one project; tiers and counts as numbers are imported, rented, reserved (back when
# the reservation expires) and withdrawn.
check batch-pricing 1 --stdin "$dir/pricing.jsonl" --policy "$dir/pricing-policy.json" batch
# Billing accounts (docs/BILLING.md): the host tops up with a request id (its retry
# answers the same entry, the id reused for another amount is refused), refunds and
# credits; a viewer reads the account and the ledger newest first, in pages; a project
# admin is no host; amounts with more digits than USD, JPY or BHD have, another
# currency than the account's, an unknown one, a debit past the balance, an overflow,
# a missing reason or one with a control character are refused and change nothing.
check batch-billing 1 --stdin "$dir/billing.jsonl" --policy "$dir/billing-policy.json" batch
# Reservations (docs/RESERVATIONS.md): p1 holds two numbers for 120 s; p2 does not see
# them in its search, get, rent or reservation (word for word a number not in stock);
# p1's own second reservation of one names the first; p1 rents one (it leaves the
# reservation, which a viewer reads); p2 reserves three by criteria (START, VOICE),
# lists and deletes them (rentAny finds the first again); every refusal (ttl 0s, over
# 24 h, "15m", a number; both and neither of phoneNumbers and criteria; count 0, 101,
# more than match; bad region, type, pattern, numbers, duplicates, a NUL, parent, name,
# page size and token; a viewer's create, another project's get); a line whose "time"
# passes the expiry finds the numbers back and the reservation gone.
check batch-reservations 1 --stdin "$dir/reservations.jsonl" --policy "$dir/reservation-policy.json" batch
# numberctl billing run (RunBilling, docs/SUBSCRIPTIONS.md): nothing due in an empty
# store; a project admin is no host (refused on "*"); bad usage exits 2.
check billing-run 0 --store memory: billing run
# Renewal through batch (docs/SUBSCRIPTIONS.md): a rent starts a subscription; RunBilling
# is the host's only; it charges the period due once (a second run at the same time
# charges nothing), the views follow the next charge date; a short balance deactivates,
# the grace period (30 days) then cancels and the number returns to the inventory.
check batch-subscriptions 1 --stdin "$dir/subscriptions.jsonl" --policy "$dir/billing-policy.json" batch
check billing-run-refused 1 --store memory: --policy "$dir/billing-policy.json" --as user:alice billing run
# --log-level (docs/OPERATIONS.md): the store's log records on stderr, one logfmt line
# each; warning by default, so a clean open says nothing and a torn tail cut at open is
# one warning; a bad level is a usage error (one line, exit 2, nothing on stdout).
# numberctl stats prints numbering_store_stats_json() on one line.
lstore=$tmp/log.db
count=$((count + 1))
"$numberctl" --store "file:$lstore" --log-level info call CreatePhoneNumberInstance \
	'{"parent":"projects/p1","phoneNumberInstanceId":"a","phoneNumberInstance":{"phoneNumber":{"phoneNumber":"+61255501100"}}}' \
	> /dev/null 2> "$tmp/err"
{ [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
	grep -Eqx 'level=info msg="store opened" records_replayed=0 file_bytes=[0-9]+ duration_seconds=[0-9]+\.[0-9]{9}' "$tmp/err"; } ||
	{ echo "FAIL --log-level info: $(cat "$tmp/err")"; failures=$((failures + 1)); }
count=$((count + 1))
"$numberctl" --store "file:$lstore" --log-level=debug stats > "$tmp/out" 2> "$tmp/err"
size=$(wc -c < "$lstore")
{ grep -Eqx "level=info msg=\"store opened\" records_replayed=[1-9][0-9]* file_bytes=$size duration_seconds=[0-9.]+" "$tmp/err" &&
	grep -q "^{\"calls\":\[\],\"resolve\":{\"hit\":0,\"miss\":0,\"error\":0},\"commits\":{\"count\":0,.*\"store\":{\"backend\":\"file\",\"records\":[0-9]*,\"instances\":1,\"fileBytes\":$size,\"compactions\":0,\"lastCompactionTime\":null}}\$" "$tmp/out"; } ||
	{ echo "FAIL stats of a file store: $(cat "$tmp/out" "$tmp/err")"; failures=$((failures + 1)); }
count=$((count + 1))
"$numberctl" --store "file:$lstore" call GetPhoneNumberInstance '{"name":"projects/p1/phoneNumberInstances/a"}' \
	> /dev/null 2> "$tmp/err"
[ ! -s "$tmp/err" ] || { echo "FAIL default log level: $(cat "$tmp/err")"; failures=$((failures + 1)); }
printf 'NRec\001\000\000\000half a record' >> "$lstore"
count=$((count + 1))
"$numberctl" --store "file:$lstore" call GetPhoneNumberInstance '{"name":"projects/p1/phoneNumberInstances/a"}' \
	> /dev/null 2> "$tmp/err"
{ [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
	grep -Eqx "level=warning msg=\"store recovered: a torn tail was cut\" records_replayed=[1-9][0-9]* file_bytes=$size duration_seconds=[0-9.]+ torn_bytes=21" "$tmp/err"; } ||
	{ echo "FAIL torn tail at --log-level warning: $(cat "$tmp/err")"; failures=$((failures + 1)); }
printf 'NRec\001\000\000\000half a record' >> "$lstore"
count=$((count + 1))
"$numberctl" --store "file:$lstore" --log-level error call GetPhoneNumberInstance \
	'{"name":"projects/p1/phoneNumberInstances/a"}' > /dev/null 2> "$tmp/err"
[ ! -s "$tmp/err" ] || { echo "FAIL --log-level error: $(cat "$tmp/err")"; failures=$((failures + 1)); }
for args in "--log-level loud stats" "--log-level=INFO stats" "--log-level" "stats extra" "stats --json"; do
	count=$((count + 1))
	# shellcheck disable=SC2086 # $args is several words
	"$numberctl" $args < /dev/null > "$tmp/out" 2> "$tmp/err"
	got=$?
	{ [ "$got" -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
		grep -q "^numberctl: .* (see 'numberctl help[ a-z]*')\$" "$tmp/err"; } ||
		{ echo "FAIL usage '$args': exit $got: $(cat "$tmp/err")"; failures=$((failures + 1)); }
done
count=$((count + 1))
"$numberctl" --log-level loud stats 2>&1 | grep -qx "numberctl: --log-level loud: not error, warning, info or debug (see 'numberctl help')" ||
	{ echo "FAIL --log-level loud message"; failures=$((failures + 1)); }
count=$((count + 1))
"$numberctl" --store memory: stats > "$tmp/out" 2> "$tmp/err"
{ [ ! -s "$tmp/err" ] && grep -q '^{"calls":\[\],"resolve":{"hit":0,"miss":0,"error":0},"commits":{"count":\([1-9]\),"sumNs":[0-9]*,"maxNs":[0-9]*,"buckets":\[{"leNs":1000,"count":[0-9]},.*{"leNs":1000000000,"count":\1},{"leNs":null,"count":\1}\]},"store":{"backend":"memory","records":[0-9]*,"instances":0,"compactions":0,"lastCompactionTime":null}}$' "$tmp/out"; } ||
	{ echo "FAIL stats of a memory store: $(cat "$tmp/out" "$tmp/err")"; failures=$((failures + 1)); }
count=$((count + 1))
if "$numberctl" --store memory: billing go > /dev/null 2>&1; [ $? -ne 2 ]; then
	echo "FAIL billing go: want exit 2"; failures=$((failures + 1))
fi
count=$((count + 1))
"$numberctl" help billing | grep -q "usage: numberctl \[GLOBAL OPTIONS\] billing run" ||
	{ echo "FAIL help billing"; failures=$((failures + 1)); }

# numberctl import: the summary on stdout and each bad line on stderr, both compared
# (stdin is read, so messages name "stdin" wherever the tests run).
# check_import NAME EXPECTED_EXIT INPUT ARGS...
check_import() {
	name=$1 want_exit=$2 input=$3
	shift 3
	count=$((count + 1))
	timeout 120 "$numberctl" "$@" < "$input" > "$tmp/out" 2>&1
	got_exit=$?
	golden="$dir/expected/$name.out"
	if [ "${NUMBERING_UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$tmp/out" "$golden"
	fi
	if [ "$got_exit" -ne "$want_exit" ]; then
		echo "FAIL $name: exit $got_exit, want $want_exit"; cat "$tmp/out"
		failures=$((failures + 1))
	elif ! diff -u "$golden" "$tmp/out"; then
		echo "FAIL $name: output differs from $golden"
		failures=$((failures + 1))
	fi
}
check_import import-good-csv 0 "$dir/import-good.csv" --store "file:$tmp/inventory.db" import -
check import-good-csv-regions 0 --store "file:$tmp/inventory.db" call NumberService_ListAvailableRegions \
	'{"projectId":"p1"}'
check import-good-csv-numbers 0 --store "file:$tmp/inventory.db" call NumberService_ListAvailableNumbers \
	'{"projectId":"p1","regionCode":"US","type":"TOLL_FREE"}'
check_import import-bad-csv 1 "$dir/import-bad.csv" import --format csv -
check_import import-no-number 1 "$dir/import-no-number.csv" import -
check_import import-good-jsonl 0 "$dir/import-good.jsonl" import --format jsonl -
check_import import-bad-jsonl 1 "$dir/import-bad.jsonl" import --format=jsonl -
# A CSV line goes through the C setters, a line they refuse through JSON: every kind of
# cell (flags, integers, capabilities, prices, regions, national numbers, blocks, text
# limits), good and bad, with the messages of the JSON way (the goldens were written by
# the JSON-only import of eb36e11), in batches mixing both.
check_import import-values 1 "$dir/import-values.csv" import -
printf 'phoneNumber,type,rateCenter\n+12085550100,LOCAL,bad \303( utf\n+12085550101,LOCAL,\355\240\200 surrogate\n+12085550102,LOCAL,\364\220\200\200 past U+10FFFF\n+12085550103,LOCAL,\340\200\257 overlong\n+12085550104,LOCAL,S\303\243o Paulo \360\237\223\236\n' > "$tmp/utf8.csv"
check_import import-utf8 1 "$tmp/utf8.csv" import -
# Authorization: an admin of projects/p1 is no host; a binding on "*" is.
check_import import-denied 1 "$dir/import-good.csv" --policy "$inventory_policy" --as user:alice import -
check_import import-host 0 "$dir/import-good.csv" --policy "$inventory_policy" --as user:host import -
check_import import-usage 2 /dev/null import --format xml -
# A 2 MB line is refused (unstored: no crash, no hang), a line with a NUL byte too, and
# the lines after them are imported.
{
	echo 'phoneNumber,type,friendlyName'
	printf '+12085550100,LOCAL,'
	head -c 2097152 /dev/zero | tr '\0' 'a'
	echo
	printf '+12085550101,LOCAL,a\000b\n'
	echo '+12085550102,LOCAL,fine'
} > "$tmp/long.csv"
check_import import-long-csv 1 "$tmp/long.csv" import -
{
	printf '{"phoneNumber":"+12085550100","type":"LOCAL","friendlyName":"'
	head -c 2097152 /dev/zero | tr '\0' 'a'
	echo '"}'
	printf '{"phoneNumber":"+12085550101","type":"LOCAL"\000}\n'
	echo '{"phoneNumber":"+12085550102","type":"LOCAL"}'
} > "$tmp/long.jsonl"
check_import import-long-jsonl 1 "$tmp/long.jsonl" import --format jsonl -

# Active numbers (the Sinch seed's NumberService methods, lib/json/sinch-active.c) in one
# batch: the seed's seven request examples as written (lines 2-9: activateSMSNumber,
# activateBothSMSandVoiceNumber, activateVoiceNumber, SearchActivateSMSNumber,
# updateSMSandVoiceNumber, updateSMSNumber, updateVoiceNumber) on stock imported by
# line 1; get and list by filter and by displayName; the error cases (an empty
# configuration object, a campaign outside the US, voice on a number without VOICE, a
# second service plan linked before the first is unlinked, an update inside a range,
# read-only and unknown fields); a caller holding only numbering.activeNumbers.get; and
# a release whose expireAt a later line's "time" passes (line 49): the number is no
# longer active and is back in the inventory, at its price. Rent at a month's end gets
# the next month's last day as its next charge date (line 55).
active_policy="$dir/active-policy.json"
check batch-active 1 --stdin "$dir/active.jsonl" --policy "$active_policy" --as user:alice batch
# Manual provisioning (--provisioning manual): the callback secret, a rent whose SMS plan,
# campaign and voice app are scheduled (WAITING), a second plan refused while one is
# scheduled, the tasks claimed (IN_PROGRESS, named by project, number and event),
# completed SUCCEEDED (live) and FAILED with a failureCode (errorCodes), a failureCode
# with SUCCEEDED refused, a new campaign scheduled after the failure; host operations
# refused to a caller without numbering.provisioningTasks.complete on "*".
check batch-provisioning 1 --stdin "$dir/provisioning.jsonl" --provisioning manual --policy "$active_policy" \
	--as user:alice batch
# Purchases (the schema seed's PhoneNumberPurchase, docs/PURCHASES.md): unfunded it is
# FAILED with the amounts, funded the seed's example completes (chargedCredits 1500), one
# that needs documents is PROCESSING with its cost reserved, the reserve counts against
# the next, the errors name phoneNumberPurchase.*, a viewer of active numbers is refused,
# and a rent the balance cannot pay is FAILED_PRECONDITION. Ids are random: GENERATED.
check batch-purchases 1 --stdin "$dir/purchases.jsonl" --policy "$active_policy" --as user:alice batch
# Voximplant BindPhoneNumberToApplication, SetPhoneNumberInfo, GetPhoneNumbers and
# GetAccountPhoneNumberCountries (docs/VOXIMPLANT.md): a binding by application and
# rule name, rule_name alone refused, a URL set and a bad one refused, the list with its
# filters, orders and paging, bad parameters named (order_by, phone_id, count, a date),
# the countries, and 'all' unbinding every number of the account.
check batch-vox-numbers 1 --stdin "$dir/vox-numbers.jsonl" batch
# Voximplant AttachPhoneNumber, DeactivatePhoneNumber and the host's VerifyPhoneNumber
# (docs/VOXIMPLANT.md): unfunded nothing is attached (needed and available), 11 of 10
# numbers attaches none, two by count, a listed number of another region refused, one
# needing documents held (its cost reserved), verified by the host (user:getter refused),
# deactivated numbers back in stock, another account's ids NOT_FOUND, 'all', and a hold
# that expired (14 days) cancelling the number; bad parameters named.
check batch-vox-attach 1 --stdin "$dir/vox-attach.jsonl" --policy "$active_policy" --as user:alice batch
# Voximplant's catalogue (docs/VOXIMPLANT.md): categories (RU names, sandbox), states,
# regions (a prefix, omit_empty), the actual region, new numbers paged; bad input names
# the parameter.
check batch-vox-catalogue 1 --stdin "$dir/vox-catalogue.jsonl" --as user:alice batch
# Voximplant AddApplication, AddRule, DelApplication, DelRule, GetApplications and the
# host's SetParentAccount (docs/VOXIMPLANT.md): names unique in the account and the
# application, a rule added by application name, another account's application not
# found, a viewer lists and cannot add, another account refused, a rule of another
# application and rule_name alone refused, paging with total_count, a deleted
# application's id not reused, a parent set by the host only, and a cycle refused.
check batch-applications 1 --stdin "$dir/applications.jsonl" --policy "$dir/reservation-policy.json" batch
# Paging, over a file store so that one process's page token reaches the next: the
# first page's token gives the second page and totalSize on both, and is refused for
# another order.
astore="file:$tmp/active.db"
"$numberctl" --store "$astore" --policy "$active_policy" --as user:alice batch < "$dir/active.jsonl" > /dev/null 2>&1
page='"projectId":"p1","regionCode":"US","type":"LOCAL","pageSize":4'
check active-page-1 0 --store "$astore" --policy "$active_policy" --as user:alice \
	call NumberService_ListActiveNumbers "{$page}"
token=$(sed -n 's/.*"nextPageToken":"\([^"]*\)".*/\1/p' "$tmp/raw")
check active-page-2 0 --store "$astore" --policy "$active_policy" --as user:alice \
	call NumberService_ListActiveNumbers "{$page,\"pageToken\":\"$token\"}"
check active-page-other-order 1 --store "$astore" --policy "$active_policy" --as user:alice \
	call NumberService_ListActiveNumbers "{$page,\"orderBy\":\"displayName\",\"pageToken\":\"$token\"}"
# export, import --export and projects (docs/EXPORT.md) on file stores; test-export.c
# covers the memory backend, every kind and every import error through the C code.
# A store filled by the scenarios (manual provisioning first, so a task stays waiting):
# export, import into a new store, export again: the same bytes, in JSON Lines and CSV,
# whole and for one project; a second import into the now non-empty store is refused and
# changes nothing; a cut export is refused naming its line, and leaves the store empty.
xstore=$tmp/export-src.db
NUMBERING_FAKE_CLOCK=1700000000000000000 "$numberctl" --store "file:$xstore" --provisioning manual batch \
	< "$dir/provisioning.jsonl" > /dev/null 2>&1
for f in inventory purchases subscriptions billing reservations applications vox-attach vox-catalogue vox-numbers \
	lifecycle active; do
	NUMBERING_FAKE_CLOCK=1700000000000000000 "$numberctl" --store "file:$xstore" --region AU batch \
		< "$dir/$f.jsonl" > /dev/null 2>&1
done
# export_ok NAME ARGS...: ARGS exit 0 with nothing on stderr (not a terminal: no progress)
export_ok() {
	name=$1
	shift
	count=$((count + 1))
	"$numberctl" "$@" > "$tmp/$name" 2> "$tmp/err" && [ ! -s "$tmp/err" ] ||
		{ echo "FAIL $name: numberctl $*: exit $?: $(cat "$tmp/err")"; failures=$((failures + 1)); }
}
for format in jsonl csv; do
	export_ok "x1.$format" --store "file:$xstore" export --format "$format"
	rm -f "$tmp/x2.db"
	export_ok "x-import.$format" --store "file:$tmp/x2.db" import --export "$tmp/x1.$format"
	export_ok "x2.$format" --store "file:$tmp/x2.db" export --format "$format"
	count=$((count + 1))
	cmp -s "$tmp/x1.$format" "$tmp/x2.$format" && [ "$(wc -l < "$tmp/x1.$format")" -gt 100 ] ||
		{ echo "FAIL export $format, import, export: not the same bytes"; failures=$((failures + 1)); }
	# The same export read from stdin, into a store opened (and so holding its metadata) once.
	rm -f "$tmp/x3.db"
	"$numberctl" --store "file:$tmp/x3.db" call ListPhoneNumberInstances '{"parent":"projects/p1"}' > /dev/null
	export_ok "x-import3.$format" --store "file:$tmp/x3.db" import --export - < "$tmp/x1.$format"
	export_ok "x3.$format" --store "file:$tmp/x3.db" export --format "$format"
	count=$((count + 1))
	cmp -s "$tmp/x1.$format" "$tmp/x3.$format" ||
		{ echo "FAIL export $format through stdin: not the same bytes"; failures=$((failures + 1)); }
done
count=$((count + 1))
grep -q '^{"numberingExport":1,"library":"[0-9.]*","format":"jsonl"}$' "$tmp/x1.jsonl" &&
	tail -n 1 "$tmp/x1.jsonl" | grep -q '^{"end":true,"records":[0-9]*}$' &&
	head -n 2 "$tmp/x1.csv" | tr '\n' '|' | grep -q '^numberingExport,1,library,[0-9.]*,format,csv|kind,name,parent,' ||
	{ echo "FAIL export header or end line: $(head -n 1 "$tmp/x1.jsonl")"; failures=$((failures + 1)); }
# The import of an export into a store that holds records: refused, changing nothing.
check export-import-non-empty 1 --store "file:$tmp/x2.db" import --export "$tmp/x1.jsonl"
export_ok x2-after --store "file:$tmp/x2.db" export --format csv
count=$((count + 1))
cmp -s "$tmp/x1.csv" "$tmp/x2-after" || { echo "FAIL a refused import changed the store"; failures=$((failures + 1)); }
# A cut export: refused naming the line, the new store left without records.
head -n 20 "$tmp/x1.jsonl" > "$tmp/cut.jsonl"
rm -f "$tmp/cut.db"
check export-import-cut 1 --stdin "$tmp/cut.jsonl" --store "file:$tmp/cut.db" import --export -
export_ok cut-after --store "file:$tmp/cut.db" export
count=$((count + 1))
[ "$(cat "$tmp/cut-after")" = "$(head -n 1 "$tmp/x1.jsonl")
{\"end\":true,\"records\":0}" ] || { echo "FAIL a refused import left records: $(cat "$tmp/cut-after")"; failures=$((failures + 1)); }
# --project: only p1's records, the same bytes again after a round trip.
export_ok p1.jsonl --store "file:$xstore" export --project p1
rm -f "$tmp/p1.db"
export_ok p1-import --store "file:$tmp/p1.db" import --export "$tmp/p1.jsonl"
export_ok p1-again.jsonl --store "file:$tmp/p1.db" export --project=p1
count=$((count + 1))
cmp -s "$tmp/p1.jsonl" "$tmp/p1-again.jsonl" && ! grep -q '"kind":"meta"' "$tmp/p1.jsonl" &&
	grep -q '"kind":"phoneNumberInstance"' "$tmp/p1.jsonl" &&
	! grep '"kind"' "$tmp/p1.jsonl" | grep -v -e '"projects/p1[/"]' -e '"projects/\*/p1"' | grep -q . ||
	{ echo "FAIL export --project p1"; failures=$((failures + 1)); }
# projects: the source store and the imported one list the same.
check projects 0 --store "file:$xstore" projects
count=$((count + 1))
"$numberctl" --store "file:$tmp/x2.db" projects | cmp -s - "$tmp/raw" ||
	{ echo "FAIL projects of the imported store differ"; failures=$((failures + 1)); }
check projects-empty 0 --store memory: projects
# A store that does not exist is not created by export or projects.
count=$((count + 1))
"$numberctl" --store "file:$tmp/none.db" export > "$tmp/out" 2>&1
got=$?
[ "$got" -eq 1 ] && [ ! -e "$tmp/none.db" ] && grep -q '^{"error":{"code":404,"status":"NOT_FOUND",' "$tmp/out" ||
	{ echo "FAIL export of no store: exit $got: $(cat "$tmp/out")"; failures=$((failures + 1)); }
# Nor by an import --export whose FILE cannot be opened: the input is opened first.
count=$((count + 1))
"$numberctl" --store "file:$tmp/none.db" import --export "$tmp/no-such-export.jsonl" > "$tmp/out" 2>&1
got=$?
[ "$got" -eq 1 ] && [ ! -e "$tmp/none.db" ] && grep -q '"status":"NOT_FOUND",.*"field":"FILE"' "$tmp/out" ||
	{ echo "FAIL import --export of no file: exit $got, store $(ls "$tmp"/none.db* 2>&1): $(cat "$tmp/out")"
	  failures=$((failures + 1)); }
# Nor by an inventory import whose FILE cannot be opened.
count=$((count + 1))
"$numberctl" --store "file:$tmp/none.db" import "$tmp/no-such-stock.csv" > "$tmp/out" 2>&1
got=$?
[ "$got" -eq 1 ] && [ ! -e "$tmp/none.db" ] && grep -q 'cannot open .*no-such-stock.csv' "$tmp/out" ||
	{ echo "FAIL import of no file: exit $got, store $(ls "$tmp"/none.db* 2>&1): $(cat "$tmp/out")"
	  failures=$((failures + 1)); }
# Usage errors: one line on stderr, exit 2.
for args in "export --format xml" "export --project" "export --project a/b" "export extra" "projects extra" \
	"import --export" "import --export a b" "import --export --format csv -"; do
	count=$((count + 1))
	# shellcheck disable=SC2086 # $args is several words
	"$numberctl" $args < /dev/null > "$tmp/out" 2> "$tmp/err"
	got=$?
	{ [ "$got" -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
		grep -q "^numberctl: [a-z]*: .* (see 'numberctl help [a-z]*')\$" "$tmp/err"; } ||
		{ echo "FAIL usage '$args': exit $got, stdout $(wc -c < "$tmp/out") bytes, stderr: $(cat "$tmp/err")"
		  failures=$((failures + 1)); }
done
# Output that cannot be written: exit 1 and "write error".
if [ -w /dev/full ]; then
	for args in "export" "export --format csv" "export --project p1" "projects"; do
		count=$((count + 1))
		# shellcheck disable=SC2086 # $args is several words
		"$numberctl" --store "file:$xstore" $args > /dev/full 2> "$tmp/err" < /dev/null
		got=$?
		{ [ "$got" -eq 1 ] && grep -q "^numberctl: write error" "$tmp/err"; } ||
			{ echo "FAIL '$args' > /dev/full: exit $got: $(cat "$tmp/err")"; failures=$((failures + 1)); }
	done
fi
# Endless input (/dev/zero) is refused at its first NUL byte, not read until memory or
# time runs out; import --export leaves the store it created without records.
for args in "import --export /dev/zero" "import /dev/zero"; do
	count=$((count + 1))
	rm -f "$tmp/zero.db"
	# shellcheck disable=SC2086 # $args is several words
	timeout 60 "$numberctl" --store "file:$tmp/zero.db" $args > "$tmp/out" 2>&1 < /dev/null
	got=$?
	{ [ "$got" -eq 1 ] && grep -q "NUL byte at byte offset 0" "$tmp/out"; } ||
		{ echo "FAIL '$args': exit $got: $(head -c 300 "$tmp/out")"; failures=$((failures + 1)); }
done
# A closed stdout (>&-) is a write error too, and the store file, which the open would
# otherwise get as fd 1, is left as it was.
for args in "export" "import --export $tmp/x1.jsonl" "call GetPhoneNumberInstance {\"name\":\"projects/p1/phoneNumberInstances/block\"}"; do
	count=$((count + 1))
	cp "$xstore" "$tmp/closed.db"
	# shellcheck disable=SC2086 # $args is several words
	"$numberctl" --store "file:$tmp/closed.db" $args >&- 2> "$tmp/err" < /dev/null
	got=$?
	{ [ "$got" -eq 1 ] && grep -q "^numberctl: write error" "$tmp/err" && cmp -s "$xstore" "$tmp/closed.db"; } ||
		{ echo "FAIL '$args' >&-: exit $got, the store $(cmp "$xstore" "$tmp/closed.db" 2>&1): $(cat "$tmp/err")"
		  failures=$((failures + 1)); }
done
# Progress: on a terminal (script(1) gives one), a count and ", done." on stderr.
if command -v script > /dev/null 2>&1; then
	count=$((count + 1))
	records=$(sed -n 's/^{"end":true,"records":\([0-9]*\)}$/\1/p' "$tmp/x1.jsonl")
	rm -f "$tmp/tty.db"
	script -qec "'$numberctl' --store 'file:$xstore' export > '$tmp/tty.jsonl' &&
		'$numberctl' --store 'file:$tmp/tty.db' import --export '$tmp/tty.jsonl' > /dev/null" "$tmp/typescript" \
		> /dev/null 2>&1 < /dev/null
	grep -q "numberctl: export: $records records, done\." "$tmp/typescript" &&
		grep -q "numberctl: import: $records records, done\." "$tmp/typescript" && cmp -s "$tmp/tty.jsonl" "$tmp/x1.jsonl" ||
		{ echo "FAIL progress on a terminal: $(tr '\r' '|' < "$tmp/typescript")"; failures=$((failures + 1)); }
	# fsck's check too (numbering_file_check_v2's progress), in bytes of the file.
	count=$((count + 1))
	bytes=$(wc -c < "$xstore" | tr -d ' ')
	script -qec "'$numberctl' --store 'file:$xstore' fsck > '$tmp/fsck-tty.json'" "$tmp/typescript" \
		> /dev/null 2>&1 < /dev/null
	grep -q "numberctl: check: $bytes of $bytes bytes, done\." "$tmp/typescript" &&
		grep -q '"status":"OK"' "$tmp/fsck-tty.json" ||
		{ echo "FAIL fsck progress on a terminal: $(tr '\r' '|' < "$tmp/typescript")"; failures=$((failures + 1)); }
fi
# Not a terminal: fsck prints its report and no progress.
count=$((count + 1))
"$numberctl" --store "file:$xstore" fsck > "$tmp/fsck.json" 2> "$tmp/err" && [ ! -s "$tmp/err" ] &&
	grep -q '"status":"OK"' "$tmp/fsck.json" ||
	{ echo "FAIL fsck without a terminal: exit $?: $(cat "$tmp/err")"; failures=$((failures + 1)); }

# "time" moves the real clock forward too (no NUMBERING_FAKE_CLOCK): the rent reads the
# line's time, and a time before the clock is refused naming "time" and the line.
count=$((count + 1))
{
	echo '{"method":"ImportAvailableNumbers","request":{"availableNumbers":[{"phoneNumber":"+12085550100","type":"LOCAL"}]}}'
	echo '{"method":"NumberService_RentNumber","request":{"projectId":"p1","phoneNumber":"+12085550100"},"time":"2200-01-31T12:00:00Z"}'
	echo '{"method":"NumberService_GetActiveNumber","request":{"projectId":"p1","phoneNumber":"+12085550100"},"time":"2100-01-01T00:00:00Z"}'
} | NUMBERING_FAKE_CLOCK= "$numberctl" batch > "$tmp/real-time" 2>&1
sed -n 2p "$tmp/real-time" | grep -q '"nextChargeDate":"2200-02-28T12:00:00' &&
	sed -n 3p "$tmp/real-time" | grep -q '"message":"line 3: time 2100-01-01T00:00:00Z is before the store.s clock, 2200-01-31T12:00:00.*"field":"time"' ||
	{ echo "FAIL batch time on the real clock: $(cat "$tmp/real-time")"; failures=$((failures + 1)); }
# The change journal (docs/CHANGES-JOURNAL.md): a file store written by three
# processes; changes lists every commit, --after from the middle, beyond the last is
# FAILED_PRECONDITION; --follow prints a commit made while it runs and stops at SIGTERM.
jstore="file:$tmp/journal.db"
"$numberctl" --store "$jstore" call CreatePhoneNumberInstance "$create" > /dev/null 2>&1
"$numberctl" --store "$jstore" call UpdatePhoneNumberInstance \
	'{"name":"projects/p1/phoneNumberInstances/block","updateMask":"displayName","phoneNumberInstance":{"displayName":"B"}}' > /dev/null 2>&1
"$numberctl" --store "$jstore" call SplitRange '{"phoneNumberInstance":"projects/p1/phoneNumberInstances/block","size":20}' > /dev/null 2>&1
check changes-all 0 --store "$jstore" changes
check changes-after 0 --store "$jstore" changes --after 2
check changes-beyond 1 --store "$jstore" changes --after 4
count=$((count + 1))
"$numberctl" --store "$jstore" changes --after 3 --follow --interval 50 > "$tmp/follow" 2>&1 &
follower=$!
sleep 0.5
"$numberctl" --store "$jstore" call DeletePhoneNumberInstance '{"name":"projects/p1/phoneNumberInstances/block"}' > /dev/null 2>&1
sleep 0.5
kill -TERM "$follower"
wait "$follower"
got=$?
{ [ "$got" -eq 0 ] && [ "$(wc -l < "$tmp/follow")" -eq 1 ] &&
	grep -q '^{"sequence":"4",.*"name":"projects/p1/phoneNumberInstances/block","change":"deleted"}$' "$tmp/follow"; } ||
	{ echo "FAIL changes --follow: exit $got: $(cat "$tmp/follow")"; failures=$((failures + 1)); }

echo "numberctl: $((count - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
