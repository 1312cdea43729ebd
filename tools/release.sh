#!/bin/sh
# Cuts a release, or checks that the tree could cut one. The version has one home,
# meson.build's project(version: ...); a release is that version with a CHANGELOG.md
# section "## [X.Y.Z] - YYYY-MM-DD", a debian/changelog entry X.Y.Z-N on top, the copies
# tools/set-version.sh writes, and an annotated tag vX.Y.Z on a clean tree.
#
#   sh tools/release.sh --check    the files agree (run by `meson test changelog`)
#   sh tools/release.sh X.Y.Z      check that X.Y.Z is ready, then tag it (docs/RELEASING.md)
#
# Exit status: 0 done, 1 a check failed (each failure is printed), 2 usage.
set -eu
cd "$(dirname "$0")/.."

usage() { echo "usage: tools/release.sh --check | X.Y.Z (docs/RELEASING.md)" >&2; exit 2; }
[ $# -eq 1 ] || usage
failed=0
fail() { echo "release: $*" >&2; failed=1; }

version=$(sed -n "s/^  version: '\([^']*\)',$/\1/p" meson.build | head -n 1)
[ -n "$version" ] || { echo "release: no project version in meson.build" >&2; exit 1; }

# The copies of the version (tools/set-version.sh writes them; meson setup checks them too,
# but this check runs without a build).
grep -q "^#define NUMBERING_VERSION_STRING \"$version\"" include/numbering/common.h ||
	fail "include/numbering/common.h's NUMBERING_VERSION_STRING is not \"$version\" (tools/set-version.sh $version)"
grep -q "^__version__ = \"$version\"" bindings/python/numbering/_version.py ||
	fail "bindings/python/numbering/_version.py's __version__ is not \"$version\" (tools/set-version.sh $version)"
debian=$(sed -n '1s/^libnumbering (\([^)]*\)).*/\1/p' debian/changelog)
case $debian in
"$version"-[0-9]*) ;;
*) fail "debian/changelog's first entry is ($debian), not $version-N (dch -v $version-1)" ;;
esac

# CHANGELOG.md: Keep a Changelog's shape. Every section heading is [Unreleased] or
# [X.Y.Z] - YYYY-MM-DD, newest first, each with its link reference at the end; the
# project version has a section, or is the version [Unreleased] works on top of.
headings=$(grep '^## ' CHANGELOG.md || true)
[ -n "$headings" ] || fail "CHANGELOG.md has no '## ' section"
previous=
echo "$headings" | while IFS= read -r line; do
	case $line in
	'## [Unreleased]') name=Unreleased ;;
	'## ['*'] - '*)
		name=${line#'## ['}; name=${name%%]*}
		date=${line#*'] - '}
		echo "$name" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$' || { echo "release: CHANGELOG.md heading '$line': '$name' is not X.Y.Z" >&2; exit 1; }
		echo "$date" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' ||
			{ echo "release: CHANGELOG.md heading '$line': '$date' is not YYYY-MM-DD" >&2; exit 1; }
		if [ -n "$previous" ] && [ "$previous" != Unreleased ] &&
			[ "$(printf '%s\n%s\n' "$name" "$previous" | sort -V | tail -n 1)" != "$previous" ]; then
			echo "release: CHANGELOG.md lists $name after $previous: newest first" >&2; exit 1
		fi ;;
	*) echo "release: CHANGELOG.md heading '$line' is neither [Unreleased] nor [X.Y.Z] - DATE" >&2; exit 1 ;;
	esac
	grep -q "^\[$name\]: " CHANGELOG.md || { echo "release: CHANGELOG.md has no link reference [$name]: at its end" >&2; exit 1; }
	previous=$name
done || failed=1
if ! grep -q "^## \[$version\] - " CHANGELOG.md &&
	! grep -q "^Work in progress on top of $version[ .]" CHANGELOG.md; then
	fail "CHANGELOG.md has no section for $version, and [Unreleased] does not say it works on top of it"
fi

case $1 in
--check)
	[ $failed -eq 0 ] && echo "release: version $version, CHANGELOG.md and debian/changelog agree"
	exit $failed ;;
-*) usage ;;
esac

want=$1
echo "$want" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$' || usage
[ "$want" = "$version" ] || fail "meson.build says $version, not $want (sh tools/set-version.sh $want)"
grep -q "^## \[$want\] - [0-9]\{4\}-[0-9][0-9]-[0-9][0-9]$" CHANGELOG.md ||
	fail "CHANGELOG.md has no '## [$want] - YYYY-MM-DD' section (move [Unreleased]'s entries under it)"
if sed -n '/^## \[Unreleased\]/,/^## \[/p' CHANGELOG.md | grep -q '^- '; then
	fail "CHANGELOG.md's [Unreleased] still lists changes: move them under [$want]"
fi
command -v git > /dev/null || { echo "release: git is needed to tag" >&2; exit 1; }
[ -z "$(git status --porcelain)" ] || fail "the work tree has uncommitted changes: a tag names a commit"
if git rev-parse -q --verify "refs/tags/v$want" > /dev/null; then
	fail "tag v$want exists already (at $(git rev-parse --short "v$want^{commit}"))"
fi
[ $failed -eq 0 ] || exit 1
git tag -a "v$want" -m "libnumbering $want

$(sed -n "/^## \[$want\]/,/^## \[/p" CHANGELOG.md | sed '1d;$d')"
echo "tagged v$want at $(git rev-parse --short HEAD): push it with git push origin v$want"
