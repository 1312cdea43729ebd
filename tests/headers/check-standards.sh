#!/bin/sh
# The public headers under every language standard a consumer may build with: C99, C11
# and C17, C++11, C++14, C++17 and C++20, each with -Wall -Wextra -Wpedantic -Werror
# (a header's warning is its consumer's build failure). For each standard: every header
# alone (it needs nothing else), then one file including them all (typedefs declared in
# two headers, which C99 refuses) and initializing each versioned struct with its
# NUMBERING_..._INIT macro (a missing field or an int for an enum is an error in C++).
# Headers and macros are found, not listed, so a new one is checked without an edit here.
# The C++ wrapper numbering/numbering.hpp (C++17) is compiled alone under C++17 and C++20.
#   check-standards.sh INCLUDE_DIR WORK_DIR 'CC ...' 'CXX ...'
set -u
include=$1 work=$2 cc=$3 cxx=$4
mkdir -p "$work"
flags="-Wall -Wextra -Wpedantic -Werror -fsyntax-only -I$include"
headers=$(cd "$include" && find numbering -name '*.h' | LC_ALL=C sort)
[ -n "$headers" ] || { echo "no headers under $include"; exit 1; }
# NUMBERING_OPTIONS_INIT initializes numbering_options, and so on.
inits=$(cat "$include"/numbering/*.h "$include"/numbering/sys/*.h |
	sed -n 's/^#define \(NUMBERING_[A-Z0-9_]*\)_INIT\([ \\]\|$\).*/\1/p' | LC_ALL=C sort -u)
all=$work/all-headers.c
{
	for h in $headers; do echo "#include <$h>"; done
	echo "int main(void)"
	echo "{"
	for m in $inits; do
		t=$(echo "$m" | tr '[:upper:]' '[:lower:]')
		echo "	$t v_$t = ${m}_INIT;"
		echo "	(void)v_$t;"
	done
	echo "	return 0;"
	echo "}"
} > "$all"
cp "$all" "$work/all-headers.cpp"
failures=0 count=0
check() { # LANG-FILE STD COMPILER WHAT
	count=$((count + 1))
	# shellcheck disable=SC2086
	if ! $3 -std="$2" $flags "$1" > "$work/out" 2>&1; then
		echo "FAIL -std=$2: $4"
		head -n 20 "$work/out"
		failures=$((failures + 1))
	fi
}
for std in c99 c11 c17 c++11 c++14 c++17 c++20; do
	case $std in
	c++*) compiler=$cxx ext=cpp ;;
	*) compiler=$cc ext=c ;;
	esac
	for h in $headers; do
		printf '#include <%s>\nint numbering_header_alone;\n' "$h" > "$work/alone.$ext"
		check "$work/alone.$ext" "$std" "$compiler" "<$h> alone"
	done
	check "$work/all-headers.$ext" "$std" "$compiler" "every header and $(echo "$inits" | wc -w) _INIT macros in one file ($work/all-headers.$ext)"
	# The C++ wrapper, numbering/numbering.hpp, is C++17: alone under C++17 and C++20.
	case $std in
	c++17 | c++20)
		printf '#include <numbering/numbering.hpp>\nint numbering_header_alone;\n' > "$work/alone.cpp"
		check "$work/alone.cpp" "$std" "$compiler" "<numbering/numbering.hpp> alone" ;;
	esac
done
echo "header standards: $count compilations ($(echo "$headers" | wc -l) headers x 7 standards, each standard's all-in-one file, numbering.hpp x 2), $failures failures"
[ "$failures" -eq 0 ]
