#!/bin/sh
# Every public declaration is documented (issue 11, LMDB-style): doxygen, run over
# include/numbering with EXTRACT_ALL=NO, must warn about nothing: no undocumented
# function, parameter, return value, struct field, typedef, macro or enum constant,
# and no doc error (a @param naming no parameter, a broken command).
# Usage: check-docs.sh DOXYGEN INCLUDE_DIR WORK_DIR
doxygen=$1 include=$2 work=$3
command -v "$doxygen" > /dev/null 2>&1 || { echo "SKIP doxygen not found (tools/install-deps.sh installs it)"; exit 77; }
mkdir -p "$work" || exit 1
warnings=$work/doxygen-warnings.txt
# doxygen documents (and so checks) the functions, macros and typedefs of a file only
# when the file itself is documented: every header needs its @file block.
for h in $(find "$include" -name '*.h' | sort); do
	grep -q '^ \* @file numbering/' "$h" || { echo "FAIL $h has no @file numbering/... block"; exit 1; }
done
# NUMBERING_EXTERN(type) is expanded to the type, or doxygen sees a macro call, not a
# function. The warnings are the output; man pages are generated only because doxygen
# checks @param and @return while it writes an output (1.9.4 warns wrongly with XML alone).
"$doxygen" - > "$work/doxygen.log" 2>&1 <<CONFIG
PROJECT_NAME = libnumbering
INPUT = $include
RECURSIVE = YES
FILE_PATTERNS = *.h
OUTPUT_DIRECTORY = $work
EXTRACT_ALL = NO
EXTRACT_STATIC = YES
OPTIMIZE_OUTPUT_FOR_C = YES
WARNINGS = YES
WARN_IF_UNDOCUMENTED = YES
WARN_NO_PARAMDOC = YES
WARN_IF_DOC_ERROR = YES
WARN_IF_INCOMPLETE_DOC = YES
WARN_AS_ERROR = NO
WARN_LOGFILE = $warnings
ENABLE_PREPROCESSING = YES
MACRO_EXPANSION = YES
EXPAND_ONLY_PREDEF = YES
PREDEFINED = "NUMBERING_EXTERN(type)=type"
GENERATE_HTML = NO
GENERATE_LATEX = NO
GENERATE_XML = NO
GENERATE_MAN = YES
HAVE_DOT = NO
QUIET = YES
CONFIG
status=$?
if [ "$status" -ne 0 ]; then
	echo "FAIL doxygen exited with $status:"; cat "$work/doxygen.log"; exit 1
fi
if [ -s "$warnings" ]; then
	echo "FAIL undocumented or wrongly documented public declarations ($(wc -l < "$warnings") warnings):"
	cat "$warnings"
	exit 1
fi
# doxygen does not warn about an undocumented enum constant: each one needs a doc
# comment of its own, "/**< ... */" on its line or a "/** ... */" ending on the line before.
bad=$(find "$include" -name '*.h' | sort | xargs awk '
	FNR == 1 { in_enum = 0; prev = "" }
	/^(typedef )?enum [a-z_]* *\{/ { in_enum = 1; prev = $0; next }
	in_enum && /^}/ { in_enum = 0 }
	in_enum && /^[ \t]*NUMBERING_[A-Z0-9_]+/ && $0 !~ /\/\*\*</ &&
	    (prev !~ /\*\/[ \t]*$/ || prev ~ /^[ \t]*NUMBERING_/) {
		print FILENAME ":" FNR ": enum constant without a doc comment: " $1
	}
	{ prev = $0 }')
if [ -n "$bad" ]; then
	echo "FAIL undocumented enum constants:"; echo "$bad"; exit 1
fi
echo "docs: every public declaration in $include is documented"
