#!/bin/sh
# The Debian packages as a user gets them (docs/TESTING.md): builds them from a clean
# clone of HEAD with dpkg-buildpackage -us -uc -b (DEB_BUILD_OPTIONS=nocheck: CI's other
# steps ran the tests), runs lintian (an error fails, warnings are printed), installs them
# with dpkg, builds a C and a C++ consumer with nothing but pkg-config against the
# installed packages and runs them (a static link too), runs numberctl --version (and finds
# its manual page and bash completion) and the Python suite against python3-numbering,
# then purges the packages and checks that nothing of them is left. Needs root (dpkg -i).
#   sh tools/check-debian.sh [WORK_DIR]
# shellcheck disable=SC2046 # pkg-config's answers are several words
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
sh tools/install-deps.sh debhelper dh-python python3-all lintian fakeroot dpkg-dev
work=${1:-}
keep=${work:+yes}
[ -n "$work" ] || work=$(mktemp -d)
packages="libnumbering0 libnumbering-dev numberctl python3-numbering"
# shellcheck disable=SC2086
purge() { dpkg --purge $packages > /dev/null 2>&1 || true; }
trap 'purge; [ -n "$keep" ] || rm -rf "$work"' EXIT
rm -rf "$work/src" && mkdir -p "$work"
git -c advice.detachedHead=false clone -q --no-checkout "$root" "$work/src"
git -C "$work/src" checkout -q "$(git rev-parse HEAD)"
start=$(date +%s)
(cd "$work/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b > "$work/build.log" 2>&1) || {
	tail -n 40 "$work/build.log" >&2
	echo "dpkg-buildpackage failed: $work/build.log" >&2
	exit 1
}
version=$(dpkg-parsechangelog -l "$work/src/debian/changelog" -S Version)
debs=
for deb in "$work"/*_"$version"_*.deb; do
	case $deb in *-dbgsym_*) ;; *) debs="$debs $(basename "$deb")" ;; esac
done
echo "built$debs in $(($(date +%s) - start)) s"
# lintian's own status decides; its output, less the note on running as root, is shown
# (grep's status is not lintian's: a clean run prints nothing, and grep then fails).
lintian_status=0
lintian --fail-on error --suppress-tags initial-upload-closes-no-bugs "$work/libnumbering_${version}_"*.changes \
	> "$work/lintian.log" 2>&1 || lintian_status=$?
grep -v 'running with root privileges' "$work/lintian.log" || true
[ "$lintian_status" -eq 0 ] || {
	echo "lintian reports an error (status $lintian_status)" >&2
	exit 1
}

purge
dpkg -i "$work/libnumbering0_${version}_"*.deb "$work/libnumbering-dev_${version}_"*.deb \
	"$work/numberctl_${version}_"*.deb "$work/python3-numbering_${version}_all.deb" > /dev/null
upstream=${version%-*}
[ "$(pkg-config --modversion numbering)" = "$upstream" ] ||
	{ echo "pkg-config --modversion numbering: $(pkg-config --modversion numbering), want $upstream"; exit 1; }
for flag in $(pkg-config --cflags numbering); do
	echo "pkg-config --cflags numbering hands consumers $flag"
	exit 1 # /usr/include is the compiler's own: nothing at all is wanted
done
# The consumers of tests/install, against /usr/include and /usr/lib only.
cc -std=c99 -Wall -Wextra -Wpedantic -Werror -o "$work/consumer" tests/install/consumer.c $(pkg-config --cflags --libs numbering)
"$work/consumer"
cc -std=c11 -o "$work/consumer-static" tests/install/consumer.c "$(pkg-config --variable=libdir numbering)/libnumbering.a" \
	$(pkg-config --libs --static numbering | sed 's/-lnumbering//')
"$work/consumer-static" > /dev/null
! ldd "$work/consumer-static" | grep -q libnumbering || { echo "the static consumer loads libnumbering.so"; exit 1; }
g++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -o "$work/consumer-cpp" tests/install/consumer.cpp $(pkg-config --cflags --libs numbering)
"$work/consumer-cpp"
[ "$(numberctl --version)" = "numberctl $upstream (libnumbering $upstream)" ] ||
	{ echo "numberctl --version: $(numberctl --version)"; exit 1; }
# Its manual page and bash completion, where man and bash-completion look.
[ -f /usr/share/man/man1/numberctl.1.gz ] || { echo "no manual page for numberctl"; exit 1; }
[ -f /usr/share/bash-completion/completions/numberctl ] || { echo "no bash completion for numberctl"; exit 1; }
# The binding from /usr/lib/python3/dist-packages (run outside the source tree, whose
# numbering/ would shadow it), through the installed soname, with Debian's python3
# (/usr/bin/python3: another one first in PATH has other paths).
(cd "$work" && env -u NUMBERING_LIBRARY /usr/bin/python3 -c '
import numbering, sys
assert numbering.__file__.startswith("/usr/lib/python3/dist-packages/"), numbering.__file__
assert numbering.__version__ == numbering.version() == sys.argv[1], (numbering.__version__, numbering.version())
' "$upstream")
(cd "$work" && env -u NUMBERING_LIBRARY PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m unittest discover -q \
	-s "$root/bindings/python/tests" -t "$root/bindings/python/tests" 2>&1 | tail -n 3)

purge
# shellcheck disable=SC2086
left=$(dpkg-query -W -f '${Package} ${Status}\n' $packages 2>/dev/null | grep -v 'not-installed' || true)
[ -z "$left" ] || { echo "still installed after the purge: $left"; exit 1; }
for path in /usr/include/numbering /usr/bin/numberctl /usr/share/man/man1/numberctl.1.gz \
	/usr/share/bash-completion/completions/numberctl /usr/lib/python3/dist-packages/numbering; do
	[ ! -e "$path" ] || { echo "$path is left after the purge"; exit 1; }
done
echo "debian: 4 packages built (lintian: no error), installed, a C, a static C and a C++ consumer built with pkg-config and run, numberctl and the Python suite run, purged in $(($(date +%s) - start)) s"
