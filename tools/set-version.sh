#!/bin/sh
# Sets the version everywhere it is written: meson.build's project version (its one home)
# and the copies meson setup checks against it (numbering/common.h's macros, the Python
# package's _version.py). debian/changelog gets its entry from dch (debian/rules refuses
# to build when its upstream version differs). The soname is not touched: docs/ABI.md.
#   sh tools/set-version.sh 0.2.0
set -eu
cd "$(dirname "$0")/.."
v=${1:?usage: tools/set-version.sh MAJOR.MINOR.PATCH}
echo "$v" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$' || { echo "not MAJOR.MINOR.PATCH: $v" >&2; exit 2; }
major=${v%%.*} rest=${v#*.}
minor=${rest%%.*} patch=${rest#*.}
sed -i "0,/^  version: '[^']*',/s//  version: '$v',/" meson.build
sed -i -e "s/^#define NUMBERING_VERSION_MAJOR [0-9]* /#define NUMBERING_VERSION_MAJOR $major /" \
	-e "s/^#define NUMBERING_VERSION_MINOR [0-9]* /#define NUMBERING_VERSION_MINOR $minor /" \
	-e "s/^#define NUMBERING_VERSION_PATCH [0-9]* /#define NUMBERING_VERSION_PATCH $patch /" \
	-e "s/^#define NUMBERING_VERSION_STRING \"[^\"]*\"/#define NUMBERING_VERSION_STRING \"$v\"/" \
	include/numbering/common.h
sed -i "s/^__version__ = \"[^\"]*\"/__version__ = \"$v\"/" bindings/python/numbering/_version.py
grep -q "^  version: '$v'," meson.build
echo "version $v written; add a CHANGELOG.md section and a debian/changelog entry (dch -v $v-1)"
