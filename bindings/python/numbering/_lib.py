"""Loads libnumbering with ctypes and declares the C functions the binding calls.

The library is found the way ctypes users expect, in order:
  1. the path in the NUMBERING_LIBRARY environment variable, when set (the meson tests
     set it to the build's libnumbering.so); nothing else is tried then;
  2. the installed soname "libnumbering.so.0" (the ABI this binding is written for),
     which the dynamic loader finds through LD_LIBRARY_PATH, ld.so.cache (the Debian
     package libnumbering0, or `meson install` then ldconfig) and its default dirs;
  3. ctypes.util.find_library("numbering") (another platform's naming, or a library the
     loader's cache does not hold yet).
When none loads, importing numbering raises ImportError naming what was tried.
"""
import ctypes
import ctypes.util
import math
import os
from typing import Any, Optional, Tuple, Union

from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_int, c_int64, c_uint,
                    c_void_p)

SONAME = "libnumbering.so.0"


def _load() -> Tuple[ctypes.CDLL, str]:
    explicit = os.environ.get("NUMBERING_LIBRARY")
    if explicit:
        try:
            return ctypes.CDLL(explicit), explicit
        except OSError as e:
            raise ImportError("cannot load libnumbering (%s); set NUMBERING_LIBRARY to the path of libnumbering.so"
                              % e) from e
    tried = []
    candidates = [SONAME]
    found = ctypes.util.find_library("numbering")
    if found and found != SONAME:
        candidates.append(found)
    for candidate in candidates:
        try:
            return ctypes.CDLL(candidate), candidate
        except OSError as e:
            tried.append(str(e))
    raise ImportError("cannot load libnumbering (%s; ctypes.util.find_library(\"numbering\") found %s): install "
                      "the shared library (Debian: libnumbering0), or set NUMBERING_LIBRARY to the path of "
                      "libnumbering.so" % ("; ".join(tried), found or "nothing"))


lib, path = _load()

# include/numbering/store.h callbacks; each takes a trailing void *payload.
AUTHORIZER = CFUNCTYPE(c_int, c_char_p, c_char_p, c_char_p, c_void_p)
CLOCK = CFUNCTYPE(c_int64, c_void_p)
EVENT_SINK = CFUNCTYPE(None, c_char_p, c_void_p)

OPTIONS_VERSION = 3


class Options(Structure):
    """numbering_options, version 3 (fields are only ever appended)."""
    _fields_ = [
        ("version", c_uint),
        ("backend", c_void_p),
        ("clock", CLOCK),
        ("clock_payload", c_void_p),
        ("authorizer", AUTHORIZER),
        ("authorizer_payload", c_void_p),
        ("event_sink", EVENT_SINK),
        ("event_payload", c_void_p),
        ("default_region", c_char_p),
        ("regulatory_requirements", c_char_p),
        # Version 2.
        ("max_instances", c_int64),
        # Version 3.
        ("provisioning", c_int),
    ]

# numbering_options.provisioning (include/numbering/store.h).
PROVISIONING = {"immediate": 0, "manual": 1}


FILE_OPTIONS_VERSION = 5
FILE_DIAGNOSTIC = CFUNCTYPE(None, c_char_p, c_void_p)


class FileOptions(Structure):
    """numbering_file_options, version 5 (fields are only ever appended)."""
    _fields_ = [
        ("version", c_uint),
        ("sync_mode", c_int),
        ("sync_window_us", c_int),
        ("must_exist", c_int),
        ("compact_min_bytes", c_int64),
        ("diagnostic", FILE_DIAGNOSTIC),
        ("diagnostic_payload", c_void_p),
        # Version 2.
        ("read_only", c_int),
        # Version 3.
        ("busy_timeout_ms", c_int),
        # Version 4: the progress callback (left NULL here) and its payload.
        ("progress", c_void_p),
        ("progress_payload", c_void_p),
        # Version 5.
        ("shared_index", c_int),
    ]


def _declare(name: str, restype: Any, *argtypes: Any) -> Any:
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


