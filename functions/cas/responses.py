"""The XML answers of ticket validation (CAS Protocol 3.0 §2.5, §2.6, appendix A): no Flask here.

Every value is XML-escaped text: names come from rosters, a ticket or service from the query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from xml.sax.saxutils import escape

_NAMESPACE = "http://www.yale.edu/tp/cas"


class Failure(StrEnum):
    """The protocol's error codes (§2.5.3)."""

    INVALID_REQUEST = "INVALID_REQUEST"
    INVALID_TICKET_SPEC = "INVALID_TICKET_SPEC"
    INVALID_TICKET = "INVALID_TICKET"
    INVALID_SERVICE = "INVALID_SERVICE"
    INTERNAL_ERROR = "INTERNAL_ERROR"


def _text(value: str) -> str:
    # XML 1.0 cannot carry C0 controls even escaped: they never belong in a name or a URL.
    return escape("".join(character for character in value if character >= " " or character in "\t\n"))


def success(user: str, attributes: Mapping[str, str | Sequence[str]]) -> str:
    """`cas:authenticationSuccess` with `cas:user` and `cas:attributes` (a list: one element each)."""
    lines = [
        f'<cas:serviceResponse xmlns:cas="{_NAMESPACE}">',
        "  <cas:authenticationSuccess>",
        f"    <cas:user>{_text(user)}</cas:user>",
        "    <cas:attributes>",
    ]
    for name, value in attributes.items():
        for each in [value] if isinstance(value, str) else value:
            lines.append(f"      <cas:{name}>{_text(each)}</cas:{name}>")
    lines += ["    </cas:attributes>", "  </cas:authenticationSuccess>", "</cas:serviceResponse>", ""]
    return "\n".join(lines)


def failure(code: Failure, message: str) -> str:
    """`cas:authenticationFailure` with its code and a message for the service's developers."""
    return (
        f'<cas:serviceResponse xmlns:cas="{_NAMESPACE}">\n'
        f'  <cas:authenticationFailure code="{code.value}">{_text(message)}</cas:authenticationFailure>\n'
        "</cas:serviceResponse>\n"
    )
