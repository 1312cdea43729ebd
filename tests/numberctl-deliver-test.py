#!/usr/bin/env python3
"""`numberctl deliver` and `numberctl deliveries --dead` against local receivers.

A file store gets callbacks queued by tests/outbox-setup.c (import, callback secret,
rent with an SMS plan and a callbackUrl), and numberctl delivers them to
tests/callback-receiver.py on 127.0.0.1: one receiver with the project's secret, one
with another secret. The store's clock is NUMBERING_FAKE_CLOCK, so backoffs are crossed
by running deliver again at a later time. Checks:
  - every callback arrives signed and the receiver verifies it; one JSON line per attempt;
  - a receiver that refuses the first attempt (500): failed, rescheduled, not due right
    after (backoff), delivered at the retry after the backoff;
  - a receiver with another secret detects it (401): recorded as failed;
  - a project without a secret sends unsigned (401 at the receiver), a closed port is a
    transport error (status 0 and a message);
  - after 10 attempts a delivery is dead: listed by `deliveries --dead`, never claimed again;
  - a policy: the host permission numbering.callbackDeliveries.deliver on "*" is needed;
  - --follow polls until SIGTERM or SIGINT and exits 0;
  - bad usage exits 2.
Prints "N passed, N failed" and exits non-zero on a failure.

usage: numberctl-deliver-test.py NUMBERCTL OUTBOX_SETUP RECEIVER
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

SECRET = 'shared secret for the test'
NS = 1000000000
T0 = 1893456000 * NS  # 2030-01-01T00:00:00Z, past any real rent time of the test


def main():
    numberctl, setup, receiver = sys.argv[1:4]
    # A proxy from the environment must not carry 127.0.0.1 traffic elsewhere.
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ('http_proxy', 'https_proxy', 'all_proxy', 'numbering_store', 'numbering_fake_clock')}
    env['NO_PROXY'] = env['no_proxy'] = '127.0.0.1'
    results = []

    def check(name, ok, detail=''):
        results.append(bool(ok))
        print('%s %s%s' % ('ok  ' if ok else 'FAIL', name, '' if ok else ': ' + str(detail)), flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        servers = []

        def start_receiver(secret, name):
            record = os.path.join(tmp, name + '.jsonl')
            p = subprocess.Popen([sys.executable, receiver, '--secret', secret, '--record', record],
                                 stdout=subprocess.PIPE, text=True, env=env)
            servers.append(p)
            line = p.stdout.readline()
            if not line.startswith('port '):
                raise RuntimeError('the receiver did not start: %r' % line)

            def records():
                if not os.path.exists(record):
                    return []
                with open(record, encoding='utf-8') as f:
                    return [json.loads(l) for l in f if l.strip()]
            return 'http://127.0.0.1:%d' % int(line.split()[1]), records

        try:
            good, good_records = start_receiver(SECRET, 'good')
            wrong, wrong_records = start_receiver('another secret', 'wrong')
            closed = socket.socket()
            closed.bind(('127.0.0.1', 0))
            closed_port = closed.getsockname()[1]
            closed.close()
            store = os.path.join(tmp, 'store.db')
            policy = os.path.join(tmp, 'policy.json')
            with open(policy, 'w', encoding='utf-8') as f:
                json.dump({'bindings': [
                    {'project': '*', 'members': ['user:host'], 'permissions': ['numbering.callbackDeliveries.deliver']},
                    {'project': 'projects/p1', 'members': ['user:alice'], 'roles': ['roles/numbering.admin']}]}, f)

            def queue(project, secret, number, url, at=T0, stored_url=None):
                p = subprocess.run([setup, store, str(at), project, secret, number, url] +
                                   ([stored_url] if stored_url else []), capture_output=True,
                                   text=True, env=env, timeout=30)
                if p.returncode != 0:
                    raise RuntimeError('outbox-setup %s: %s' % (number, p.stderr))

            def numberctl_run(args, at, caller='user:host', stdin=None):
                e = dict(env, NUMBERING_FAKE_CLOCK=str(at))
                p = subprocess.run([numberctl, '--store', 'file:' + store, '--policy', policy, '--as', caller] + args,
                                   capture_output=True, text=True, env=e, timeout=60, input=stdin)
                return p.returncode, p.stdout, p.stderr

            def deliver(at, *extra, caller='user:host'):
                rc, out, err = numberctl_run(['deliver', '--timeout', '5'] + list(extra), at, caller)
                lines = [json.loads(l) for l in out.splitlines() if l.strip()]
                return rc, {l['url'].split('/', 3)[-1]: l for l in lines}, lines, err

            queue('projects/p1', SECRET, '+12085550100', good + '/callback/a')
            queue('projects/p1', '-', '+12085550101', good + '/refuse-once/b')
            queue('projects/p1', '-', '+12085550102', wrong + '/callback/c')
            queue('projects/p1', '-', '+12085550103', 'http://127.0.0.1:%d/callback/d' % closed_port)
            queue('projects/p2', '-', '+12085550104', good + '/callback/e')

            # The permission: a project admin is not the host.
            rc, by_path, lines, err = deliver(T0 + NS, caller='user:alice')
            check('deliver needs the host permission', rc == 1 and not lines and 'PERMISSION_DENIED' in err and
                  'numbering.callbackDeliveries.deliver' in err, (rc, lines, err))
            check('nothing was sent without it', not good_records() and not wrong_records(), good_records())

            # First round: every delivery once.
            rc, by_path, lines, err = deliver(T0 + NS)
            check('first round exits 0', rc == 0, (rc, err))
            check('one line per delivery', len(lines) == 5 and sorted(by_path) == [
                'callback/a', 'callback/c', 'callback/d', 'callback/e', 'refuse-once/b'], lines)
            a, b, c, d, e = (by_path.get(k, {}) for k in (
                'callback/a', 'refuse-once/b', 'callback/c', 'callback/d', 'callback/e'))
            check('a is delivered', a.get('status') == 200 and a.get('delivered') is True and a.get('error') is None
                  and a.get('attempts') == 1 and a.get('dead') is False and a.get('projectId') == 'p1', a)
            check('b is refused once (500)', b.get('status') == 500 and b.get('delivered') is False and
                  b.get('error') == 'HTTP 500' and b.get('attempts') == 1 and b.get('dead') is False, b)
            check('c under another secret is refused (401)', c.get('status') == 401 and
                  c.get('delivered') is False and c.get('error') == 'HTTP 401', c)
            check('d on a closed port is a transport error', d.get('status') == 0 and d.get('delivered') is False
                  and isinstance(d.get('error'), str) and d['error'] and not d['error'].startswith('HTTP'), d)
            check('e of a project without a secret is refused unsigned (401)', e.get('status') == 401 and
                  e.get('projectId') == 'p2', e)
            check('the summary counts them', '5 attempts: 1 delivered, 4 rescheduled, 0 dead' in err, err)
            got = {r['path']: r for r in good_records()}
            check('the good receiver verified a and b', got.get('/callback/a', {}).get('signatureOk') is True and
                  got.get('/refuse-once/b', {}).get('signatureOk') is True and
                  got['/callback/a'].get('contentType') == 'application/json', got)
            check('the unsigned one failed verification', got.get('/callback/e', {}).get('signatureOk') is False, got)
            check('the receiver with another secret detected it',
                  [(r['path'], r['signatureOk'], r['status']) for r in wrong_records()] ==
                  [('/callback/c', False, 401)], wrong_records())
            event_a = got.get('/callback/a', {}).get('eventId')
            check('the line id is the eventId', event_a is not None and a.get('id') == event_a, (event_a, a))

            # Right after: nothing due (backoff 30 s).
            before = len(good_records()) + len(wrong_records())
            rc, by_path, lines, err = deliver(T0 + 2 * NS)
            check('nothing is due during the backoff', rc == 0 and lines == [] and
                  len(good_records()) + len(wrong_records()) == before, (rc, lines))
            check('its summary says so', '0 attempts' in err, err)

            # After the backoff: the retry of b succeeds, the others fail again.
            rc, by_path, lines, err = deliver(T0 + 32 * NS)
            b2 = by_path.get('refuse-once/b', {})
            check('the retry after the backoff delivers b', rc == 0 and b2.get('delivered') is True and
                  b2.get('status') == 200 and b2.get('attempts') == 2 and b2.get('id') == b.get('id'), b2)
            check('a, delivered, is not sent again', 'callback/a' not in by_path and len(lines) == 4, lines)
            check('the receiver verified both attempts of b',
                  [(r['signatureOk'], r['status']) for r in good_records() if r['path'] == '/refuse-once/b'] ==
                  [(True, 500), (True, 200)], good_records())

            # Attempts 3 to 10 of c, d, e, 7 hours apart (past the longest backoff, 6 h): dead.
            at = T0 + 32 * NS
            last = {}
            for attempt in range(3, 11):
                at += 7 * 3600 * NS
                rc, last, lines, err = deliver(at, '--max', '2')
                if rc != 0 or len(lines) != 3:
                    break
            c10 = last.get('callback/c', {})
            check('the tenth failure is dead', rc == 0 and c10.get('attempts') == 10 and c10.get('dead') is True, last)
            check('its summary counts the dead', '3 attempts: 0 delivered, 0 rescheduled, 3 dead' in err, err)
            rc, by_path, lines, err = deliver(at + 7 * 3600 * NS)
            check('a dead delivery is not claimed again', rc == 0 and lines == [], lines)

            rc, out, err = numberctl_run(['deliveries', '--dead'], at)
            dead = [json.loads(l) for l in out.splitlines() if l.strip()]
            check('deliveries --dead lists the three', rc == 0 and sorted(x['url'].split('/', 3)[-1] for x in dead) ==
                  ['callback/c', 'callback/d', 'callback/e'], (rc, out, err))
            dc = [x for x in dead if x['url'].endswith('/callback/c')]
            check('a dead line has its attempts, error, time and body', len(dc) == 1 and dc[0]['attempts'] == 10 and
                  dc[0]['lastError'] == 'HTTP 401' and dc[0]['createTime'].startswith('2030-01-01T00:00:00') and
                  json.loads(dc[0]['body']).get('resourceId') == '+12085550102' and dc[0]['id'] == c.get('id'), dc)
            rc, out, err = numberctl_run(['deliveries', '--dead', '--max', '1'], at)
            check('--max bounds the listing', rc == 0 and len(out.splitlines()) == 1, out)
            rc, out, err = numberctl_run(['deliveries', '--dead'], at, caller='user:alice')
            check('the listing needs the host permission', rc == 1 and 'PERMISSION_DENIED' in out, (rc, out))

            # --follow: polls, and stops on a signal with status 0.
            for sig, name in ((signal.SIGTERM, 'SIGTERM'), (signal.SIGINT, 'SIGINT')):
                p = subprocess.Popen([numberctl, '--store', 'file:' + store, '--policy', policy, '--as', 'user:host',
                                      'deliver', '--follow', '--interval', '0.1'], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=dict(env, NUMBERING_FAKE_CLOCK=str(at)))
                time.sleep(0.5)
                alive = p.poll() is None
                p.send_signal(sig)
                try:
                    out, err = p.communicate(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    out, err = p.communicate()
                check('--follow keeps polling, and exits 0 on ' + name, alive and p.returncode == 0 and
                      'stopped by ' + name in err, (alive, p.returncode, err))

            # A signal during a round: the POST in flight is finished and reported, the rest
            # of the round stays leased and is due when the lease ends (300 s).
            at += 8 * 3600 * NS
            queue('projects/p1', '-', '+12085550105', good + '/slow/1', at)
            queue('projects/p1', '-', '+12085550106', good + '/slow/1', at)
            p = subprocess.Popen([numberctl, '--store', 'file:' + store, '--policy', policy, '--as', 'user:host',
                                  'deliver'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=dict(env, NUMBERING_FAKE_CLOCK=str(at + NS)))
            time.sleep(0.5)
            p.send_signal(signal.SIGTERM)
            try:
                out, err = p.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
            lines = [json.loads(l) for l in out.splitlines() if l.strip()]
            check('a signal finishes the delivery in flight', p.returncode == 0 and len(lines) == 1 and
                  lines[0]['delivered'] is True and 'stopped by SIGTERM' in err and
                  '1 claimed and not sent' in err, (p.returncode, lines, err))
            rc, by_path, lines, err = deliver(at + 2 * NS)
            check('the rest is leased', rc == 0 and lines == [], lines)
            rc, by_path, lines, err = deliver(at + 302 * NS)
            check('and due when the lease ends', rc == 0 and len(lines) == 1 and lines[0]['delivered'] is True and
                  lines[0]['attempts'] == 2, lines)

            # Every attempt ends inside its lease, so no other deliverer claims and sends it
            # meanwhile: with --timeout 120 a round claims two (240 s of the 300 s lease;
            # the rest is for the report), not the whole --max.
            at += 400 * NS
            for number in ('+12085550107', '+12085550108', '+12085550109'):
                queue('projects/p1', '-', number, good + '/slow/1', at)
            p = subprocess.Popen([numberctl, '--store', 'file:' + store, '--policy', policy, '--as', 'user:host',
                                  'deliver', '--timeout', '120'], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, env=dict(env, NUMBERING_FAKE_CLOCK=str(at + NS)))
            time.sleep(0.5)
            p.send_signal(signal.SIGTERM)
            try:
                out, err = p.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
            lines = [json.loads(l) for l in out.splitlines() if l.strip()]
            check('a round claims only what its lease can cover', p.returncode == 0 and len(lines) == 1 and
                  '1 claimed and not sent' in err, (p.returncode, lines, err))
            rc, by_path, lines, err = deliver(at + 2 * NS)
            check('the unclaimed one is due at once', rc == 0 and len(lines) == 1 and lines[0]['attempts'] == 1,
                  lines)
            rc, by_path, lines, err = deliver(at + 302 * NS)
            check('the claimed one when its lease ends', rc == 0 and len(lines) == 1 and lines[0]['attempts'] == 2,
                  lines)

            # The longest --timeout still sends: the first delivery of a round goes whatever
            # the claim took (a round that sent nothing would only burn attempts).
            at += 400 * NS
            queue('projects/p1', SECRET, '+12085550110', good + '/callback/longest', at)
            rc, out, err = numberctl_run(['deliver', '--timeout', '240'], at + NS)
            lines = [json.loads(l) for l in out.splitlines() if l.strip()]
            check('--timeout 240 delivers', rc == 0 and len(lines) == 1 and lines[0]['delivered'] is True and
                  lines[0]['attempts'] == 1, (rc, lines, err))

            # A URL stored with a credential before they were refused (docs/CALLBACKS.md): the
            # claim hands it whole, so it is still delivered there; the line shows "***".
            at += 400 * NS
            queue('projects/p1', SECRET, '+12085550111', good + '/12345/cred', at,
                  stored_url=good.replace('http://', 'http://us:pw@') + '/cred')
            rc, out, err = numberctl_run(['deliver'], at + NS)
            lines = [json.loads(l) for l in out.splitlines() if l.strip()]
            check('a URL with a credential is delivered', rc == 0 and len(lines) == 1 and
                  lines[0]['delivered'] is True and [r['path'] for r in good_records()][-1:] == ['/cred'],
                  (rc, lines, err))
            check('its line shows the credential as ***', len(lines) == 1 and
                  lines[0]['url'] == good.replace('http://', 'http://***@') + '/cred' and 'us:pw' not in out, out)

            for args in (['deliver', '--max', '0'], ['deliver', '--max', '1001'], ['deliver', '--interval', 'x'],
                         ['deliver', '--timeout', '0'], ['deliver', '--timeout', '1.0005'],
                         ['deliver', '--timeout', '241'], ['deliver', 'extra'],
                         ['deliveries'], ['deliveries', '--dead', '--max', 'x']):
                rc, out, err = numberctl_run(args, at)
                # One line on stderr naming the command's help, never the help itself.
                check('usage error: %s' % ' '.join(args), rc == 2 and out == '' and err.count('\n') == 1 and
                      err.endswith("(see 'numberctl help %s')\n" % args[0]), (rc, out, err))
        except RuntimeError as error:
            check('setup', False, error)
        finally:
            for p in servers:
                p.terminate()
                p.wait(timeout=10)
    failed = results.count(False)
    print('%d passed, %d failed' % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