_declare("numbering_version", c_char_p)
_declare("numbering_unicode_version", c_char_p)
_declare("numbering_free", None, c_void_p)

_declare("numbering_error_code", c_int)
_declare("numbering_error_message", c_char_p)
_declare("numbering_error_violation_count", c_int)
_declare("numbering_error_violation_field", c_char_p, c_int)
_declare("numbering_error_violation_description", c_char_p, c_int)
_declare("numbering_status_name", c_char_p, c_int)
_declare("numbering_status_http", c_int, c_int)

_declare("numbering_options_init", c_int, POINTER(Options), c_uint)
_declare("numbering_store_open", c_int, POINTER(c_void_p), POINTER(Options))
_declare("numbering_store_close", None, c_void_p)
_declare("numbering_store_call_json", c_int, POINTER(POINTER(c_char)), c_void_p, c_char_p, c_char_p, c_char_p)
_declare("numbering_file_options_init", c_int, POINTER(FileOptions), c_uint)
_declare("numbering_file_backend_new", c_int, POINTER(c_void_p), c_char_p, POINTER(FileOptions))
_declare("numbering_policy_parse", c_int, POINTER(c_void_p), c_char_p)
_declare("numbering_policy_free", None, c_void_p)

# The outbox's deliveries (include/numbering/outbox.h), for a host that POSTs them.
_declare("numbering_store_claim_deliveries", c_int, POINTER(c_void_p), c_void_p, c_char_p, c_int)
_declare("numbering_store_report_claimed_delivery", c_int, c_void_p, c_char_p, c_char_p, c_int64, c_int, c_char_p)
_declare("numbering_store_list_dead_deliveries", c_int, POINTER(c_void_p), c_void_p, c_char_p, c_int)
_declare("numbering_delivery_list_count", c_int, c_void_p)
_declare("numbering_delivery_list_item", c_void_p, c_void_p, c_int)
_declare("numbering_delivery_list_free", None, c_void_p)
_declare("numbering_delivery_text", c_char_p, c_void_p, c_char_p)
_declare("numbering_delivery_int", c_int64, c_void_p, c_char_p)

_declare("numbering_number_new", c_int, POINTER(c_void_p))
_declare("numbering_number_free", None, c_void_p)
_declare("numbering_e164_parse", c_int, c_void_p, c_char_p, c_char_p)
_declare("numbering_number_e164", c_char_p, c_void_p)
_declare("numbering_number_country_code", c_int, c_void_p)
_declare("numbering_number_national", c_char_p, c_void_p)
_declare("numbering_number_region_count", c_int, c_void_p)
_declare("numbering_number_region", c_char_p, c_void_p, c_int)
_declare("numbering_number_length_verdict", c_int, c_void_p)
_declare("numbering_number_is_possible", c_int, c_void_p)
_declare("numbering_length_verdict_name", c_char_p, c_int)

_declare("numbering_range_new", c_int, POINTER(c_void_p))
_declare("numbering_range_free", None, c_void_p)
_declare("numbering_e164_parse_range", c_int, c_void_p, c_char_p, c_char_p)
_declare("numbering_range_start", c_void_p, c_void_p)
_declare("numbering_range_end", c_void_p, c_void_p)
_declare("numbering_range_size", c_int64, c_void_p)
_declare("numbering_range_format", c_int, c_char_p, ctypes.c_size_t, c_void_p)

# The C function itself, usable as an AUTHORIZER with a policy as payload.
policy_authorize = ctypes.cast(lib.numbering_policy_authorize, AUTHORIZER)


