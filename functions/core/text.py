"""Checks on text received from people and programs."""

from __future__ import annotations


def is_encodable(text: str) -> bool:
    """Tell whether `text` is real Unicode text (JSON can carry lone surrogates, UTF-8 cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
