#!/bin/sh
# tools/release.sh, on copies of the files it reads: --check passes on the tree as it is,
# fails naming the file on each way the version's copies can disagree, and a release cut
# in a scratch git repository gets its annotated tag once (meson test release-script).
#   sh tests/release/check-release.sh SOURCE_ROOT
set -eu
root=${1:?usage: check-release.sh SOURCE_ROOT}
work=$(mktemp -d "${TMPDIR:-/tmp}/numbering-release-XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
copy() {
	rm -rf "$work/t" && mkdir -p "$work/t/tools" "$work/t/include/numbering" "$work/t/bindings/python/numbering" "$work/t/debian"
	for f in meson.build CHANGELOG.md debian/changelog include/numbering/common.h \
		bindings/python/numbering/_version.py tools/release.sh tools/set-version.sh; do
		cp "$root/$f" "$work/t/$f"
	done
}
# expect STATUS TEXT COMMAND...: the release script's exit status and a piece of its stderr.
expect() {
	want=$1 text=$2; shift 2
	set +e; (cd "$work/t" && "$@") > "$work/out" 2> "$work/err"; got=$?; set -e
	if [ "$got" -ne "$want" ] || ! grep -qF -- "$text" "$work/err" "$work/out"; then
		echo "FAIL: $* gave $got (want $want, '$text'):"; cat "$work/out" "$work/err"; failures=$((failures + 1))
	fi
}
version=$(sed -n "s/^  version: '\([^']*\)',$/\1/p" "$root/meson.build" | head -n 1)

copy; expect 0 "version $version" sh tools/release.sh --check
copy; expect 2 "usage" sh tools/release.sh
copy; expect 2 "usage" sh tools/release.sh --bogus
copy; expect 2 "usage" sh tools/release.sh 1.2
copy; sed -i 's/^#define NUMBERING_VERSION_STRING .*/#define NUMBERING_VERSION_STRING "9.9.9"/' "$work/t/include/numbering/common.h"
expect 1 "NUMBERING_VERSION_STRING" sh tools/release.sh --check
copy; sed -i 's/^__version__ = .*/__version__ = "9.9.9"/' "$work/t/bindings/python/numbering/_version.py"
expect 1 "_version.py" sh tools/release.sh --check
copy; sed -i '1s/(\([^)]*\))/(9.9.9-1)/' "$work/t/debian/changelog"
expect 1 "debian/changelog's first entry is (9.9.9-1)" sh tools/release.sh --check
copy; sed -i 's/^## \[Unreleased\]/## [Next]/' "$work/t/CHANGELOG.md"
expect 1 "neither [Unreleased] nor" sh tools/release.sh --check
copy; sed -i '/^\[Unreleased\]: /d' "$work/t/CHANGELOG.md"
expect 1 "no link reference [Unreleased]" sh tools/release.sh --check
copy; printf '## [0.0.1] - 2026-13-1\n\n[0.0.1]: #x\n' >> "$work/t/CHANGELOG.md"
expect 1 "is not YYYY-MM-DD" sh tools/release.sh --check
copy; printf '## [99.0.0] - 2026-01-01\n\n[99.0.0]: #x\n' >> "$work/t/CHANGELOG.md"
expect 1 "newest first" sh tools/release.sh --check
copy; sed -i "s/^Work in progress on top of .*/Work in progress./" "$work/t/CHANGELOG.md"
grep -q "^## \[$version\] - " "$work/t/CHANGELOG.md" || expect 1 "no section for $version" sh tools/release.sh --check

# A release cut the documented way (docs/RELEASING.md) in a scratch repository.
if ! command -v git > /dev/null; then
	echo "release-script: no git, the tagging cases skipped"; [ $failures -eq 0 ] && exit 77; exit $failures
fi
copy
cd "$work/t"
sh tools/set-version.sh 7.8.9 > /dev/null
sed -i "1i libnumbering (7.8.9-1) unstable; urgency=medium\n\n  * New upstream release.\n\n -- Test <test@example.org>  Sun, 06 Dec 2026 06:00:00 +0000\n" debian/changelog
git init -q . && git add -A && git -c user.name=t -c user.email=t@example.org commit -qm base
cd - > /dev/null
expect 1 "no '## [7.8.9] - YYYY-MM-DD' section" sh tools/release.sh 7.8.9
expect 1 "meson.build says 7.8.9, not 7.8.10" sh tools/release.sh 7.8.10
cd "$work/t"
sed -i 's/^## \[Unreleased\]/## [Unreleased]\n\n## [7.8.9] - 2026-12-06/' CHANGELOG.md
sed -i 's/^\[Unreleased\]: .*/&\n[7.8.9]: #789---2026-12-06/' CHANGELOG.md
cd - > /dev/null
expect 1 "uncommitted changes" sh tools/release.sh 7.8.9
(cd "$work/t" && git -c user.name=t -c user.email=t@example.org commit -qam 7.8.9)
expect 0 "tagged v7.8.9" env GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org sh tools/release.sh 7.8.9
if [ "$(cd "$work/t" && git cat-file -t v7.8.9)" != tag ]; then echo "FAIL: v7.8.9 is not an annotated tag"; failures=$((failures + 1)); fi
expect 1 "tag v7.8.9 exists already" sh tools/release.sh 7.8.9
[ $failures -eq 0 ] && echo "release-script: every case as expected"
exit $failures
