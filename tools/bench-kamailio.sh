#!/bin/sh
# The Kamailio bench (issue 15; docs/PERFORMANCE.md): INVITEs per second and latency
# through Kamailio routing with libnumbering (examples/kamailio/kamailio.cfg) beside the
# same Kamailio answering the same numbers from its own htable module
# (examples/kamailio/kamailio-htable.cfg), same number of workers, in one run. The load
# comes from bench/sip-load.c (a UDP INVITE generator; SIPp is not in Debian 12).
#
# usage: tools/bench-kamailio.sh [BUILD_DIR] [--children N] [--seconds S] [--rounds R]
#                                [--window W] [--singles N] [--ranges N] [--shared-index]
#   BUILD_DIR   holds libnumbering.so and examples/numberctl/numberctl (default build);
#               sip-load is BUILD_DIR/bench/sip-load when built (-Dbench=true), else
#               compiled here with cc -O2
#   --children  Kamailio UDP workers of each configuration (default 4)
#   --seconds   measured seconds per round and configuration (default 5, after 1 s warm-up)
#   --rounds    rounds, each running both, libnumbering first in odd rounds and htable
#               first in even ones (default 3), so drift in the machine's load falls on both
#   --window    INVITEs in flight (default 32)
#   --singles, --ranges  the inventory: N single numbers with 2 call handlers, N ranges
#               of 100 with 3 (defaults 10000 and 100: 20,000 numbers); plus 1% of each
#               suspended, 1% pending. The INVITEs go to a shuffled list of 20,000 users:
#               owned numbers of every kind and 10% not ours.
#   --shared-index  provision with numberctl --shared-index and open the workers
#               read-only through the store's shared index (NUMBERING_READ_ONLY=1,
#               NUMBERING_SHARED_INDEX=1: the deployment in which they share memory);
#               without it each worker holds a plain open of the file store
# Prints a table: per configuration the answers per second (sum over rounds / time),
# the answers per second of CPU time that Kamailio's processes used (all of them, read
# from /proc: steadier than the wall rate on a shared machine), p50 and p99 latency
# (the median of the rounds'), and the ratios libnumbering/htable.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
build=build
children=4 seconds=5 rounds=3 window=32 singles=10000 ranges=100 shared=
while [ $# -gt 0 ]; do
	case $1 in
	--children) children=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--window) window=$2; shift 2 ;;
	--singles) singles=$2; shift 2 ;;
	--ranges) ranges=$2; shift 2 ;;
	--shared-index) shared=1; shift ;;
	-*) echo "usage: tools/bench-kamailio.sh [BUILD_DIR] [--children N] [--seconds S] [--rounds R] [--window W] [--singles N] [--ranges N] [--shared-index]" >&2; exit 2 ;;
	*) build=$1; shift ;;
	esac
