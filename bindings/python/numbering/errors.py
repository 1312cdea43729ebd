"""NumberingError: the library's error model (a google.rpc code, a message, field
violations) as a Python exception."""
import json
from typing import Any, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Type, TypeVar

from . import _lib

__all__ = ["NumberingError", "FieldViolation", "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
           "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
           "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"]



class FieldViolation(NamedTuple):
    """One field violation of an error: the field's path and what is wrong with it."""
    field: str
    description: str


_E = TypeVar("_E", bound="NumberingError")

# The google.rpc codes (include/numbering/common.h); the values never change.
OK = 0
CANCELLED = 1
UNKNOWN = 2
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
OUT_OF_RANGE = 11
UNIMPLEMENTED = 12
INTERNAL = 13
UNAVAILABLE = 14
DATA_LOSS = 15
UNAUTHENTICATED = 16


class NumberingError(Exception):
    """A failed libnumbering call.

    Attributes:
        code: the google.rpc code (an int, e.g. numbering.NOT_FOUND == 5).
        status: its name, e.g. "NOT_FOUND".
        http_status: the HTTP status of the JSON error body (404).
        message: the library's message.
        field_violations: a list of FieldViolation(field, description).
    """

    code: int
    status: str
    http_status: int
    message: str
    field_violations: List[FieldViolation]

    def __init__(self, code: int, message: str, field_violations: Iterable[Sequence[str]] = ()) -> None:
        self.code = int(code)
        self.status = _lib.text(_lib.lib.numbering_status_name(self.code))
        self.http_status = _lib.lib.numbering_status_http(self.code)
        self.message = message
        self.field_violations = [FieldViolation(*v) for v in field_violations]
        super().__init__("%s: %s" % (self.status, message))

    def __reduce__(self) -> Tuple[Any, ...]:
        # Rebuilt from its own fields: Exception's default pickles args, the str(self) text,
        # which __init__ cannot take back (a pool or a process queue pickles exceptions).
        return (type(self), (self.code, self.message, [tuple(v) for v in self.field_violations]))

    @classmethod
    def last(cls: Type[_E], code: int) -> _E:
        """The calling thread's last error, read right after the failing call returned @code."""
        lib = _lib.lib
        violations = [(_lib.text(lib.numbering_error_violation_field(i)),
                       _lib.text(lib.numbering_error_violation_description(i)))
                      for i in range(lib.numbering_error_violation_count())]
        return cls(code, _lib.text(lib.numbering_error_message()), violations)

    @classmethod
    def from_body(cls: Type[_E], code: int, body: str) -> _E:
        """From the JSON error body {"error":{"code":404,"status":...,"message":...,"details":[...]}}."""
        try:
            error = json.loads(body)["error"]
        except (ValueError, KeyError, TypeError):
            return cls(code, body)
        violations = []
        for detail in error.get("details", []):
            for v in detail.get("fieldViolations", []):
                violations.append((v.get("field", ""), v.get("description", "")))
        return cls(code, error.get("message", ""), violations)
