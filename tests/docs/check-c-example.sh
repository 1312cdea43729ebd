#!/bin/sh
# Compiles the ```c block of a docs page against the build's library, runs it, and
# compares its output with the page's ```text c-example-output block.
# usage: check-c-example.sh PAGE CC INCLUDE_DIR LIBRARY SANITIZE
#   LIBRARY   the built shared library (libnumbering.so)
#   SANITIZE  meson's b_sanitize ("none", "address,undefined", ...): the program is built
#             with the same runtime as the library it links
set -eu
page=$1 cc=$2 include=$3 library=$4 sanitize=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk '/^```c$/ {on = 1; next} on && /^```$/ {exit} on' "$page" > "$tmp/example.c"
awk '/^```text c-example-output$/ {on = 1; next} on && /^```$/ {exit} on' "$page" > "$tmp/expected"
[ -s "$tmp/example.c" ] || { echo "FAIL $page has no \`\`\`c block"; exit 1; }
[ -s "$tmp/expected" ] || { echo "FAIL $page has no \`\`\`text c-example-output block"; exit 1; }
flags=""
[ "$sanitize" = none ] || flags="-fsanitize=$sanitize"
# shellcheck disable=SC2086
$cc -std=c11 -Wall -Wextra -Wpedantic -Werror $flags -I"$include" -o "$tmp/example" "$tmp/example.c" \
	"$library" -Wl,-rpath,"$(dirname "$library")"
"$tmp/example" > "$tmp/actual"
if ! diff -u "$tmp/expected" "$tmp/actual"; then
	echo "FAIL the output of $page's example differs from the page (- page, + program)"
	exit 1
fi
echo "ok $page: the example compiles warning-free and prints what the page shows"
