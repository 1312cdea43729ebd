"""E.164 parsing and range notation over numbering/e164.h."""
import ctypes
from typing import Any, NamedTuple, Optional, Tuple

from . import _lib
from .errors import NumberingError



class PhoneNumber(NamedTuple):
    """A parsed number: "+E164", its calling code, national significant number, the
regions sharing the calling code (main one first), and the length verdict ("POSSIBLE",
    "TOO_SHORT", ...) with possible == (verdict == "POSSIBLE")."""
    e164: str
    country_code: int
    national: str
    regions: Tuple[str, ...]
    length_verdict: str
    possible: bool


class Range(NamedTuple):
    """A range: its first and last numbers ("+E164"), its size and its notation ("+61255501100-99")."""
    start: str
    end: str
    size: int
    notation: str


def _number(handle: Any) -> PhoneNumber:
    lib = _lib.lib
    verdict = lib.numbering_number_length_verdict(handle)
    return PhoneNumber(
        e164=_lib.text(lib.numbering_number_e164(handle)),
        country_code=lib.numbering_number_country_code(handle),
        national=_lib.text(lib.numbering_number_national(handle)),
        regions=tuple(_lib.text(lib.numbering_number_region(handle, i))
                      for i in range(lib.numbering_number_region_count(handle))),
        length_verdict=_lib.text(lib.numbering_length_verdict_name(verdict)),
        possible=bool(lib.numbering_number_is_possible(handle)))


def parse(text: str, region: Optional[str] = None) -> PhoneNumber:
    """Parses "+E164", a national number of @region ("02 5550 1100", "AU") or an
    international-prefix form. Raises NumberingError (INVALID_ARGUMENT) when it is not a number."""
    lib = _lib.lib
    handle = ctypes.c_void_p()
    rc = lib.numbering_number_new(ctypes.byref(handle))
    if rc != 0:
        raise NumberingError.last(rc)
    try:
        rc = lib.numbering_e164_parse(handle, _lib.encode(text, "text"), _lib.encode(region, "region"))
        if rc != 0:
            raise NumberingError.last(rc)
        return _number(handle)
    finally:
        lib.numbering_number_free(handle)


def parse_range(text: str, region: Optional[str] = None) -> Range:
    """Parses range notation ("+61255501100-99") into Range(start, end, size, notation)."""
    lib = _lib.lib
    handle = ctypes.c_void_p()
    rc = lib.numbering_range_new(ctypes.byref(handle))
    if rc != 0:
        raise NumberingError.last(rc)
    try:
        rc = lib.numbering_e164_parse_range(handle, _lib.encode(text, "text"), _lib.encode(region, "region"))
        if rc != 0:
            raise NumberingError.last(rc)
        buf = ctypes.create_string_buffer(33)  # NUMBERING_RANGE_BUFSIZE
        rc = lib.numbering_range_format(buf, len(buf), handle)
        if rc != 0:
            raise NumberingError.last(rc)
        return Range(start=_lib.text(lib.numbering_number_e164(lib.numbering_range_start(handle))),
                     end=_lib.text(lib.numbering_number_e164(lib.numbering_range_end(handle))),
                     size=lib.numbering_range_size(handle),
                     notation=_lib.text(buf.value))
    finally:
        lib.numbering_range_free(handle)
