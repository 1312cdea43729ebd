#!/usr/bin/env python3
"""Runs a docs page's examples and compares them with the page.

A page marks its runnable examples with fenced-block info strings:

  ```jsonl doc-session        the requests, one numberctl batch line each, in order
  ```json doc-policy          the policy the session runs under (optional)
  ```json doc-example N request    a request shown on the page: session line N's request
  ```json doc-example N response   the response message line N gets
  ```json doc-example N error      the JSON error body line N gets

The session runs once through `numberctl --store memory: [--policy P] --as user:alice
batch` with NUMBERING_FAKE_CLOCK=1767225600000000000 (2026-01-01T00:00:00Z). Generated
ids (16 characters of [a-z2-7] after "phoneNumberInstances/" or "phoneNumberPurchases/",
and a purchase's "id") and page tokens are
random, so both sides have them replaced by placeholders before comparing; everything
else must be equal as JSON. Every session line must be shown by one request block.

usage: check-doc-examples.py NUMBERCTL PAGE.md...
"""
import json
import os
import re
import subprocess
import sys
import tempfile

FENCE = re.compile(r'^```(\S+)\s+(doc-\S+)(.*)$')
GENERATED = re.compile(r'(phoneNumberInstances/|phoneNumberPurchases/)[a-z][a-z2-7]{15}\b')
PURCHASE_ID = re.compile(r'^[a-z][a-z2-7]{15}$')
FAKE_CLOCK = '1767225600000000000'


def placeholders(value):
    """The value with generated ids and page tokens replaced, recursively."""
    if isinstance(value, dict):
        return {k: ('TOKEN' if k == 'nextPageToken' else
                    'GENERATED' if k == 'id' and isinstance(v, str) and PURCHASE_ID.match(v) else placeholders(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [placeholders(v) for v in value]
    if isinstance(value, str):
        return GENERATED.sub(r'\1GENERATED', value)
    return value


def blocks(path):
    """(kind, args, text, line number) of every marked block of the page."""
    lines = open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m:
            end = i + 1
            while lines[end] != '```':
                end += 1
            yield m.group(2), m.group(3).split(), '\n'.join(lines[i + 1:end]), i + 1
            i = end
        i += 1


def check(numberctl, page):
    failures = []
    session, policy, examples = None, None, []
    for kind, args, text, line in blocks(page):
        if kind == 'doc-session':
            session = [l for l in text.split('\n') if l.strip()]
        elif kind == 'doc-policy':
            policy = text
        elif kind == 'doc-example':
            examples.append((int(args[0]), args[1], text, line))
        else:
            failures.append('%s:%d: unknown marker %s' % (page, line, kind))
    if session is None:
        return ['%s: no doc-session block' % page]
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [numberctl, '--store', 'memory:', '--as', 'user:alice']
        if policy is not None:
            with open(os.path.join(tmp, 'policy.json'), 'w', encoding='utf-8') as f:
                f.write(policy)
            cmd += ['--policy', os.path.join(tmp, 'policy.json')]
        env = dict(os.environ, NUMBERING_FAKE_CLOCK=FAKE_CLOCK)
        env.pop('NUMBERING_STORE', None)
        run = subprocess.run(cmd + ['batch'], input='\n'.join(session) + '\n', capture_output=True, text=True,
                             env=env, check=False)
    answers = run.stdout.split('\n')[:-1]
    if len(answers) != len(session):
        return ['%s: the session has %d lines but numberctl answered %d (exit %d): %s' %
                (page, len(session), len(answers), run.returncode, run.stderr)]
    shown = set()
    for n, what, text, line in examples:
        where = '%s:%d (session line %d, %s)' % (page, line, n, what)
        if not 1 <= n <= len(session):
            failures.append('%s: no such session line' % where)
            continue
        try:
            doc = json.loads(text)
        except ValueError as e:
            failures.append('%s: not JSON: %s' % (where, e))
            continue
        request = json.loads(session[n - 1])
        answer = json.loads(answers[n - 1])
        if what == 'request':
            shown.add(n)
            if doc != request['request']:
                failures.append('%s: the request shown is not the session\'s:\n  page:    %s\n  session: %s' %
                                (where, json.dumps(doc, sort_keys=True), json.dumps(request['request'], sort_keys=True)))
            continue
        got = answer.get('response') if what == 'response' else answer
        if what == 'response' and 'response' not in answer:
            failures.append('%s: the page shows a response, numberctl answered %s' % (where, answers[n - 1]))
        elif what == 'error' and 'error' not in answer:
            failures.append('%s: the page shows an error, numberctl answered %s' % (where, answers[n - 1]))
        elif placeholders(doc) != placeholders(got):
            failures.append('%s: the page differs from the output:\n  page:   %s\n  output: %s' %
                            (where, json.dumps(placeholders(doc), sort_keys=True),
                             json.dumps(placeholders(got), sort_keys=True)))
    for n in range(1, len(session) + 1):
        if n not in shown:
            failures.append('%s: session line %d is shown by no doc-example request block' % (page, n))
    return failures


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    failures = []
    for page in sys.argv[2:]:
        failures += check(sys.argv[1], page)
    for f in failures:
        print('FAIL ' + f)
    print('doc examples: %d pages, %d failures' % (len(sys.argv) - 2, len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