def check_text(text: Union[str, bytes, bytearray], name: str) -> Union[str, bytes, bytearray]:
    """Refuses a str or bytes with an embedded NUL, with ValueError naming @name.

    Every text that crosses into C goes through here (encode() and check_json()): C
    reads a const char * only up to its first NUL, so "user:ops\\x00mallory" would be
    the caller user:ops and "GetPhoneNumberInstance\\x00Delete" the method
    GetPhoneNumberInstance. Python's own APIs refuse such text the same way
    (open("a\\x00b") raises ValueError: embedded null character)."""
    if isinstance(text, str):
        at = text.find("\0")
        what = "character"
        if at < 0:
            # A lone surrogate ("\ud800") is no text UTF-8 can carry: str.encode() would
            # raise naming no parameter, and json.dumps() would write \ud800, which the
            # library refuses as malformed JSON naming no field.
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as e:
                raise ValueError("%s: surrogate character %r at index %d is not text (UTF-8 cannot encode it)"
                                 % (name, text[e.start], e.start)) from None
    elif isinstance(text, (bytes, bytearray)):
        at = text.find(b"\0")
        what = "byte"
    else:
        raise TypeError("%s: expected str, got %s" % (name, type(text).__name__))
    if at >= 0:
        raise ValueError("%s: embedded null %s at index %d" % (name, what, at))
    return text


def encode(text: Union[str, bytes, bytearray, None], name: str) -> Optional[bytes]:
    """str (or bytes) -> bytes for the const char * parameter @name; None stays NULL.
    An embedded NUL is refused by check_text()."""
    if text is None:
        return None
    check_text(text, name)
    return text.encode("utf-8") if isinstance(text, str) else bytes(text)


def encode_path(path: "Union[str, bytes, os.PathLike[str], os.PathLike[bytes]]", name: str = "path") -> Optional[bytes]:
    """A file path (str, bytes or os.PathLike) -> bytes in the file system's encoding;
    an embedded NUL is refused by check_text()."""
    return encode(os.fsencode(path), name)


def check_json(value: Any, name: str) -> Any:
    """Checks every key and string of a JSON-bound value (a request, a policy, an
    instance field) with check_text(), naming the offending one as @name.key[index].
    json.dumps would write a NUL as \\u0000, which the library refuses as malformed
    JSON; this refuses it before, as ValueError naming the parameter."""
    if isinstance(value, (str, bytes, bytearray)):
        check_text(value, name)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                check_text(key, "a key of %s" % name)
            check_json(item, "%s.%s" % (name, key))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            check_json(item, "%s[%d]" % (name, i))
    elif isinstance(value, int) and not isinstance(value, bool):
        check_int64(value, name)
    elif isinstance(value, float) and not math.isfinite(value):
        # json.dumps writes NaN and Infinity, which are not JSON: the library would
        # refuse the request as malformed, naming no field.
        raise ValueError("%s: %r is not a number JSON can carry" % (name, value))
    return value


INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def check_int64(value: Any, name: str) -> Any:
    """Refuses an int outside int64 with ValueError naming @name: the library reads
    integers as int64 (a request's JSON numbers, max_instances), and ctypes would cut a
    larger one to its low 64 bits without a word (2**64 + 1 would be 1). Another type
    is left to the caller's own check."""
    if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
        shown = str(value) if value.bit_length() <= 256 else "an integer of %d bits" % value.bit_length()
        raise ValueError("%s: %s is outside the 64-bit integers the library reads (%d .. %d)"
                         % (name, shown, INT64_MIN, INT64_MAX))
    return value


def check_int(value: Any, name: str, low: int, high: int) -> int:
    """An int for the integer parameter @name, @low .. @high: another type (bool
    included: True is no count) raises TypeError, a value outside ValueError, each
    naming @name; ctypes would take True as 1 and keep the low bits of a large int."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("%s: expected int, got %s" % (name, type(value).__name__))
    if not low <= value <= high:
        check_int64(value, name)
        raise ValueError("%s: %d is not %d .. %d" % (name, value, low, high))
    return value


def check_bool(value: Any, name: str) -> bool:
    """A bool for the flag @name: another type raises TypeError naming it (a str
    "false" would be true)."""
    if not isinstance(value, bool):
        raise TypeError("%s: expected bool, got %s" % (name, type(value).__name__))
    return value


def decode(raw: Optional[bytes]) -> Optional[str]:
    return raw.decode("utf-8") if raw is not None else None


def text(raw: Optional[bytes]) -> str:
    """A text the library always gives (a name, a message): "" should it be NULL."""
    return raw.decode("utf-8") if raw is not None else ""
