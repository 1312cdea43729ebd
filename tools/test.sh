#!/bin/sh
# The whole test suite: installs what is missing, builds in ./build, runs every meson
# test (headers, exported symbols, numberctl, pkg-config consumer), then the Check
# suites, whose summary is the last line.
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh
# Warnings are errors in CI (CI=true) only, never in the build a user or a packager gets.
[ -f build/build.ninja ] || meson setup build ${CI:+-Dwerror=true} > /dev/null
meson compile -C build
meson test -C build --print-errorlogs --no-suite unit
exec ./build/tests/numbering-tests