done
case $build in /*) ;; *) build="$root/$build" ;; esac

sh tools/install-deps.sh kamailio kamailio-python3-modules
numberctl="$build/examples/numberctl/numberctl"
export NUMBERING_LIBRARY="$build/libnumbering.so"
for f in "$numberctl" "$NUMBERING_LIBRARY"; do
	[ -e "$f" ] || { echo "bench-kamailio: $f is missing: build $build first" >&2; exit 1; }
done

# On tmpfs when there is one: numberctl's 10,000+ creates each end in an fsync, which
# takes minutes on a loaded disk and nothing on tmpfs (the bench measures reads).
shm=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && shm=/dev/shm
work=$(mktemp -d "$shm/bench-kamailio.XXXXXX")
pids=
stop() {
	status=$?
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	for p in $pids; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 -- "-$p" 2>/dev/null || true
	done
	if [ "$status" -ne 0 ]; then
		for log in "$work"/*.log; do
			[ -f "$log" ] && { echo "== $log" >&2; tail -n 20 "$log" >&2; }
		done
	fi
	rm -rf "$work"
	exit "$status"
}
trap stop EXIT
trap 'exit 130' INT TERM

sipload="$build/bench/sip-load"
if [ ! -x "$sipload" ]; then
	sipload="$work/sip-load"
	cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -o "$sipload" bench/sip-load.c
fi

# The inventory, written three ways from one description: numberctl batch lines for
# libnumbering, db_text tables for htable, and the users to dial.
mkdir -p "$work/htable"
python3 - "$work" "$singles" "$ranges" <<'EOF'
import json, random, sys
work, singles, ranges = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(15)
batch = open(work + "/inventory.jsonl", "w")
owned = {}  # number -> (code, call handlers)
def esc(s):
    return s.replace("\\", "\\\\").replace(":", "\\:")
def create(parent, ident, notation, handlers, state, numbers):
    inst = {"phoneNumber": {"phoneNumber": notation}, "incomingCallHandlerUris": handlers}
    if state == "PENDING":
        inst["lifecycleState"] = "PENDING"
    batch.write(json.dumps({"method": "CreatePhoneNumberInstance", "request": {
        "parent": parent, "phoneNumberInstanceId": ident, "phoneNumberInstance": inst}}) + "\n")
    if state == "SUSPENDED":
        batch.write(json.dumps({"method": "SuspendPhoneNumberInstance",
                                "request": {"name": parent + "/phoneNumberInstances/" + ident}}) + "\n")
    code = {"ACTIVE": 302, "SUSPENDED": 480, "PENDING": 404}[state]
    for n in numbers:
        owned[n] = (code, handlers)
def state_of(i):
    return "SUSPENDED" if i % 100 == 1 else "PENDING" if i % 100 == 2 else "ACTIVE"
for i in range(singles):
    n = "+6139%07d" % i
    create("projects/p%d" % (i % 10), "s%d" % i, n,
           ["sip:s%d@pbx%d.example.com" % (i, i % 10), "tel:+6128%07d" % i], state_of(i), [n])
for i in range(ranges):
    base = "+613800%03d00" % i
    create("projects/p%d" % (i % 10), "r%d" % i, base + "-99",
           ["sip:r%d-queue@pbx.example.com" % i, "sip:r%d-overflow@pbx.example.com" % i,
            "https://ivr.example.com/r%d" % i], state_of(i), ["+613800%03d%02d" % (i, k) for k in range(100)])
tables = {"code": [], "handlers": [], "contact": []}
for n, (code, handlers) in owned.items():
    tables["code"].append((n, 1, str(code)))
    if code == 302:
        tables["handlers"].append((n, 1, str(len(handlers))))
        tables["contact"] += [("%s/%d" % (n, i), 0, h) for i, h in enumerate(handlers)]
for table, rows in tables.items():
    with open(work + "/htable/" + table, "w") as f:
        f.write("id(int,auto) key_name(string) key_type(int) value_type(int) key_value(string) expires(int)\n")
        for k, (key, value_type, value) in enumerate(rows):
            f.write("%d:%s:0:%d:%s:0\n" % (k + 1, esc(key), value_type, esc(value)))
numbers = list(owned)
users = random.sample(numbers, min(18000, len(numbers))) + ["+6137%07d" % random.randrange(10**7) for _ in range(2000)]
random.shuffle(users)
open(work + "/users.txt", "w").write("\n".join(users) + "\n")
EOF
timeout 300 "$numberctl" --store "file:$work/numbers.store" ${shared:+--shared-index} batch < "$work/inventory.jsonl" > "$work/provision.out"

free_port() {
	python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# start NAME CFG PORT [-A ...]: Kamailio in the foreground of its own session.
start() {
	name=$1 cfg=$2 port=$3
	shift 3
	mkdir -p "$work/run-$name"
	NUMBERING_STORE="$work/numbers.store" PYTHONPATH="$root/bindings/python" \
	NUMBERING_READ_ONLY=${shared:-0} NUMBERING_SHARED_INDEX=${shared:-0} \
		setsid kamailio -DD -E -f "$cfg" -Y "$work/run-$name" -P "$work/run-$name/kamailio.pid" -m 256 -M 16 \
		-A "LISTEN=udp:127.0.0.1:$port" -A "CHILDREN=$children" "$@" > "$work/$name.log" 2>&1 &
	pids="$pids $!"
}
port_lib=$(free_port)
port_ht=$(free_port)
cp examples/kamailio/numbering_route.py "$work/run-route.py"
start libnumbering examples/kamailio/kamailio.cfg "$port_lib" -A "ROUTE_PY=\"$work/run-route.py\""
start htable examples/kamailio/kamailio-htable.cfg "$port_ht" -A "HTABLE_DB=\"text://$work/htable\""

# Both answer, and answer the same for 300 of the users (codes and Contact lists).
PYTHONPATH="$root/tests/kamailio" timeout 120 python3 - "$port_lib" "$port_ht" "$work/users.txt" <<'EOF'
import sys, time, sip
a, b = sip.Client("127.0.0.1", int(sys.argv[1])), sip.Client("127.0.0.1", int(sys.argv[2]))
for c in (a, b):
    for _ in range(40):
        if c.invite("ready", deadline=0.5) is not None:
            break
    else:
        sys.exit("bench-kamailio: Kamailio on port %d does not answer" % c.addr[1])
users = open(sys.argv[3]).read().split()[:300]
for u in users:
    x, y = a.invite(u), b.invite(u)
    if x is None or y is None or (x.code, x.contacts) != (y.code, y.contacts):
        sys.exit("bench-kamailio: %s: libnumbering answered %r, htable %r" % (u, x, y))
EOF

echo "bench-kamailio: $children workers each, $(wc -l < "$work/users.txt") users, window $window, $rounds rounds of $seconds s; each worker holds $(if [ -n "$shared" ]; then echo "a read-only open through the shared index"; else echo "a plain open of the file store"; fi); load $(cut -d' ' -f1-3 /proc/loadavg)"
# The CPU time (user + system, clock ticks) of every process of a Kamailio: its main
# process leads a session of its own (setsid), the workers are in it.
cpu_ticks() {
	python3 -c '
import os, sys
sid, total = sys.argv[1], 0
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            f = open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if f[3] == sid:
            total += int(f[11]) + int(f[12])
print(total)' "$1"
}
# shellcheck disable=SC2086 # two pids, split on purpose
set -- $pids
pid_lib=$1 pid_ht=$2
hz=$(getconf CLK_TCK)
for r in $(seq 1 "$rounds"); do
	order="libnumbering htable"
	[ $((r % 2)) -eq 0 ] && order="htable libnumbering"
	for name in $order; do
		port=$port_lib pid=$pid_lib
		[ "$name" = htable ] && port=$port_ht pid=$pid_ht
		before=$(cpu_ticks "$pid")
		line=$(timeout $((seconds + 30)) "$sipload" --port "$port" --users "$work/users.txt" --seconds "$seconds" \
			--warmup 1 --window "$window")
		ticks=$(($(cpu_ticks "$pid") - before))
		echo "round $r $name: $line; Kamailio cpu $(echo "$ticks $hz" | awk '{printf "%.2f", $1 / $2}') s"
		echo "$name $line kcpu $ticks $hz" >> "$work/results"
	done
done
python3 - "$work/results" <<'EOF'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name = line.split()[0]
    m = re.search(r"(\d+) answers in (\d+) s: \d+/s p50 (\d+) us p99 (\d+) us lost (\d+) .*kcpu (\d+) (\d+)", line)
    rows.setdefault(name, []).append(tuple(int(g) for g in m.groups()))
print()
print("| Kamailio routing | INVITEs/s (wall) | INVITEs per Kamailio CPU second | p50 latency | p99 latency | lost |")
print("| --- | --- | --- | --- | --- | --- |")
rate, per_cpu = {}, {}
for name in ("libnumbering", "htable"):
    rs = rows[name]
    rate[name] = sum(r[0] for r in rs) / sum(r[1] for r in rs)
    # The warm-up second's INVITEs are in the CPU time too: count them at the round's rate.
    cpu = sum(r[5] / r[6] for r in rs)
    per_cpu[name] = sum(r[0] * (r[1] + 1) / r[1] for r in rs) / cpu
    print("| %s | %.0f | %.0f | %d us | %d us | %d |" % (name, rate[name], per_cpu[name],
          statistics.median(r[2] for r in rs), statistics.median(r[3] for r in rs), sum(r[4] for r in rs)))
print()
print("libnumbering / htable: %.2fx the rate, %.2fx per Kamailio CPU second (target >= 0.7x)" %
      (rate["libnumbering"] / rate["htable"], per_cpu["libnumbering"] / per_cpu["htable"]))
EOF
