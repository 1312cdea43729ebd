#!/usr/bin/env python3
"""Sends real SIP INVITEs over UDP to a running Kamailio (examples/kamailio) and checks
each answer: status code, reason and the Contacts' order and q. tools/kamailio-test.sh
provisions the store (examples/pbx-router/inventory.jsonl plus ACTIVE-without-handler),
starts Kamailio and stops it; this script only talks SIP and runs numberctl.

usage: check-kamailio.py --port P --store PATH --numberctl EXE [--workers N] [--live]

--live: then changes the store with numberctl while Kamailio runs (create, suspend,
resume, split, update, delete, activate) and checks that the very next INVITEs follow
each change, with no restart and no wait: after each change, INVITEs one at a time, 2 ms
apart, until every one of the --workers worker processes has answered (Kamailio started
with -A WITH_WORKER_HEADER names it in X-Worker), each answer checked.
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sip  # noqa: E402

SALES = [("sip:sales-queue@pbx.acme.example", "1.0"), ("sip:sales-overflow@pbx.acme.example", "0.9"),
         ("https://acme.example/ivr", "0.8")]
RECEPTION = [("sip:reception@pbx.acme.example", "1.0"), ("tel:+61299990000", "0.9")]

# (Request-URI user, code, contacts): the inventory of examples/pbx-router, over SIP.
STATIC = [
    ("+61255501000", 302, RECEPTION),                       # a single number, 2 handlers in order
    ("+61255501100", 302, SALES),                           # first of a range of 100
    ("+61255501142", 302, SALES),                           # inside the range
    ("+61255501199", 302, SALES),                           # its last number
    ("0255501142", 302, SALES),                             # national (NUMBERING_REGION=AU)
    ("+12025550134", 302, [("sips:main@sip.globex.example", "1.0")]),
    ("+61255501200", 480, []),                              # SUSPENDED range
    ("+61255501249", 480, []),
    ("0255501230", 480, []),
    ("+61255503000", 480, []),                              # ACTIVE without a call handler
    ("+12025550199", 404, []),                              # PENDING port-in
    ("+12025550100", 404, []),                              # deleted: no live owner
    ("+61255501250", 404, []),                              # just past the suspended range
    ("0255509999", 404, []),                                # a valid number nobody owns
    ("+442079460000", 404, []),
    ("%2B61255501000", 302, RECEPTION),                     # %-escaped, as RFC 3261 allows
    ("alice", 484, []),                                     # not a phone number
    ("1800FLOWERS", 484, []),
    ("+1", 484, []),
    ("+6125550\udcff", 484, []),                            # a byte that is not UTF-8 (0xff)
    ("%2B6125550%FF", 484, []),                             # the same, %-escaped
    ("%2B61255501000%00x", 484, []),                        # a NUL after a number it owns
    ("%2B61255501000%00", 484, []),
]

failures = 0


# A live check's traffic: one INVITE at a time, each PAUSE after the previous answer.
# Kamailio's workers wait in recvfrom() on one UDP socket and the kernel wakes the one
# that has waited longest for each datagram, but a worker still running (it has just
# sent its answer) takes a datagram already queued itself, and the woken one goes back
# to the end of the line: INVITEs sent back to back once reached only 3 of the 4 workers
# in 40, and bursts of 8 in flight at once did worse (148 of 2,600 checks missed one in
# 80). After the pause the worker that answered is waiting again, so 4 INVITEs reach the
# 4 workers in turn. At most PER_WORKER INVITEs per worker, none sent after SECONDS.
PAUSE, PER_WORKER, SECONDS = 0.002, 100, 2.0


def check(client, user, code, contacts, what="", workers=0):
    """One INVITE; with @workers, INVITEs until that many distinct worker processes
    (X-Worker) have answered, every answer checked."""
    global failures
    want_contacts = [(uri, float(q)) for uri, q in contacts]
    want = "%d %s" % (code, want_contacts)
    label = what + ": " if what else ""
    seen, sent = set(), 0
    start = time.monotonic()
    while True:
        answer = client.invite(user)
        sent += 1
        got_contacts = [] if answer is None else [(uri, float(q) if q else None) for uri, q in answer.contacts]
        got = "timeout" if answer is None else "%d %s" % (answer.code, got_contacts)
        if answer is None or answer.code != code or got_contacts != want_contacts:
            failures += 1
            print("FAIL %s%s: want %s, got %s%s" % (label, user, want, got,
                                                    " (worker %s)" % answer.worker if answer else ""))
            if answer is not None:
                print("  " + answer.text.replace("\r\n", "\n  "))
            return
        if workers and answer.worker is None:
            failures += 1
            print("FAIL %s%s: the answer names no worker (X-Worker)" % (label, user))
            return
        seen.add(answer.worker)
        if len(seen) >= workers or sent >= PER_WORKER * workers or time.monotonic() - start >= SECONDS:
            break
        time.sleep(PAUSE)
    if workers and len(seen) < workers:
        failures += 1
        print("FAIL %s%s: %d INVITEs in %.1f s reached %d of the %d workers (%s)" %
              (label, user, sent, time.monotonic() - start, len(seen), workers, ", ".join(sorted(map(str, seen)))))
        return
    print("ok   %s%s -> %s %s" % (label, user, answer.code, answer.reason) +
          ("" if not contacts else " " + ", ".join(u for u, _ in contacts)) +
          ("" if not workers else " (all %d workers, %d INVITEs)" % (workers, sent)))


def numberctl(args, method, request):
    r = subprocess.run([args.numberctl, "--store", "file:" + args.store, "call", method, json.dumps(request)],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise SystemExit("numberctl %s failed (%d): %s%s" % (method, r.returncode, r.stdout, r.stderr))
    return json.loads(r.stdout)


def live(args, client):
    """Each provisioning step, then at once INVITEs until every worker has answered
    one: all must see the step."""
    t = args.workers
    acme = "projects/acme/phoneNumberInstances/"
    check(client, "+61255502000", 404, [], "before create", t)
    numberctl(args, "CreatePhoneNumberInstance", {
        "parent": "projects/acme", "phoneNumberInstanceId": "new",
        "phoneNumberInstance": {"phoneNumber": {"phoneNumber": "+61255502000"},
                                "incomingCallHandlerUris": ["sip:new-a@pbx.acme.example", "sip:new-b@pbx.acme.example"]}})
    check(client, "+61255502000", 302, [("sip:new-a@pbx.acme.example", "1.0"), ("sip:new-b@pbx.acme.example", "0.9")],
          "created", t)
    numberctl(args, "SuspendPhoneNumberInstance", {"name": acme + "new"})
    check(client, "+61255502000", 480, [], "suspended", t)
    numberctl(args, "ResumePhoneNumberInstance", {"name": acme + "new"})
    check(client, "+61255502000", 302, [("sip:new-a@pbx.acme.example", "1.0"), ("sip:new-b@pbx.acme.example", "0.9")],
          "resumed", t)

    split = numberctl(args, "SplitRange", {"phoneNumberInstance": acme + "sales", "size": 50})
    second = split["second"]["name"]
    check(client, "+61255501120", 302, SALES, "split, first half", t)
    check(client, "+61255501170", 302, SALES, "split, second half", t)
    numberctl(args, "UpdatePhoneNumberInstance", {
        "name": second, "updateMask": "incomingCallHandlerUris",
        "phoneNumberInstance": {"incomingCallHandlerUris": ["sip:sales-night@pbx.acme.example"]}})
    check(client, "+61255501170", 302, [("sip:sales-night@pbx.acme.example", "1.0")], "second half rerouted", t)
    check(client, "+61255501120", 302, SALES, "first half unchanged", t)
    numberctl(args, "SuspendPhoneNumberInstance", {"name": second})
    check(client, "+61255501170", 480, [], "second half suspended", t)
    check(client, "+61255501149", 302, SALES, "first half still routed", t)

    numberctl(args, "DeletePhoneNumberInstance", {"name": acme + "reception"})
    check(client, "+61255501000", 404, [], "deleted", t)
    numberctl(args, "CreatePhoneNumberInstance", {
        "parent": "projects/globex", "phoneNumberInstanceId": "reuse",
        "phoneNumberInstance": {"phoneNumber": {"phoneNumber": "+61255501000"}, "lifecycleState": "PENDING",
                                "incomingCallHandlerUris": ["sip:reuse@sip.globex.example"]}})
    check(client, "+61255501000", 404, [], "re-created PENDING by another project", t)
    numberctl(args, "ActivatePhoneNumberInstance", {"name": "projects/globex/phoneNumberInstances/reuse"})
    check(client, "+61255501000", 302, [("sip:reuse@sip.globex.example", "1.0")], "activated", t)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--store", required=True)
    p.add_argument("--numberctl", required=True)
    p.add_argument("--workers", type=int, default=4, help="Kamailio's workers (answers carry X-Worker)")
    p.add_argument("--live", action="store_true", help="then the live provisioning checks")
    args = p.parse_args()
    client = sip.Client("127.0.0.1", args.port)
    start = time.monotonic()
    for user, code, contacts in STATIC:
        check(client, user, code, contacts)
    if args.live:
        live(args, client)
    client.close()
    print("%s: %d failure%s (%.1f s)" % ("FAILED" if failures else "passed", failures, "" if failures == 1 else "s",
                                         time.monotonic() - start))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
