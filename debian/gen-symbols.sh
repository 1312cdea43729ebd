#!/bin/sh
# Writes the Debian symbols file of libnumbering0 from the version script lib/numbering.sym
# (the one list of exported functions, which tests/abi/check-symbols.sh holds to the
# headers and the library): every function of its NUMBERING_0 node, and the node itself.
# A symbol's minimal version is the one SINCE_FILE gives it ("name version" lines, for the
# symbols of releases before this one), else VERSION (this release's upstream version).
# dh_makeshlibs then runs dpkg-gensymbols -c4, which fails when the library exports one
# symbol more or less than this file lists.
#   gen-symbols.sh lib/numbering.sym VERSION [SINCE_FILE] > debian/libnumbering0.symbols
set -eu
map=$1 version=$2 since=${3:-/dev/null}
[ -f "$since" ] || since=/dev/null
node=$(sed -n 's/^\([A-Z][A-Z0-9_]*\) *{.*/\1/p' "$map" | head -n 1)
[ -n "$node" ] || { echo "gen-symbols.sh: no version node in $map" >&2; exit 1; }
symbols=$(sed -n '/^global:/,/^local:/p' "$map" | sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\);.*/\1/p')
[ -n "$symbols" ] || { echo "gen-symbols.sh: no symbols in $map" >&2; exit 1; }
echo "libnumbering.so.0 libnumbering0 #MINVER#"
echo "* Build-Depends-Package: libnumbering-dev"
for s in "$node" $symbols; do
	v=$(awk -v s="$s" '$1 == s { print $2; exit }' "$since")
	echo " $s@$node ${v:-$version}"
done
