"""Kamailio's app_python3 script: every worker answers an INVITE's Request-URI user
through libnumbering (the Python binding in bindings/python, ctypes over libnumbering.so).

kamailio.cfg calls python_exec("route", "$rU") for each INVITE; route() resolves the
number on the store and returns the status code to answer with (302, 480, 404, 484,
500 or 503), which the configuration reads from $rc and sends with sl_send_reply. For
a 302 it appends the call handler URIs to the destination set in priority order, each
with its q (1.0, 0.9, ... 0.6: the library keeps at most 5), which Kamailio's sl module
writes as the reply's Contact ("<uri1>;q=1, <uri2>;q=0.9, ..."), the way Kamailio
redirects. A reason other than the code's usual one (480 No Call Handler, 503) goes to
$var(reason); the configuration supplies the usual ones.

The decision is examples/pbx-router's: the owning instance and its lifecycle state, or
"not ours".

  owned, ACTIVE, with call handler URIs    302, the handlers as Contacts in order
  owned, ACTIVE, no call handler           480 No Call Handler
  owned, SUSPENDED                         480 Temporarily Unavailable
  owned, PENDING (e.g. a port-in)          404 Not Found
  not ours (no live owner)                 404 Not Found
  not a phone number (INVALID_ARGUMENT)    484 Address Incomplete
  the store cannot be read                 500 Server Internal Error (logged)
  the store cannot be opened               503 Service Unavailable (logged, retried)

Settings, from the environment of the Kamailio process (an operator puts them in
/etc/default/kamailio, which Debian's unit reads; README.md):

  NUMBERING_STORE      the file store's path (default /var/lib/numbering/numbers.store)
  NUMBERING_REGION     region of national numbers, e.g. AU (default: none, +E164 only)
  NUMBERING_READ_ONLY  0 (the default): a plain open, which needs read and write access
                       to the store and its lock file PATH.lock. 1: a read-only open,
                       which needs only read access and follows other processes'
                       commits as closely, through PATH.lock (docs/FILE-FORMAT.md);
                       without a readable PATH.lock it would be a snapshot as of its
                       open, so the worker refuses it (503, logged) instead.
  NUMBERING_SHARED_INDEX  1: with NUMBERING_READ_ONLY=1, read through the store's shared
                       index PATH.idx (docs/FILE-FORMAT.md, "The shared index"), so the
                       workers share their memory instead of each loading the store;
                       the store is provisioned with `numberctl --shared-index` (once
                       made, every writer keeps the index). 0 (the default): each
                       worker loads the store into its own memory.
  NUMBERING_LIBRARY    libnumbering.so to load (the binding's own lookup otherwise)

Each worker process opens the store once, in its own process after Kamailio forked it
(never in the main process: a store handle must not be inherited across fork), and
reuses one numbering_resolution for every INVITE, so the per-call path is one resolve
that allocates nothing in C and a few ctypes calls to read the answer.
"""
import ctypes
import os
import time
from urllib.parse import unquote

import KSR  # provided by app_python3 inside Kamailio

import numbering
from numbering import _lib

OK, INVALID_ARGUMENT, NOT_FOUND = 0, 3, 5
ACTIVE, SUSPENDED, PENDING = 1, 3, 4

# Resolve's C calls, declared here on function objects of our own (lib[name] is a new
# object each time), so the binding's declarations are untouched. The binding's JSON
# call store.resolve() gives the same answer through JSON text; these read it directly
# from the reusable result object.
_lib_c = _lib.lib


def _fn(name, restype, *argtypes):
    fn = _lib_c[name]
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


_resolution_new = _fn("numbering_resolution_new", ctypes.c_int, ctypes.POINTER(ctypes.c_void_p))
_resolve = _fn("numbering_store_resolve", ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p,
               ctypes.c_char_p, ctypes.c_char_p)
_resolution_instance = _fn("numbering_resolution_instance", ctypes.c_void_p, ctypes.c_void_p)
_lifecycle_state = _fn("numbering_instance_lifecycle_state", ctypes.c_int, ctypes.c_void_p)
_handler_count = _fn("numbering_instance_call_handler_count", ctypes.c_int, ctypes.c_void_p)
_handler = _fn("numbering_instance_call_handler", ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int)
_error_message = _fn("numbering_error_message", ctypes.c_char_p)
_status_name = _fn("numbering_status_name", ctypes.c_char_p, ctypes.c_int)

