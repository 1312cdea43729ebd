#!/bin/sh
# Every benchmark, each figure beside its peer measured in the same run
# (docs/PERFORMANCE.md): installs what is missing (the peers: libphonenumber, SQLite,
# LMDB), builds ./build-bench as a release build with -Dbench=true, runs each program
# in bench/, then prints every figure in one table (program, figure, ours, peer,
# peer's figure, ratio, target, verdict).
#
#   sh tools/bench.sh [bench-store arguments, e.g. --instances 100000]
#   sh tools/bench.sh --growth   # bench-store at 10,000, 100,000 and 1,000,000 instances
#   NUMBERING_BENCH_INVENTORY="--numbers 1100000" sh tools/bench.sh   # a smaller inventory
#                                # (bench-inventory's default is the issue's 11,000,000 numbers)
#   NUMBERING_BENCH_BILLING="--runs 3" sh tools/bench.sh   # RunBilling: the median of 3
#   NUMBERING_BENCH_EXPORT="--clock cpu" sh tools/bench.sh   # numberctl export in CPU time
#                                # (beside the sqlite3 shell, the sqlite3 package)
#
# Timings depend on the machine and on what else it is doing; nothing here fails on a
# missed target (MISS is reported, the exit status is 0 when every program ran).
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh libphonenumber-dev libprotobuf-dev libsqlite3-dev sqlite3 liblmdb-dev
if [ -f build-bench/build.ninja ]; then
	meson configure build-bench --buildtype=release -Dbench=true -Dtests=false > /dev/null
else
	meson setup build-bench --buildtype=release -Dbench=true -Dtests=false > /dev/null
fi
meson compile -C build-bench > /dev/null

NUMBERING_BENCH_TABLE=$(mktemp)
export NUMBERING_BENCH_TABLE
trap 'rm -f "$NUMBERING_BENCH_TABLE"' EXIT INT TERM

# Prints the collected rows (tab-separated, bench/report.h) as one aligned table.
print_table() {
	awk -F '\t' '
		{ for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } rows = NR }
		END {
			split("program figure libnumbering peer peer ratio target verdict", head, " ")
			for (i = 1; i <= 8; i++) if (length(head[i]) > w[i]) w[i] = length(head[i])
			for (i = 1; i < 8; i++) printf "%-*s  ", w[i], head[i]
			print head[8]
			for (r = 1; r <= rows; r++) {
				for (i = 1; i < 8; i++) printf "%-*s  ", w[i], cell[r, i]
				print cell[r, 8]
			}
		}' "$1"
}

if [ "${1:-}" = "--growth" ]; then
	# How each figure moves with the store's size: one bench-store run per size, then
	# one table with a column per size (ours, and the ratio to the peer).
	for n in 10000 100000 1000000; do
		echo "== bench-store --instances $n"
		NUMBERING_BENCH_TABLE=$NUMBERING_BENCH_TABLE.$n build-bench/bench/bench-store --instances "$n"
		echo
	done
	echo "== growth: libnumbering's figure (ratio to its peer) at each size"
	awk -F '\t' '
		FNR == 1 { size++ ; name[size] = FILENAME; sub(/.*\./, "", name[size]) }
		{ key = $2 " | " $4; if (!(key in seen)) { seen[key] = 1; order[++rows] = key }
		  val[key, size] = $3 ($6 != "" ? " (" $6 ")" : "") }
		END {
			printf "%-48s", "figure | peer"
			for (s = 1; s <= size; s++) printf "  %22s", name[s] " instances"
			printf "\n"
			for (r = 1; r <= rows; r++) {
				printf "%-48s", order[r]
				for (s = 1; s <= size; s++) printf "  %22s", val[order[r], s]
				printf "\n"
			}
		}' "$NUMBERING_BENCH_TABLE.10000" "$NUMBERING_BENCH_TABLE.100000" "$NUMBERING_BENCH_TABLE.1000000"
	rm -f "$NUMBERING_BENCH_TABLE".*
	exit 0
fi

for program in build-bench/bench/bench-*; do
	[ -x "$program" ] && [ -f "$program" ] || continue
	name=$(basename "$program")
	echo "== $name"
	case "$name" in
	bench-store) "$program" "$@" ;;
	bench-billing)
		# shellcheck disable=SC2086 # the variable holds several arguments
		"$program" ${NUMBERING_BENCH_BILLING:-} ;;
	bench-inventory)
		# shellcheck disable=SC2086 # the variable holds several arguments
		"$program" ${NUMBERING_BENCH_INVENTORY:-} ;;
	bench-export)
		# shellcheck disable=SC2086 # the variable holds several arguments
		"$program" ${NUMBERING_BENCH_EXPORT:-} ;;
	bench-purchase)
		# shellcheck disable=SC2086 # the variable holds several arguments
		"$program" ${NUMBERING_BENCH_PURCHASE:-} ;;
	*) "$program" ;;
	esac
	echo
done

echo "== every figure ($(uname -m), $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1))"
print_table "$NUMBERING_BENCH_TABLE"
printf '%s figures with a target: %s PASS, %s MISS\n' "$(grep -cE '	(PASS|MISS)$' "$NUMBERING_BENCH_TABLE")" \
	"$(grep -cE '	PASS$' "$NUMBERING_BENCH_TABLE")" "$(grep -cE '	MISS$' "$NUMBERING_BENCH_TABLE")"
