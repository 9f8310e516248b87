"""What the secretariat gets and gives: the roster read, the letters written, and text that stays text.

Data in ent-admin's output comes from the public (feedback comments, user agents in audit events)
or from rosters: printed to a terminal it goes through `printable`, in a CSV through `csv_text`,
in JSON through `json_text`, so that none of it can drive a terminal or a spreadsheet.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from functions.core.errors import DomainError
from functions.core.inert import PLACEHOLDER as PLACEHOLDER
from functions.core.inert import csv_text as csv_text
from functions.core.inert import is_inert
from functions.core.inert import printable as printable
from functions.core.inert import spreadsheet_cell as spreadsheet_cell
from functions.core.letters import Letter, letters_pdf, require_qr
from functions.core.lifecycle import Profile
from functions.core.pdf import require_fonts


def _escaped(character: str) -> str:
    code = ord(character)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def json_text(value: object) -> str:
    """Return `value` as indented JSON, readable accents kept, every character `printable` hides escaped.

    Nothing is lost for scripts: such characters can only be inside strings, where \\uXXXX means them.
    """
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return "".join(ch if ch == "\n" or is_inert(ch) else _escaped(ch) for ch in text)


class FileProblem(DomainError):
    code = "file_problem"


def read_input(path: str) -> bytes:
    """Return the file's bytes, or say plainly why it cannot be read."""
    file = Path(path)
    if not file.exists():
        raise FileProblem(f"fichier introuvable : {path}")
    if file.is_dir():
        raise FileProblem(f"{path} est un dossier, pas un fichier")
    try:
        return file.read_bytes()
    except OSError as error:
        raise FileProblem(f"impossible de lire {path} : {error.strerror or error}") from None


def check_writable(path: str, help_url: str) -> None:
    """Refuse, before any account is touched, letters that could not be written."""
    require_qr()
    require_fonts()
    _check_layout(help_url)
    file = Path(path)
    folder = file.parent if str(file.parent) else Path(".")
    if file.is_dir():
        raise FileProblem(f"{path} est un dossier : indiquez un nom de fichier, ex. lettres.pdf")
    if not folder.is_dir():
        raise FileProblem(f"dossier introuvable pour {path}")
    if not os.access(folder, os.W_OK) or (file.exists() and not os.access(file, os.W_OK)):
        raise FileProblem(f"impossible d'écrire {path} : droits insuffisants")


def _check_layout(help_url: str) -> None:
    """Lay out the longest letter possible once: a help address too long fails here, not after."""
    longest = Letter(
        school="0751234J",
        display_name=("Wolfeschlegelstein " * 12)[:201],
        profile=Profile.ELEVE,
        identifier="w" * 20 + "." + "w" * 20 + "1000",
        initial_password="W" * 10,
        activation_deadline=date(2027, 2, 28),
        deletion_date=date(2027, 11, 30),
        issued_on=date(2026, 11, 30),
        classe="W" * 20,
        first_name="W" * 100,
        school_name="W" * 120,
    )
    try:
        letters_pdf([longest], help_url)
    except RuntimeError:
        raise FileProblem(f"l'adresse du centre d'aide est trop longue pour tenir sur la lettre : {help_url}") from None


def write_letters(path: str, letters: list[Letter], help_url: str) -> None:
    """Write the letters' PDF next to its final name, then move it there (never half a file)."""
    partial = Path(f"{path}.partial")
    try:
        partial.write_bytes(letters_pdf(letters, help_url))
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise FileProblem(f"impossible d'écrire {path} : {error.strerror or error}") from None
