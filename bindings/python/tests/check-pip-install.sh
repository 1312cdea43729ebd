#!/bin/sh
# The binding as a user gets it from pip (issue 16): builds a wheel of bindings/python
# and pip-installs the directory into a fresh venv, offline (--no-index, and
# --no-build-isolation: setuptools and wheel come from the machine, Debian's
# python3-setuptools and python3-wheel, not from PyPI), then runs the binding's unittest
# suite with that venv's python from outside the source tree, against the installed
# package and NUMBERING_LIBRARY. Nothing is written into the source tree (the package is
# built from a copy). Exit 77 (skipped) when no python here can make such a venv.
#
# Usage: check-pip-install.sh PYTHON SOURCE_ROOT LIBNUMBERING_SO
set -eu
python=$1 root=$2 library=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/numbering-pip.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
export PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
unset PYTHONPATH PIP_FIND_LINKS PIP_REQUIRE_VIRTUALENV || true

# A venv whose python has pip, setuptools and wheel. First one that sees the
# interpreter's own packages (Debian's python3-pip, python3-setuptools and python3-wheel;
# made in a tenth of a second), else a plain one (ensurepip gives it pip and setuptools,
# and Debian's python3-wheel-whl, when present, wheel; it takes seconds to a minute).
# The python meson found first, then Debian's.
venv=
for mode in system plain; do
	for base in "$python" /usr/bin/python3; do
		command -v "$base" > /dev/null 2>&1 || continue
		rm -rf "$work/venv"
		if [ $mode = system ]; then
			"$base" -m venv --without-pip --system-site-packages "$work/venv" > /dev/null 2>&1 || continue
		else
			"$base" -m venv "$work/venv" > /dev/null 2>&1 || continue
			for whl in /usr/share/python-wheels/wheel-*.whl; do
				[ -f "$whl" ] && "$work/venv/bin/python" -m pip install -q "$whl" > /dev/null 2>&1
			done
		fi
		if "$work/venv/bin/python" -c 'import setuptools, wheel, pip' 2> /dev/null; then
			venv=$work/venv/bin/python
			break 2
		fi
	done
done
if [ -z "$venv" ]; then
	echo "SKIP: no python here makes a venv with setuptools and wheel (Debian: apt install python3-venv python3-pip python3-setuptools python3-wheel)"
	exit 77
fi
echo "venv: $base ($mode), $("$venv" -c 'import setuptools, wheel; import pip; print("pip", pip.__version__, "setuptools", setuptools.__version__, "wheel", wheel.__version__)' 2> /dev/null)"

mkdir "$work/src"
cp -R "$root/bindings/python/numbering" "$root/bindings/python/pyproject.toml" "$root/bindings/python/README.md" \
	"$work/src/"
find "$work/src" -name __pycache__ -prune -exec rm -rf {} +

# The wheel: pure Python, with the marker of its type hints.
"$venv" -m pip wheel -q --no-build-isolation --no-deps -w "$work/dist" "$work/src"
"$venv" - "$work/dist" <<'PY'
import os, sys, zipfile
wheels = os.listdir(sys.argv[1])
assert len(wheels) == 1 and wheels[0].endswith("-py3-none-any.whl"), wheels
names = zipfile.ZipFile(os.path.join(sys.argv[1], wheels[0])).namelist()
for needed in ("numbering/__init__.py", "numbering/_lib.py", "numbering/py.typed", "numbering/_version.py"):
    assert needed in names, (needed, names)
assert not [n for n in names if n.startswith("tests/")], names
print("wheel:", wheels[0], len(names), "files")
PY

# pip install ./bindings/python (its copy), then the installed package is the one imported.
"$venv" -m pip install -q --no-build-isolation --no-deps "$work/src"
rm -rf "$work/src"
cd "$work"
NUMBERING_LIBRARY=$library "$venv" - "$work/venv" <<'PY'
import os, sys
from importlib.metadata import version
import numbering
where = os.path.dirname(numbering.__file__)
assert where.startswith(os.path.realpath(sys.argv[1])) or where.startswith(sys.argv[1]), where
assert "site-packages" in where, where
assert os.path.exists(os.path.join(where, "py.typed")), where
assert version("numbering") == numbering.__version__ == numbering.version(), (version("numbering"), numbering.__version__)
print("installed:", where, numbering.__version__)
PY
# The installed package's hints, as a consumer's type checker sees them (mypy refuses an
# installed package without py.typed): only where the venv has mypy (Debian: python3-mypy).
if "$venv" -c 'import mypy' 2> /dev/null; then
	cat > "$work/consumer.py" <<'PY'
import numbering
with numbering.Store(default_region="AU") as store:
    page: numbering.Page = store.list("projects/p1", page_size=10)
    token: str = page.next_page_token
    names = [i["name"] for i in store.iter_phone_number_instances(parent="projects/p1")]
number: numbering.PhoneNumber = numbering.parse("02 5550 1100", "AU")
code: int = number.country_code
PY
	printf 'import numbering\nwrong: str = numbering.parse("+61255501100").country_code\n' > "$work/wrong.py"
	# One run: consumer.py clean, and wrong.py's one error found (so the types were read).
	"$venv" -m mypy --strict --no-incremental --cache-dir /dev/null "$work/consumer.py" "$work/wrong.py" \
		> "$work/mypy.out" 2>&1 || true
	if [ "$(grep -c ': error: ' "$work/mypy.out")" != 1 ] || ! grep -q '^[^:]*wrong.py:2: error: Incompatible types in assignment (expression has type "int", variable has type "str")' "$work/mypy.out"; then
		cat "$work/mypy.out"
		echo "mypy: the installed package's types are not what a consumer sees" >&2
		exit 1
	fi
	echo "mypy --strict over the installed package: a consumer checks clean, a wrong type is caught"
else
	echo "mypy: not checked (no mypy beside the venv's python; Debian: python3-mypy)"
fi
NUMBERING_LIBRARY=$library NUMBERING_SOURCE_ROOT=$root "$venv" -m unittest discover \
	-s "$root/bindings/python/tests" -t "$root/bindings/python/tests"
