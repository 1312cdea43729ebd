#!/bin/sh
# Installs the build into a temporary prefix with `meson install --destdir` and builds
# a consumer with nothing but pkg-config's answer, as a user outside the tree would.
# With a third argument (the examples/ directory) it also builds examples/hello with cc
# and examples/cpp (over the installed numbering/numbering.hpp) with g++ -std=c++17 the
# same way, runs them and compares their output
# with their expected.out, and a program running the backend test kit over
# examples/array-backend/array-records.c (with a fourth argument "kit": the kit is installed).
set -eu
build=$1 source=$2 examples=${3:-} kit=${4:-no-kit}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null
pc=$(find "$dest" -name numbering.pc | head -n 1)
[ -n "$pc" ] || { echo "numbering.pc was not installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$dest"
# Cflags carry the include directory and nothing else: no flag of a private dependency
# (libutf8proc's -DUTF8PROC_EXPORTS leaked through Requires.private).
for flag in $(pkg-config --cflags numbering); do
	case $flag in
	-I*) ;;
	*) echo "pkg-config --cflags numbering hands consumers $flag: $(pkg-config --cflags numbering)"; exit 1 ;;
	esac
done
cc -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$dest/consumer" "$source" $(pkg-config --cflags --libs numbering)
libdir=$(dirname "$(find "$dest" -name 'libnumbering.so.*' | head -n 1)")
LD_LIBRARY_PATH="$libdir" "$dest/consumer"
# The static library links too, pulling its dependencies from Requires.private.
cc -std=c11 -o "$dest/consumer-static" "$source" $(pkg-config --cflags numbering) "$libdir/libnumbering.a" \
	$(pkg-config --libs --static numbering | sed 's/-lnumbering//')
"$dest/consumer-static"

# The C++ header, from the installed tree only: a C++17 consumer of numbering.hpp (handles,
# the exception's code, status, HTTP status and field violations), and a clear refusal of
# an older standard.
hpp=$(find "$dest" -path '*/include/numbering/numbering.hpp' | head -n 1)
[ -n "$hpp" ] || { echo "numbering/numbering.hpp was not installed"; exit 1; }
for std in c++17 c++20; do
	g++ -std=$std -Wall -Wextra -Wpedantic -Werror -o "$dest/consumer-cpp" "$(dirname "$source")/consumer.cpp" \
		$(pkg-config --cflags --libs numbering)
	LD_LIBRARY_PATH="$libdir" "$dest/consumer-cpp"
done
if g++ -std=c++14 -fsyntax-only -x c++ - $(pkg-config --cflags numbering) < "$(dirname "$source")/consumer.cpp" \
	> "$dest/cpp14.err" 2>&1 || ! grep -q 'numbering.hpp needs C++17' "$dest/cpp14.err"; then
	echo "numbering.hpp under -std=c++14 did not stop with its own message:"; head -n 5 "$dest/cpp14.err"
	exit 1
fi

[ -n "$examples" ] || exit 0
# The examples, as a newcomer builds them from docs/GETTING-STARTED.md.
cc -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$dest/hello" "$examples/hello/hello.c" \
	$(pkg-config --cflags --libs numbering)
LD_LIBRARY_PATH="$libdir" "$dest/hello" > "$dest/hello.out"
diff -u "$examples/hello/expected.out" "$dest/hello.out"
g++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -o "$dest/cpp-example" "$examples/cpp/main.cpp" \
	$(pkg-config --cflags --libs numbering)
LD_LIBRARY_PATH="$libdir" "$dest/cpp-example" > "$dest/cpp.out"
diff -u "$examples/cpp/expected.out" "$dest/cpp.out"
# The README's example, with the output the README says it prints.
readme=$examples/../README.md
sed -n '/^```c$/,/^```$/p' "$readme" | sed '1d;$d' > "$dest/readme.c"
cc -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$dest/readme" "$dest/readme.c" $(pkg-config --cflags --libs numbering)
LD_LIBRARY_PATH="$libdir" "$dest/readme" > "$dest/readme.out"
grep -q "^It prints \`$(cut -c1-40 "$dest/readme.out")" "$readme" || {
	echo "README's example printed: $(cat "$dest/readme.out")"
	exit 1
}
# The backend test kit, as a host runs it over its own backend (docs/BACKENDS.md): here
# over examples/array-backend/array-records.c, built beside a small main.
if [ "$kit" = kit ]; then
	pkg-config --exists numbering-backend-test || { echo "numbering-backend-test.pc was not installed"; exit 1; }
	cc -std=c11 -Wall -Wextra -Wpedantic -Werror -I"$examples/array-backend" -o "$dest/kit-consumer" \
		"$(dirname "$source")/kit-consumer.c" "$examples/array-backend/array-records.c" \
		$(pkg-config --cflags --libs numbering-backend-test)
	LD_LIBRARY_PATH="$libdir" CK_VERBOSITY=silent "$dest/kit-consumer"
	kit=", the backend test kit"
else
	kit=" (no backend test kit: -Dtest_kit=disabled)"
fi
echo "installed library: consumer, consumer-cpp (numbering.hpp), hello, cpp-example, the README's example$kit built with pkg-config alone and ran as expected"
