#!/bin/sh
# Runs an example program and compares its standard output with a golden file.
# usage: golden.sh EXPECTED [--stdin FILE] PROGRAM [ARGS...]
# Set NUMBERING_UPDATE_GOLDEN=1 to rewrite the golden file after an intended change.
set -eu
expected=$1
shift
input=/dev/null
if [ "$1" = "--stdin" ]; then
	input=$2
	shift 2
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" < "$input" > "$out"
if [ "${NUMBERING_UPDATE_GOLDEN:-0}" = 1 ]; then
	cp "$out" "$expected"
fi
diff -u "$expected" "$out"
