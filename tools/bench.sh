#!/bin/sh
# Every benchmark, each figure beside its peer measured in the same run (DESIGN.md,
# Performance): installs what is missing (the peers: libphonenumber, SQLite, LMDB),
# builds ./build-bench as a release build with -Dbench=true, runs each program in
# bench/, then prints every figure's verdict in one table.
#
#   sh tools/bench.sh [bench-store arguments, e.g. --instances 100000]
#
# Timings depend on the machine and on what else it is doing; nothing here fails on a
# missed target (MISS is reported, the exit status is 0 when every program ran).
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh libphonenumber-dev libprotobuf-dev libsqlite3-dev liblmdb-dev
if [ -f build-bench/build.ninja ]; then
	meson configure build-bench --buildtype=release -Dbench=true -Dtests=false > /dev/null
else
	meson setup build-bench --buildtype=release -Dbench=true -Dtests=false > /dev/null
fi
meson compile -C build-bench > /dev/null

out=$(mktemp)
trap 'rm -f "$out"' EXIT INT TERM
for program in build-bench/bench/bench-*; do
	[ -x "$program" ] && [ -f "$program" ] || continue
	name=$(basename "$program")
	echo "== $name"
	case "$name" in
	bench-store) "$program" "$@" | tee -a "$out" ;;
	*) "$program" | tee -a "$out" ;;
	esac
	echo
done

echo "== every figure"
grep -E ' (PASS|MISS)$' "$out" || true
printf '%s figures, %s PASS, %s MISS\n' "$(grep -cE ' (PASS|MISS)$' "$out")" "$(grep -cE ' PASS$' "$out")" \
	"$(grep -cE ' MISS$' "$out")"
