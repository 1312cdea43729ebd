#!/bin/sh
# Installs the build into a temporary prefix with `meson install --destdir` and builds
# a consumer with nothing but pkg-config's answer, as a user outside the tree would.
set -eu
build=$1 source=$2
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null
pc=$(find "$dest" -name numbering.pc | head -n 1)
[ -n "$pc" ] || { echo "numbering.pc was not installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$dest"
cc -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$dest/consumer" "$source" $(pkg-config --cflags --libs numbering)
libdir=$(dirname "$(find "$dest" -name 'libnumbering.so.*' | head -n 1)")
LD_LIBRARY_PATH="$libdir" "$dest/consumer"
# The static library links too, pulling its dependencies from Requires.private.
cc -std=c11 -o "$dest/consumer-static" "$source" $(pkg-config --cflags numbering) "$libdir/libnumbering.a" \
	$(pkg-config --libs --static numbering | sed 's/-lnumbering//')
"$dest/consumer-static"
