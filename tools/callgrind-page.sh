#!/bin/sh
# Instructions per numbering_store_list call (one page), counted by callgrind, which does
# not depend on the machine's load as wall-clock figures do (docs/PERFORMANCE.md).
#
#   sh tools/callgrind-page.sh BUILD_DIR list|prefix
#
# BUILD_DIR is a release build with -Dbench=true (its bench/bench-store). Prints
# "GROUP: N instructions per call (C calls)".
set -eu
[ $# -eq 2 ] || { echo "usage: sh tools/callgrind-page.sh BUILD_DIR list|prefix" >&2; exit 2; }
build=$1 group=$2
out=$(mktemp "${TMPDIR:-/tmp}/callgrind-page.XXXXXX")
trap 'rm -f "$out"' EXIT
LD_LIBRARY_PATH=$build valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect=numbering_store_list \
	"$build/bench/bench-store" --instances 100000 --runs 1 --only "$group" > /dev/null 2>&1
callgrind_annotate --tree=caller --inclusive=yes "$out" 2>/dev/null | grep -B1 '\* .*numbering_store_list' | head -1 |
	python3 -c "
import re, sys
line = sys.stdin.read()
ir = int(line.split()[0].replace(',', ''))
calls = int(re.search(r'\(([0-9,]+)x\)', line).group(1).replace(',', ''))
print('$group: %d instructions per call (%d calls)' % (ir // calls, calls))"
