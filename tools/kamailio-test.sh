#!/bin/sh
# The Kamailio test (docs/TESTING.md): Debian's Kamailio with examples/kamailio's
# configuration, 4 worker processes each holding a read-only open of one file store,
# through its shared index (NUMBERING_READ_ONLY=1, NUMBERING_SHARED_INDEX=1: the
# deployment whose workers share their memory; the store provisioned with numberctl
# --shared-index), and resolving every INVITE through libnumbering, answers real SIP
# INVITEs over UDP on
# 127.0.0.1 (tests/kamailio/check-kamailio.py checks every answer); then numberctl, a
# process of its own, changes the numbers while Kamailio runs and the next INVITEs to
# each worker must follow, with no restart.
#
# usage: tools/kamailio-test.sh [BUILD_DIR]   (default build; needs its libnumbering.so
#                                              and examples/numberctl/numberctl)
# Installs kamailio and kamailio-python3-modules when missing (tools/install-deps.sh).
# Kamailio gets a free port, its own runtime dir under a temporary directory, and is
# stopped at the end whatever happens (trap); the whole run is bounded by timeouts.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build}
case $build in /*) ;; *) build="$root/$build" ;; esac

sh tools/install-deps.sh kamailio kamailio-python3-modules
numberctl="$build/examples/numberctl/numberctl"
library="$build/libnumbering.so"
for f in "$numberctl" "$library"; do
	[ -e "$f" ] || { echo "kamailio-test: $f is missing: build $build first" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/kamailio-test.XXXXXX")
pid=
stop() {
	status=$?
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		# Kamailio's main process stops its workers; give it 5 s, then SIGKILL the group.
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
	fi
	if [ "$status" -ne 0 ] && [ -f "$work/kamailio.log" ]; then
		echo "kamailio-test: failed; Kamailio's log:" >&2
		tail -n 40 "$work/kamailio.log" >&2
	fi
	rm -rf "$work"
	exit "$status"
}
trap stop EXIT
trap 'exit 130' INT TERM

store="$work/numbers.store"
export NUMBERING_LIBRARY="$library"
# The inventory of examples/pbx-router (the same decisions over stdin), and one ACTIVE
# number without a call handler.
{
	cat examples/pbx-router/inventory.jsonl
	echo '{"method":"CreatePhoneNumberInstance","request":{"parent":"projects/acme","phoneNumberInstanceId":"nohandler","phoneNumberInstance":{"phoneNumber":{"phoneNumber":"+61255503000"}}}}'
} | timeout 30 "$numberctl" --store "file:$store" --shared-index batch > "$work/provision.out"

mkdir -p "$work/run"
cp examples/kamailio/numbering_route.py "$work/run/"
# A free port is picked, then bound by Kamailio: another process may take it in
# between, so up to 3 attempts, each with a port of its own.
attempt=1
while :; do
	port=$(python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	NUMBERING_STORE="$store" NUMBERING_REGION=AU NUMBERING_READ_ONLY=1 NUMBERING_SHARED_INDEX=1 \
		PYTHONPATH="$root/bindings/python" \
		setsid kamailio -DD -E -f examples/kamailio/kamailio.cfg -Y "$work/run" -P "$work/run/kamailio.pid" \
		-m 64 -M 8 -A "LISTEN=udp:127.0.0.1:$port" -A CHILDREN=4 -A WITH_WORKER_HEADER \
		-A "ROUTE_PY=\"$work/run/numbering_route.py\"" \
		> "$work/kamailio.log" 2>&1 &
	pid=$!
	# Ready when it answers: an INVITE to a non-number gets 484 from the Python route
	# (10 s at most, and no waiting on a Kamailio that has exited).
	if PYTHONPATH="$root/tests/kamailio" timeout 15 python3 -c '
import os, sys, sip
c = sip.Client("127.0.0.1", int(sys.argv[1]))
for _ in range(20):
    try:
        os.kill(int(sys.argv[2]), 0)
    except OSError:
        sys.exit("Kamailio exited")
    a = c.invite("ready", deadline=0.5)
    if a is not None:
        sys.exit(0 if a.code == 484 else "the first answer was %d, not 484" % a.code)
sys.exit("no answer in 10 s")' "$port" "$pid"; then
		break
	fi
	echo "kamailio-test: Kamailio did not answer on udp:127.0.0.1:$port (attempt $attempt of 3)" >&2
	[ $attempt -lt 3 ] || exit 1
	grep -a "CRITICAL\|ERROR" "$work/kamailio.log" | head -n 5 >&2 || true
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	kill -9 -- "-$pid" 2>/dev/null || true
	pid=
	attempt=$((attempt + 1))
done

timeout 90 python3 tests/kamailio/check-kamailio.py --port "$port" --store "$store" --numberctl "$numberctl" --live
workers=$(grep -c "numbering: worker pid .* opened" "$work/kamailio.log" || true)
echo "kamailio-test: $workers Kamailio workers opened the store"
[ "$workers" -eq 4 ] || { echo "kamailio-test: 4 workers should have opened the store" >&2; exit 1; }
# An operator's log stays quiet: no warning or error per call (sl's note that tm is not
# loaded, at start, is expected: the configuration is stateless).
if grep -E "WARNING|ERROR|CRITICAL" "$work/kamailio.log" | grep -v "load_tm_api" > "$work/noise"; then
	echo "kamailio-test: Kamailio logged $(wc -l < "$work/noise") warnings or errors, e.g.:" >&2
	head -n 5 "$work/noise" >&2
	exit 1
fi