_Q = ("1.0", "0.9", "0.8", "0.7", "0.6")  # the library keeps at most 5 call handlers
_append_branch = KSR.corex.append_branch_uri_q  # corex.so, loaded by kamailio.cfg


def _reason(reason):
    KSR.pv.sets("$var(reason)", reason)


class Router:
    def __init__(self):
        self.path = os.environ.get("NUMBERING_STORE", "/var/lib/numbering/numbers.store")
        region = os.environ.get("NUMBERING_REGION") or None
        self.region = region.encode() if region else None
        self.read_only = os.environ.get("NUMBERING_READ_ONLY", "0") == "1"
        self.shared_index = os.environ.get("NUMBERING_SHARED_INDEX", "0") == "1"
        self.store = None
        self.handle = None
        self.resolution = None
        self.next_try = 0.0

    def child_init(self, rank):
        # Rank 0 and below are Kamailio's main, timer and other non-SIP processes;
        # SIP workers (rank >= 1) open the store now, others never need it.
        if rank >= 1:
            self._open()
        return 0

    def _open(self):
        now = time.monotonic()
        if now < self.next_try:
            return False
        self.next_try = now + 1.0  # one attempt a second while it fails
        if not os.path.exists(self.path):
            # A plain open would create an empty store there, and every INVITE would
            # get 404: a store is provisioned first (numberctl), never made by the router.
            KSR.err("numbering: no store at %s (pid %d): provision it with numberctl first; answering 503\n" %
                    (self.path, os.getpid()))
            return False
        if self.read_only and not os.access(self.path + ".lock", os.R_OK):
            # A read-only open follows the store's changes through its lock file; without
            # it the worker would answer from the store as it is now, for ever.
            KSR.err("numbering: cannot read %s.lock (pid %d): a read-only open would never see new numbers; "
                    "answering 503\n" % (self.path, os.getpid()))
            return False
        try:
            store = numbering.Store(self.path, read_only=self.read_only, shared_index=self.shared_index)
        except numbering.NumberingError as e:
            KSR.err("numbering: cannot open %s (pid %d): %s; answering 503\n" % (self.path, os.getpid(), e))
            return False
        resolution = ctypes.c_void_p()
        if _resolution_new(ctypes.byref(resolution)) != OK:
            store.close()
            KSR.err("numbering: out of memory\n")
            return False
        self.store, self.handle, self.resolution = store, store._handle, resolution
        KSR.info("numbering: worker pid %d opened %s%s\n" %
                 (os.getpid(), self.path, (" read-only" if self.read_only else "") +
                  (" through its shared index" if self.shared_index else "")))
        return True

    def route(self, msg, user=None):
        """python_exec("route", "$rU"): returns the status code to answer with (the
        script's $rc); a 302's handlers go to the destination set, a reason other than
        the code's usual one to $var(reason). Every INVITE pays for what this does, so
        it does little: one resolve, then a few reads of the answer."""
        if self.handle is None and not self._open():
            _reason("Service Unavailable")
            return 503
        if not user:
            return 484
        if "%" in user:
            user = unquote(user)  # a SIP URI's user may be %-escaped: %2B61... is +61...
            if "\0" in user:
                return 484  # C would read "%2B61...%00x" as +61... alone: no number has a NUL
        resolution = self.resolution
        rc = _resolve(resolution, self.handle, None, user.encode(), self.region)
        if rc != OK:
            if rc == NOT_FOUND:
                return 404
            if rc == INVALID_ARGUMENT:
                return 484
            KSR.err("numbering: resolve %r: %s: %s\n" %
                    (user, _status_name(rc).decode(), (_error_message() or b"").decode("utf-8", "replace")))
            return 500
        owner = _resolution_instance(resolution)
        state = _lifecycle_state(owner)
        if state == ACTIVE:
            n = _handler_count(owner)
            if n == 0:
                _reason("No Call Handler")
                return 480
            for i in range(n):
                _append_branch(_handler(owner, i).decode(), _Q[i])
            return 302
        if state == SUSPENDED:
            return 480
        if state == PENDING:
            return 404
        KSR.err("numbering: %r: unexpected lifecycle state %d\n" % (user, state))
        return 500


def mod_init():
    return Router()
