#!/usr/bin/env python3
"""A callback receiver for the delivery tests: a local HTTP server on 127.0.0.1.

It checks the X-Sinch-Signature of every POST as a receiving host does (HMAC-SHA1 of
the raw body under the shared secret, 40 lowercase hex digits, compared in constant
time, before the body is parsed) and answers:
  401  the signature is missing, malformed or does not match
  415  the Content-Type is not application/json
  500  the body's eventId is one the test asked it to refuse (--refuse EVENT_ID)
  500  the first signed request to a path starting with /refuse-once/ (a retry test:
       later requests to that path go on as the others)
  307  for the path /redirect (Location: /callback), to show no redirect is followed
  200  after sleeping SECONDS for the path /slow/SECONDS (a timeout test)
  200  otherwise
and records each request as one JSON line in --record FILE: path, signatureOk,
contentType, eventId, status.

It binds port 0 (the OS chooses), prints "port N" on stdout, and serves until killed.

usage: callback-receiver.py --secret SECRET --record FILE [--refuse EVENT_ID]...
"""
import argparse
import hashlib
import hmac
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SIGNATURE = re.compile(r'^[0-9a-f]{40}$')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--secret', required=True)
    parser.add_argument('--record', required=True)
    parser.add_argument('--refuse', action='append', default=[])
    args = parser.parse_args()
    secret = args.secret.encode('utf-8')
    lock = threading.Lock()
    refused_once = set()

    def first_refusal(path):  # True once per /refuse-once/ path
        with lock:
            first = path.startswith('/refuse-once/') and path not in refused_once
            refused_once.add(path)
            return first

    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def log_message(self, format, *values):  # quiet: the record file is the log
            pass

        def answer(self, status, headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header('Content-Length', '0')
            self.end_headers()

        def do_POST(self):
            length = int(self.headers.get('Content-Length', '0'))
            body = self.rfile.read(length)
            given = self.headers.get('X-Sinch-Signature')
            expected = hmac.new(secret, body, hashlib.sha1).hexdigest()
            ok = given is not None and SIGNATURE.match(given) is not None and hmac.compare_digest(given, expected)
            content_type = self.headers.get('Content-Type')
            event_id = None
            if ok:
                try:
                    event_id = json.loads(body).get('eventId')
                except ValueError:
                    event_id = None
            if self.path == '/redirect':
                status = 307
            elif not ok:
                status = 401
            elif content_type != 'application/json':
                status = 415
            elif event_id in args.refuse:
                status = 500
            elif first_refusal(self.path):
                status = 500
            else:
                status = 200
                if self.path.startswith('/slow/'):
                    time.sleep(float(self.path[len('/slow/'):]))
            record = {'path': self.path, 'signatureOk': ok, 'contentType': content_type, 'eventId': event_id,
                      'status': status}
            with lock, open(args.record, 'a', encoding='utf-8') as f:
                f.write(json.dumps(record) + '\n')
            try:
                self.answer(status, [('Location', '/callback')] if status == 307 else [])
            except (BrokenPipeError, ConnectionResetError):  # the sender gave up (timeout)
                pass

    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    server.daemon_threads = True
    print('port %d' % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == '__main__':
    sys.exit(main())
