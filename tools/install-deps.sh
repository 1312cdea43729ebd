#!/bin/sh
# Installs, through apt-get, whatever the build and the tests need and this Debian
# machine lacks. Extra package names may be passed as arguments (e.g. for benchmarks).
set -eu
packages="gcc g++ meson ninja-build pkg-config libsodium-dev libutf8proc-dev libjansson-dev nettle-dev libcurl4-openssl-dev check doxygen python3-venv python3-pip python3-setuptools python3-wheel $*"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "these packages are missing and installing them needs root:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing > /dev/null
