"""The school directory: each school's name, written by the secretariat, read by Mon compte and the mails."""

from __future__ import annotations

from functions.core.store import keys
from functions.core.store.dynamodb import Table


class SchoolOperations(Table):
    def school_name(self, school: str) -> str | None:
        """Return the name the secretariat gave the school (UAI), or None if it has none yet."""
        item = self._get(keys.school_key(school), consistent=False)  # renamed rarely: a stale read is harmless
        name = item.get("name") if item else None
        return name if isinstance(name, str) and name else None

    def set_school_name(self, school: str, name: str) -> None:
        """Name the school (UAI); a later name replaces it."""
        self._put({**keys.school_key(school), "type": "school", "school": school, "name": name})
