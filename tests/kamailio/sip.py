"""A small SIP UAC over UDP for the Kamailio test: sends an INVITE and reads the final
answer (status code, reason, Contact URIs in order with their q). Python's standard
library only; RFC 3261's text format, one request per transaction, retransmitted on
timer A's schedule (0.5 s, 1 s, ...) until an answer or the deadline."""
import os
import random
import re
import socket
import time


class Answer:
    def __init__(self, code, reason, contacts, text, worker=None):
        self.code = code
        self.reason = reason
        self.contacts = contacts  # [(uri, q)] in the order the header lists them
        self.text = text
        self.worker = worker  # X-Worker, when the server names the process that answered

    def __repr__(self):
        return "%d %s %s" % (self.code, self.reason, self.contacts)


def split_contacts(value):
    """'<a>;q=1.0, <b>;q=0.9' -> [('a', '1.0'), ('b', '0.9')]; commas inside <> kept."""
    out, depth, part = [], 0, ""
    for ch in value + ",":
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        if ch == "," and depth == 0:
            part = part.strip()
            if part:
                m = re.match(r"^<([^>]*)>(.*)$", part)
                uri, params = (m.group(1), m.group(2)) if m else (part.split(";")[0], ";" + ";".join(part.split(";")[1:]))
                q = re.search(r";\s*q=([0-9.]+)", params)
                out.append((uri, q.group(1) if q else None))
            part = ""
        else:
            part += ch
    return out


def parse(text):
    head = text.split("\r\n\r\n", 1)[0]
    lines = head.split("\r\n")
    m = re.match(r"^SIP/2\.0 (\d{3}) ?(.*)$", lines[0])
    if not m:
        raise ValueError("not a SIP response: %r" % lines[0])
    contacts, call_id, worker = [], None, None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name in ("contact", "m"):
            contacts.extend(split_contacts(value.strip()))
        elif name in ("call-id", "i"):
            call_id = value.strip()
        elif name == "x-worker":
            worker = value.strip()
    return int(m.group(1)), m.group(2), contacts, call_id, worker


class Client:
    def __init__(self, host, port):
        self.addr = (host, port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.local = self.sock.getsockname()
        self.tag = "%08x" % random.getrandbits(32)
        self.seq = 0

    def close(self):
        self.sock.close()

    def invite(self, user, deadline=3.0):
        """Sends INVITE sip:USER@host and returns the final Answer (None on timeout)."""
        self.seq += 1
        branch = "z9hG4bK-%d-%d-%x" % (os.getpid(), self.seq, random.getrandbits(32))
        call_id = "test-%d-%d-%x@127.0.0.1" % (os.getpid(), self.seq, random.getrandbits(32))
        host = "%s:%d" % self.addr
        lhost = "%s:%d" % self.local
        body = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                "m=audio 40000 RTP/AVP 0\r\n")
        request = ("INVITE sip:%s@%s SIP/2.0\r\n"
                   "Via: SIP/2.0/UDP %s;branch=%s;rport\r\n"
                   "Max-Forwards: 70\r\n"
                   "From: <sip:test@127.0.0.1>;tag=%s\r\n"
                   "To: <sip:%s@%s>\r\n"
                   "Call-ID: %s\r\n"
                   "CSeq: %d INVITE\r\n"
                   "Contact: <sip:test@%s>\r\n"
                   "Content-Type: application/sdp\r\n"
                   "Content-Length: %d\r\n\r\n%s") % (user, host, lhost, branch, self.tag, user, host, call_id,
                                                      self.seq, lhost, len(body), body)
        data = request.encode("utf-8", "surrogateescape")
        end = time.monotonic() + deadline
        interval = 0.5
        while True:
            self.sock.sendto(data, self.addr)
            wait_until = min(end, time.monotonic() + interval)
            while True:
                left = wait_until - time.monotonic()
                if left <= 0:
                    break
                self.sock.settimeout(left)
                try:
                    raw, _ = self.sock.recvfrom(65535)
                except socket.timeout:
                    break
                text = raw.decode("utf-8", "replace")
                try:
                    code, reason, contacts, cid, worker = parse(text)
                except ValueError:
                    continue
                if cid != call_id or code < 200:
                    continue  # another transaction's late answer, or provisional
                return Answer(code, reason, contacts, text, worker)
            if time.monotonic() >= end:
                return None
            interval *= 2
