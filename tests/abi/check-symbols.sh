#!/bin/sh
# The exported set is exactly the documented API: every function the public headers
# declare with NUMBERING_EXTERN is in the version script and exported by the shared
# library, nothing else is exported, and every global symbol of the static library (but a
# sanitizer's own instrumentation symbols)
# carries the numbering_ prefix (internals use numbering__).
set -eu
shared=$1 static=$2 headers=$3 symfile=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -ho 'NUMBERING_EXTERN([^)]*) *[a-z_0-9]*' "$headers"/*.h "$headers"/sys/*.h 2>/dev/null |
	sed 's/.*) *//' | grep '^numbering_' | sort -u > "$tmp/declared"
sed -n 's/^[[:space:]]*\(numbering_[a-z0-9_]*\);$/\1/p' "$symfile" | sort -u > "$tmp/mapped"
nm -D --defined-only "$shared" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sed 's/@.*//' | sort -u > "$tmp/exported"

status=0
if ! diff -u "$tmp/declared" "$tmp/mapped" > "$tmp/diff1"; then
	echo "headers and $symfile disagree (- declared, + in version script):"
	cat "$tmp/diff1"
	status=1
fi
if ! diff -u "$tmp/declared" "$tmp/exported" > "$tmp/diff2"; then
	echo "headers and the shared library's exports disagree (- declared, + exported):"
	cat "$tmp/diff2"
	status=1
fi
nm -g --defined-only "$static" | awk 'NF == 3 {print $3}' | grep -v -e '^numbering_' -e '^__odr_asan\.' -e '^__asan_' -e '^__ubsan_' > "$tmp/leaks" || true
if [ -s "$tmp/leaks" ]; then
	echo "global symbols without the numbering_ prefix in the static library:"
	cat "$tmp/leaks"
	status=1
fi
[ $status -eq 0 ] && echo "exported symbols: $(wc -l < "$tmp/exported") functions, all declared, none leaked"
exit $status
