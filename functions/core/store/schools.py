"""The school directory: each school's entry, written by the académie, read by the families' side."""

from __future__ import annotations

from datetime import datetime

from functions.core.directory import FIELDS, SchoolEntry
from functions.core.store import keys
from functions.core.store.dynamodb import Item, Table


class SchoolOperations(Table):
    def school_entry(self, school: str) -> SchoolEntry | None:
        """Return the directory's entry for the school (UAI), or None if it has none yet."""
        item = self._get(keys.school_key(school), consistent=False)  # changed rarely: a stale read is harmless
        return _entry_from_item(school, item) if item else None

    def put_school_entry(self, entry: SchoolEntry) -> None:
        """Write the school's entry; a later one replaces it."""
        item: Item = {**keys.school_key(entry.uai), "type": "school", "uai": entry.uai}
        # `uai`, not `school`: the by-school index is keyed on `school` and holds accounts only.
        item.update({name: value for name, value in entry.as_dict().items() if value and name in FIELDS})
        if entry.updated_at:
            item["updated_at"] = entry.updated_at.isoformat()
        if entry.updated_by:
            item["updated_by"] = entry.updated_by
        self._put(item)

    def school_name(self, school: str) -> str | None:
        """Return the name the directory gives the school (UAI), or None if it has none yet."""
        entry = self.school_entry(school)
        return entry.name if entry else None

    def set_school_name(self, school: str, name: str) -> None:
        """Name the school (UAI), keeping the rest of its entry."""
        entry = self.school_entry(school) or SchoolEntry(uai=school)
        self.put_school_entry(SchoolEntry(**{**entry.__dict__, "name": name}))


def _entry_from_item(school: str, item: Item) -> SchoolEntry:
    def text(name: str) -> str | None:
        value = item.get(name)
        return value if isinstance(value, str) and value else None

    updated_at = text("updated_at")
    return SchoolEntry(
        uai=school,
        name=text("name"),
        address=text("address"),
        phone=text("phone"),
        hours=text("hours"),
        contact_email=text("contact_email"),
        updated_at=datetime.fromisoformat(updated_at) if updated_at else None,
        updated_by=text("updated_by"),
    )
