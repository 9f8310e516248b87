"""Text that stays text: for a terminal (`printable`) and for a spreadsheet (`csv_text`).

Names come from rosters, comments and user agents from the public: shown to the secretariat they
must not drive a terminal (escape sequences, bidi overrides) nor a spreadsheet (formulas, OWASP's
CSV injection). ent-admin and the console both write through these.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence

# C0 and C1 controls (ESC, CSI, DEL...), format characters (bidi overrides and isolates, zero-width
# ones), line and paragraph separators, and lone surrogates, which a UTF-8 terminal cannot even take.
_NOT_INERT = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
PLACEHOLDER = "\ufffd"
# A cell a spreadsheet would read as a formula (OWASP, CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_inert(character: str) -> bool:
    return unicodedata.category(character) not in _NOT_INERT


def printable(text: object) -> str:
    """Return `text` for a terminal: every control, format or line-separator character shown as U+FFFD."""
    text = str(text)
    return text if all(map(is_inert, text)) else "".join(ch if is_inert(ch) else PLACEHOLDER for ch in text)


def spreadsheet_cell(value: str) -> str:
    """Return the cell a spreadsheet shows as text, never as a formula: a leading ' where needed."""
    return f"'{value}" if value.startswith(FORMULA_TRIGGERS) else value


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """Return rows as a ';' CSV that Excel opens with its accents (UTF-8 with BOM), every cell inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([printable(spreadsheet_cell(str(cell))) for cell in row] for row in rows)
    return "\ufeff" + buffer.getvalue()
