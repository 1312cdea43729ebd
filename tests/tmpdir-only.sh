#!/bin/sh
# The test programs put their files under $TMPDIR, never a hard-coded /tmp (a host's
# /tmp may be small, shared or read-only; tests/temp-dir.h): runs RUNNER's suites that
# write files, and the export programs, in a mount namespace whose /tmp is a read-only
# tmpfs, with TMPDIR a directory of the build tree. Needs root (a mount namespace);
# elsewhere it says so and is skipped (77).
# usage: tmpdir-only.sh RUNNER TEST-EXPORT SCENARIO-DIR TEST-DUE-EXPORT
set -eu
runner=$1 test_export=$2 scenarios=$3 test_due_export=$4
if [ "$(id -u)" != 0 ] || ! unshare --mount true 2>/dev/null; then
	echo "tmpdir-only: not root, or no mount namespace here: not run"
	exit 77
fi
case $PWD/ in
/tmp/*) echo "tmpdir-only: the build tree is under /tmp, which the test hides: not run"; exit 77 ;;
esac
dir=$(mktemp -d "$PWD/tmpdir-only.XXXXXX")
trap 'rm -rf "$dir"' EXIT
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --mount sh -eu -c '
	mount -t tmpfs -o ro,size=64k tmpfs /tmp
	! touch /tmp/probe 2>/dev/null || { echo "tmpdir-only: /tmp is still writable" >&2; exit 1; }
	# libcheck makes its fork mode'"'"'s message file with tmpfile() (/tmp), then in $TEMP.
	export TMPDIR="$1" TEMP="$1"
	# The suites whose stores and directories come from tests/temp-dir.h.
	"$2" active backend_errors billing block_names changes due inventory limits ops outbox phone_id pricing \
		purchase reservation snapshot store subscription vox_attach vox_catalogue vox_gaps vox_numbers
	"$3" "$4"
	"$5"
' tmpdir-only "$dir" "$runner" "$test_export" "$scenarios" "$test_due_export"
echo "tmpdir-only: every file was made under TMPDIR"
