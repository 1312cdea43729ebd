#!/bin/sh
# Before and after, in one run: builds the benchmarks of two commits (release builds in
# git worktrees under ${TMPDIR:-/tmp}), runs each program of the one and then of the
# other, alternating program by program so that both see the same machine, and prints one
# table with both figures and the change (docs/PERFORMANCE.md).
#
#   sh tools/bench-compare.sh BEFORE [AFTER]      # AFTER defaults to the work tree
#   sh tools/bench-compare.sh c9442b4 HEAD -- --instances 100000
#
# A figure is compared only when both commits report it (same program, figure and peer).
# "change" is after / before for rates (k/s, M/s) and before / after for costs (ns, us,
# ms, s, B), so above 1 is better either way; a change below 0.90 is marked WORSE.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
[ $# -ge 1 ] || { echo "usage: sh tools/bench-compare.sh BEFORE [AFTER] [-- bench-store arguments]" >&2; exit 2; }
before=$1; shift
after=
if [ $# -ge 1 ] && [ "$1" != "--" ]; then after=$1; shift; fi
[ "${1:-}" = "--" ] && shift
sh tools/install-deps.sh libphonenumber-dev libprotobuf-dev libsqlite3-dev liblmdb-dev

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-compare.XXXXXX")
trap 'git -C "$root" worktree remove --force "$work/before" 2>/dev/null; [ -z "$after" ] || git -C "$root" worktree remove --force "$work/after" 2>/dev/null; rm -rf "$work"' EXIT INT TERM

# build DIR: a release build of the benchmarks in DIR/build-bench.
build() {
	meson setup "$1/build-bench" "$1" --buildtype=release -Dbench=true -Dtests=false > /dev/null
	meson compile -C "$1/build-bench" > /dev/null
}
git worktree add --detach "$work/before" "$before" > /dev/null 2>&1
build "$work/before"
if [ -n "$after" ]; then
	git worktree add --detach "$work/after" "$after" > /dev/null 2>&1
	after_dir=$work/after
else
	after_dir=$work/tree
	mkdir -p "$after_dir"
	# The work tree as it is, uncommitted changes included.
	git ls-files -z --cached --others --exclude-standard | (cd "$root" && xargs -0 tar cf - 2>/dev/null) | tar xf - -C "$after_dir"
fi
build "$after_dir"

: > "$work/before.tsv"
: > "$work/after.tsv"
for program in "$after_dir"/build-bench/bench/bench-* "$work/before"/build-bench/bench/bench-*; do
	[ -x "$program" ] && [ -f "$program" ] || continue
	name=$(basename "$program")
	[ -e "$work/ran.$name" ] && continue
	touch "$work/ran.$name"
	for side in before after; do
		dir=$work/before
		[ "$side" = after ] && dir=$after_dir
		[ -x "$dir/build-bench/bench/$name" ] || continue
		echo "== $name ($side)"
		case "$name" in
		bench-store) NUMBERING_BENCH_TABLE=$work/$side.tsv "$dir/build-bench/bench/$name" "$@" ;;
		*) NUMBERING_BENCH_TABLE=$work/$side.tsv "$dir/build-bench/bench/$name" ;;
		esac
		echo
	done
done

echo "== before ($before) and after (${after:-work tree}), $(uname -m), $(nproc) cores"
awk -F '\t' '
	# Turns "1.43M/s", "622.2 ns", "125 B" into a number and whether more is better.
	function value(text,   n, unit) {
		n = text + 0; unit = text; sub(/^[-0-9.]+ */, "", unit)
		if (unit ~ /^k\/s/) n *= 1e3; else if (unit ~ /^M\/s/) n *= 1e6
		else if (unit ~ /^us/) n *= 1e3; else if (unit ~ /^ms/) n *= 1e6; else if (unit ~ /^s$/) n *= 1e9
		higher = (unit ~ /\/s$/)
		return n
	}
	# A figure may carry the writer rate in brackets ("1 reader, 1 writer (408.5k/s)"),
	# which differs from run to run: it is not part of the key.
	function keyof(   figure) { figure = $2; gsub(/ \([^)]*\/s\)/, "", figure); return $1 " | " figure " | " $4 }
	FNR == NR { old[keyof()] = $3; next }
	{
		key = keyof()
		if (!(key in old)) next
		a = value(old[key]); b = value($3)
		change = ""; mark = ""
		if (a > 0 && b > 0) {
			change = higher ? b / a : a / b
			mark = change < 0.90 ? "WORSE" : "ok"
			change = sprintf("%.2f", change)
		}
		printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $4, old[key], $3, change, mark
	}
	BEGIN { print "| program | figure | peer | before | after | change | |"; print "| --- | --- | --- | --- | --- | --- | --- |" }
' "$work/before.tsv" "$work/after.tsv"
