#!/bin/sh
# Regenerates lib/model/iso-table.c (ISO 3166-1 region names, ISO 4217 currencies and
# their minor-unit digits) from Debian's iso-codes and ICU installed on this machine
# (Debian: iso-codes, libicu-dev, libjansson-dev). Re-runnable; the same iso-codes and
# ICU give a byte-identical file.
#
#   tools/gen-iso-data/regenerate.sh          rewrite the file in place
#   tools/gen-iso-data/regenerate.sh --check  only report whether it is current
#
# Environment: CC (default cc), ISO_CODES_DIR (default /usr/share/iso-codes/json),
# ISO_CODES_VERSION (default: from dpkg).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
table="$root/lib/model/iso-table.c"
json=${ISO_CODES_DIR:-/usr/share/iso-codes/json}
check=0
[ "${1:-}" = "--check" ] && check=1

version=${ISO_CODES_VERSION:-}
if [ -z "$version" ] && command -v dpkg-query >/dev/null 2>&1; then
	version=$(dpkg-query -W -f='${Version}' iso-codes 2>/dev/null | sed 's/-[^-]*$//') || true
fi
if [ -z "$version" ]; then
	echo "regenerate.sh: cannot tell the iso-codes version; set ISO_CODES_VERSION" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# shellcheck disable=SC2046 # pkg-config prints a list of flags
${CC:-cc} -std=c11 -O2 -Wall -Wextra -o "$tmp/gen-iso-data" "$here/gen-iso-data.c" \
	$(pkg-config --cflags --libs jansson icu-uc icu-i18n)

"$tmp/gen-iso-data" --iso3166 "$json/iso_3166-1.json" --iso4217 "$json/iso_4217.json" \
	--iso-codes-version "$version" --out "$tmp/iso-table.c"

# The names the Voximplant catalogue shows: Russian region names, ISO 3166-2 subdivisions.
if [ "$check" = 1 ]; then
	python3 "$here/gen-iso-names.py" --check --json "$json" --version "$version"
else
	python3 "$here/gen-iso-names.py" --json "$json" --version "$version"
fi

if [ "$check" = 1 ]; then
	cmp -s "$tmp/iso-table.c" "$table" || { echo "regenerate.sh: $table is out of date" >&2; exit 1; }
	exit 0
fi

cp "$tmp/iso-table.c" "$table.tmp" && mv "$table.tmp" "$table"
echo "regenerate.sh: wrote $table (iso-codes $version)" >&2
