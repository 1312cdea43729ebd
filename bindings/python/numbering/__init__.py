"""libnumbering for Python, through ctypes.

    import numbering
    with numbering.Store(default_region="AU") as store:
        store.create("projects/demo", "+61255501100-99", "sales")
        owner = store.resolve("02 5550 1150")        # a dict, proto3 JSON form
    numbering.parse("02 5550 1100", "AU").e164       # '+61255501100'

Errors raise numbering.NumberingError with .code, .status, .message and
.field_violations. The library is loaded from $NUMBERING_LIBRARY when set.
numbering.__version__ is the binding's version (meson.build's project version);
numbering.version() the loaded library's.
"""
from . import _lib
from ._version import __version__
from .e164 import PhoneNumber, Range, parse, parse_range
from .errors import *  # noqa: F401,F403 (the status codes)
from .errors import FieldViolation, NumberingError
from .store import Instance, Page, Store, method_name, python_name


def version() -> str:
    """The library's version, "MAJOR.MINOR.PATCH"."""
    return _lib.text(_lib.lib.numbering_version())


def unicode_version() -> str:
    """The Unicode version of the library's text handling (utf8proc's)."""
    return _lib.text(_lib.lib.numbering_unicode_version())


__all__ = ["Store", "Page", "Instance", "NumberingError", "FieldViolation", "PhoneNumber", "Range", "parse",
           "parse_range", "method_name", "python_name", "version", "unicode_version"]
