"""Roster imports of the console: the preview's owner and how far its confirmation went."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from botocore.exceptions import ClientError

from functions.core.clock import epoch_seconds
from functions.core.errors import ConcurrentUpdate
from functions.core.roster_imports import RosterImport
from functions.core.store import keys
from functions.core.store.dynamodb import Item, Table, is_conditional_failure, marshal, unmarshal


class ImportOperations(Table):
    def put_import(self, roster_import: RosterImport) -> None:
        """Store a new preview (its id is random: no condition needed)."""
        self._put(_to_item(roster_import))

    def get_import(self, import_id: str) -> RosterImport | None:
        item = self._get(keys.import_key(import_id))
        return _from_item(item) if item else None

    def advance_import(self, read: RosterImport, *, handled: int) -> RosterImport:
        """Claim the next `handled` people, if no other confirmation took them first (ConcurrentUpdate)."""
        saved = replace(read, issued=read.issued + handled, version=read.version + 1)
        try:
            self.dynamodb.put_item(
                TableName=self.table_name,
                Item=marshal(_to_item(saved)),
                # Two confirmations at once: the second finds the version moved and issues nothing more.
                ConditionExpression="#version = :read_version",
                ExpressionAttributeNames={"#version": "version"},
                ExpressionAttributeValues=marshal({":read_version": read.version}),
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
            raise ConcurrentUpdate() from error
        return saved

    def count_import(self, import_id: str, *, created: int, existing: int) -> RosterImport:
        """Add a handled batch's outcome to the import's totals (one atomic ADD, whatever ran meanwhile)."""
        response = self.dynamodb.update_item(
            TableName=self.table_name,
            Key=marshal(keys.import_key(import_id)),
            UpdateExpression="ADD created :created, existing :existing",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues=marshal({":created": created, ":existing": existing}),
            ReturnValues="ALL_NEW",
        )
        return _from_item(unmarshal(response["Attributes"]))


def _to_item(roster_import: RosterImport) -> Item:
    return {
        **keys.import_key(roster_import.import_id),
        "type": "import",
        "uai": roster_import.school,  # not `school`: the by-school index holds accounts only
        "staff_email": roster_import.staff_email,
        "created_at": roster_import.created_at.isoformat(),
        "expires_at": epoch_seconds(roster_import.expires_at),
        "people": roster_import.people,
        "issued": roster_import.issued,
        "created": roster_import.created,
        "existing": roster_import.existing,
        "version": roster_import.version,
    }


def _from_item(item: Item) -> RosterImport:
    from datetime import UTC

    return RosterImport(
        import_id=str(item["pk"]).removeprefix(keys.IMPORT_PREFIX),
        school=item["uai"],
        staff_email=item["staff_email"],
        created_at=datetime.fromisoformat(item["created_at"]),
        expires_at=datetime.fromtimestamp(int(item["expires_at"]), tz=UTC),
        people=int(item["people"]),
        issued=int(item["issued"]),
        created=int(item["created"]),
        existing=int(item["existing"]),
        version=int(item["version"]),
    )
