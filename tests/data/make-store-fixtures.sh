#!/bin/sh
# Writes a store fixture with a given libnumbering: tests/data/store-vN.db and what that
# library answered about it, tests/data/store-vN.expected.jsonl (test-backend-file.c,
# file_fixture_*, opens the fixture with today's library and asks the same questions).
#
#   sh tests/data/make-store-fixtures.sh N SOURCE_DIR BUILD_DIR
#
# N is the file format version SOURCE_DIR's library writes; BUILD_DIR is a meson build of
# SOURCE_DIR (numberctl and libnumbering.so built). The fixtures in git were made with
#   version 1: commit c9442b4 (the last release):  git worktree add /tmp/v1src c9442b4
#   version 2: commit 664f410 (format version 2, issue 17)
# each built with `meson setup BUILD -Dtests=false && ninja -C BUILD`.
#
# The scenario (store-fixture-part1.jsonl, then a compaction, then store-fixture-part2.jsonl)
# leaves 28 instances in 3 projects: singles, ranges (one of 100,000 numbers), split
# ranges, a moved instance, deleted ones, every lifecycle state, labels and names in
# UTF-8, handler URIs, creates with request ids, and the page-token key; a snapshot
# followed by log records (moves there write a remove). Times come from the fake clock.
#
# Each line of the .expected.jsonl file is {"method":M,"request":R,"response":X}: X is
# numberctl batch's output line for that call (a {"response":...} or an {"error":...}),
# as the old library answered. The lines are: every create with a request id and its
# FIRST response (a retry must answer it), the listing of each project with deleted
# instances (every instance, in full), resolves, and the second page of a listing asked
# with the page token the old library issued (its key is in the store).
set -eu
version=$1 src=$2 build=$3
here=$(cd "$(dirname "$0")" && pwd)
numberctl=$build/examples/numberctl/numberctl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
store=$work/store.db

cc -o "$work/compact" "$here/store-fixture-compact.c" -I"$src/include" -L"$build" -lnumbering \
   -Wl,-rpath,"$build"

# Part 1 on 2026-01-01, part 2 on 2026-02-01: create times stay unique across the runs.
NUMBERING_FAKE_CLOCK=1767225600000000000 "$numberctl" --store "file:$store" batch \
	< "$here/store-fixture-part1.jsonl" > "$work/out1" || { echo "part 1 failed"; cat "$work/out1"; exit 1; }
"$work/compact" "$store"
NUMBERING_FAKE_CLOCK=1769904000000000000 "$numberctl" --store "file:$store" batch \
	< "$here/store-fixture-part2.jsonl" > "$work/out2" || { echo "part 2 failed"; cat "$work/out2"; exit 1; }
cp "$store" "$here/store-v$version.db"

expected=$work/expected
: > "$expected"
paste -d '\t' "$here/store-fixture-part1.jsonl" "$work/out1" > "$work/pairs"
paste -d '\t' "$here/store-fixture-part2.jsonl" "$work/out2" >> "$work/pairs"

# The questions asked of a copy (a writable open of an old file may rewrite it).
cp "$store" "$work/probe.db"
probe() {
	printf '%s\n' "$1" > "$work/q"
	NUMBERING_FAKE_CLOCK=1772323200000000000 "$numberctl" --store "file:$work/probe.db" batch \
		< "$work/q" > "$work/a" || true
	jq -c -n --argjson q "$1" --slurpfile a "$work/a" '$q + {response: $a[0]}' >> "$expected"
}
# Each create with a request id, retried: its answer, and the first response ("first").
# Version 2 keeps the first response in the request's record and a retry answers it (for
# an instance since moved away: NOT_FOUND naming the instance the request created).
# Version 1's records (before issue 17) hold the request's digest and the instance's name,
# and a retry answers with the instance as it is now: so does today's library.
grep '"requestId"' "$work/pairs" | while IFS="$(printf '\t')" read -r call first; do
	probe "$call"
	jq -c --argjson first "$first" '. + {first: $first}' "$expected" | tail -n 1 > "$work/last"
	sed -i '$d' "$expected"
	cat "$work/last" >> "$expected"
	[ "$version" -lt 2 ] || jq -e '.response == .first or (.response.error.status == "NOT_FOUND" and
		(.response.error.message | test("created for request id .* no longer exists")))' "$work/last" > /dev/null ||
		{ echo "a retry did not answer the first response: $(cat "$work/last")"; exit 1; }
done
for p in p1 p2 p3; do
	probe '{"method":"ListPhoneNumberInstances","request":{"parent":"projects/'$p'","includeDeleted":true,"pageSize":100}}'
done
for n in +61255650000 +61255501250 +61255501300 +61255501301 +12025550215 +4930901821 +4930901919; do
	probe '{"method":"ResolvePhoneNumber","request":{"phoneNumber":"'$n'"}}'
done
probe '{"method":"ListPhoneNumberInstances","request":{"parent":"projects/p1","pageSize":4}}'
token=$(tail -n 1 "$expected" | jq -r '.response.response.nextPageToken')
probe '{"method":"ListPhoneNumberInstances","request":{"parent":"projects/p1","pageSize":4,"pageToken":"'$token'"}}'

cp "$expected" "$here/store-v$version.expected.jsonl"
echo "store-v$version.db: $(wc -c < "$here/store-v$version.db") bytes, $(wc -l < "$expected") expected answers"
