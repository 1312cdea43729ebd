#!/bin/sh
# Runs one libFuzzer target for a while and merges what it finds into the committed
# seed corpus:  sh tools/fuzz.sh TARGET [SECONDS] [extra libFuzzer flags...]
# TARGET is one of: e164 json-call page-token validate decode file-open record-decode csv (see
# docs/FUZZING.md). SECONDS defaults to 60. Installs clang and the libFuzzer runtime
# if they are missing, and builds ./build-fuzz (clang, ASan + UBSan, -Dfuzz=true).
# Crashes are written to build-fuzz/fuzz-TARGET/crash-* and stop the run (exit 1).
set -eu
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
	echo "usage: sh tools/fuzz.sh TARGET [SECONDS] [libFuzzer flags...]" >&2
	exit 2
fi
target=$1
seconds=${2:-60}
[ $# -ge 2 ] && shift 2 || shift 1
sh tools/install-deps.sh clang libclang-rt-14-dev
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false > /dev/null
fi
meson compile -C build-fuzz "tests/fuzz/fuzz-$target"
corpus=tests/fuzz/corpus/$target
work=build-fuzz/fuzz-$target
mkdir -p "$work/new"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
dict=
[ -f "tests/fuzz/$target.dict" ] && dict="-dict=tests/fuzz/$target.dict"
# New inputs go to a scratch corpus first; the committed seeds are read only.
set +e
# shellcheck disable=SC2086
"./build-fuzz/tests/fuzz/fuzz-$target" "$work/new" "$corpus" $dict \
	-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
	-artifact_prefix="$work/" -print_final_stats=1 "$@"
status=$?
set -e
# Keep only the inputs that add coverage to the committed corpus.
before=$(ls "$corpus" | wc -l)
"./build-fuzz/tests/fuzz/fuzz-$target" -merge=1 "$corpus" "$work/new" > "$work/merge.log" 2>&1 || {
	cat "$work/merge.log" >&2
	exit 1
}
after=$(ls "$corpus" | wc -l)
echo "fuzz-$target: $((after - before)) new corpus files merged into $corpus"
exit $status
