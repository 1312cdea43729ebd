#!/usr/bin/env python3
"""Delivers signed callbacks over HTTP to a local receiver and checks both ends.

Runs tests/callback-receiver.py on 127.0.0.1 (a port the OS chooses) and the delivery
test program (tests/callback-deliver.c, over examples/numberctl/deliver-http.c)
against it:
  - a good delivery gets 200, and the receiver found its signature valid;
  - a delivery the receiver refuses gets 500;
  - a tampered signature, or none, is detected by the receiver (401);
  - a signature under another secret is detected too;
  - a URL whose scheme is not http or https is refused by the sender, nothing sent;
  - a redirect is not followed: the 307 comes back, one request reached the receiver;
  - a receiver slower than the timeout is a transport error, as is a closed port.
Prints "N passed, N failed" and exits non-zero on a failure.

usage: callback-delivery-test.py RECEIVER DELIVER_PROGRAM
"""
import json
import os
import socket
import subprocess
import sys
import tempfile

SECRET = 'shared secret for the test'


def main():
    receiver, deliver = sys.argv[1], sys.argv[2]
    # A proxy from the environment must not carry 127.0.0.1 traffic elsewhere.
    env = {k: v for k, v in os.environ.items() if k.lower() not in ('http_proxy', 'https_proxy', 'all_proxy')}
    env['NO_PROXY'] = env['no_proxy'] = '127.0.0.1'
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        record = os.path.join(tmp, 'record.jsonl')
        server = subprocess.Popen([sys.executable, receiver, '--secret', SECRET, '--record', record,
                                   '--refuse', 'refuse-me'], stdout=subprocess.PIPE, text=True, env=env)
        try:
            line = server.stdout.readline()
            if not line.startswith('port '):
                print('the receiver did not start: %r' % line)
                return 1
            base = 'http://127.0.0.1:%d' % int(line.split()[1])

            def records():
                if not os.path.exists(record):
                    return []
                with open(record, encoding='utf-8') as f:
                    return [json.loads(l) for l in f if l.strip()]

            def run(*args, secret=SECRET):
                before = len(records())
                p = subprocess.run([deliver] + list(args[:-2]) + [args[-2], secret, args[-1]],
                                   capture_output=True, text=True, env=env, timeout=60)
                return p.returncode, p.stdout.strip(), records()[before:]

            def check(name, ok, detail):
                results.append(ok)
                print('%s %s%s' % ('ok  ' if ok else 'FAIL', name, '' if ok else ': ' + detail))

            rc, out, got = run(base + '/callback', 'good-1')
            check('good delivery gets 200', rc == 0 and out == 'http 200', out)
            check('the receiver verified it', len(got) == 1 and got[0]['signatureOk'] and
                  got[0]['eventId'] == 'good-1' and got[0]['contentType'] == 'application/json', repr(got))

            rc, out, got = run(base + '/callback', 'refuse-me')
            check('refused delivery gets 500', rc == 0 and out == 'http 500', out)
            check('the refused one arrived signed', len(got) == 1 and got[0]['signatureOk'], repr(got))

            rc, out, got = run('--tamper', base + '/callback', 'tampered')
            check('tampered signature gets 401', rc == 0 and out == 'http 401', out)
            check('the receiver detected it', len(got) == 1 and not got[0]['signatureOk'], repr(got))

            rc, out, got = run(base + '/callback', 'other-secret', secret='another secret')
            check('signature under another secret gets 401', rc == 0 and out == 'http 401', out)
            check('the receiver detected it', len(got) == 1 and not got[0]['signatureOk'], repr(got))

            rc, out, got = run('--unsigned', base + '/callback', 'unsigned')
            check('unsigned delivery gets 401', rc == 0 and out == 'http 401', out)

            for url in ('ftp://127.0.0.1:%s/callback' % base.rsplit(':', 1)[1], 'file:///etc/passwd',
                        'gopher://127.0.0.1/', '127.0.0.1/callback', 'HTTP:/x', ''):
                rc, out, got = run(url, 'bad-scheme')
                check('sender refuses URL %r' % url, rc == 2 and out.startswith('bad-request: ') and not got,
                      '%d %s %r' % (rc, out, got))
            rc, out, got = run('Http://127.0.0.1:%s/callback' % base.rsplit(':', 1)[1], 'upper-scheme')
            check('a scheme in another case is still http', rc == 0 and out == 'http 200', out)
            rc, out, got = run('http://127.0.0.1:99999/callback', 'bad-port')
            check('sender refuses a bad port', rc == 2 and out.startswith('bad-request: '), out)

            rc, out, got = run(base + '/redirect', 'redirected')
            check('redirect is not followed', rc == 0 and out == 'http 307' and len(got) == 1, '%s %r' % (out, got))

            rc, out, got = run('--timeout-ms', '300', base + '/slow/2', 'slow')
            check('a slow receiver times out', rc == 3 and out.startswith('transport: ') and 'imeout' in out, out)

            closed = socket.socket()
            closed.bind(('127.0.0.1', 0))
            port = closed.getsockname()[1]
            closed.close()
            rc, out, got = run('http://127.0.0.1:%d/callback' % port, 'closed')
            check('a closed port is a transport error', rc == 3 and out.startswith('transport: '), out)
        finally:
            server.terminate()
            server.wait(timeout=10)
    failed = results.count(False)
    print('%d passed, %d failed' % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
