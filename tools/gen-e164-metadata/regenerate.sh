#!/bin/sh
# Regenerates lib/e164/metadata-table.c and tests/data/e164-differential.tsv from the
# libphonenumber installed on this machine (Debian: libphonenumber-dev, libprotobuf-dev).
# Re-runnable; the same libphonenumber gives byte-identical files.
#
#   tools/gen-e164-metadata/regenerate.sh          rewrite both files in place
#   tools/gen-e164-metadata/regenerate.sh --check  only report whether they are current
#
# Environment: CXX (default g++), LIBPHONENUMBER_VERSION (default: from dpkg),
# TRUNK_RULE (strict or prefer-strip: the trunk-prefix rule lib/e164/parse.c uses; the
# fixture's "comparable" column is computed with it; default prefer-strip).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
table="$root/lib/e164/metadata-table.c"
fixture="$root/tests/data/e164-differential.tsv"
check=0
[ "${1:-}" = "--check" ] && check=1

version=${LIBPHONENUMBER_VERSION:-}
if [ -z "$version" ] && command -v dpkg-query >/dev/null 2>&1; then
	version=$(dpkg-query -W -f='${Version}' libphonenumber-dev 2>/dev/null | sed 's/[+~-].*//') || true
fi
if [ -z "$version" ]; then
	echo "regenerate.sh: cannot tell the libphonenumber version; set LIBPHONENUMBER_VERSION" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

protobuf=$(pkg-config --cflags --libs protobuf 2>/dev/null || echo -lprotobuf)
# shellcheck disable=SC2086 # $protobuf is a list of flags
${CXX:-g++} -std=c++17 -O2 -Wall -Wextra -o "$tmp/gen-e164-metadata" "$here/gen-e164-metadata.cc" \
	-lphonenumber $protobuf

"$tmp/gen-e164-metadata" --source "libphonenumber $version" --trunk-rule "${TRUNK_RULE:-prefer-strip}" \
	--table "$tmp/metadata-table.c" --fixture "$tmp/e164-differential.tsv"

if [ "$check" = 1 ]; then
	status=0
	cmp -s "$tmp/metadata-table.c" "$table" || { echo "regenerate.sh: $table is out of date" >&2; status=1; }
	cmp -s "$tmp/e164-differential.tsv" "$fixture" || { echo "regenerate.sh: $fixture is out of date" >&2; status=1; }
	exit $status
fi

mkdir -p "$(dirname "$fixture")"
cp "$tmp/metadata-table.c" "$table.tmp" && mv "$table.tmp" "$table"
cp "$tmp/e164-differential.tsv" "$fixture.tmp" && mv "$fixture.tmp" "$fixture"
echo "regenerate.sh: wrote $table and $fixture (libphonenumber $version)" >&2
