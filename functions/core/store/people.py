"""People: one identifier per person, school and profile, so a roster imported twice adds no one."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from functions.core.errors import ConcurrentUpdate, IdentifierTaken
from functions.core.lifecycle import Profile
from functions.core.model import Account
from functions.core.store import keys
from functions.core.store.dynamodb import Table, cancellation_reasons, is_conditional_failure, marshal, unmarshal
from functions.core.store.items import account_to_item


class PeopleOperations(Table):
    def create_account_for_person(self, account: Account) -> str | None:
        """Store a new account and its person item together.

        Return None once stored; if this person (account.person_fingerprint, school, profile) already
        has an identifier, write nothing and return it. Raise IdentifierTaken if the identifier exists.
        """
        if not account.person_fingerprint:
            raise ValueError("create_account_for_person needs account.person_fingerprint")
        person_key = keys.person_key(account.school, account.profile, account.person_fingerprint)
        try:
            self.dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": marshal(account_to_item(account)),
                            # The identifier is the key: two homonyms issued at once never share it.
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": self.table_name,
                            "Item": marshal({**person_key, "type": "person", "identifier": account.identifier}),
                            # One identifier per person: the same roster imported twice creates nobody twice.
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            )
        except ClientError as error:
            reasons = cancellation_reasons(error)
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                existing = self.person_identifier(account.school, account.profile, account.person_fingerprint)
                if existing is None:  # deleted in between: the caller may simply try again
                    raise ConcurrentUpdate() from error
                return existing
            if reasons and reasons[0] == "ConditionalCheckFailed":
                raise IdentifierTaken(field="identifier") from error
            raise
        return None

    def person_identifier(self, school: str, profile: Profile, fingerprint: str) -> str | None:
        """Return the identifier issued to this person in this school and profile, or None."""
        item = self._get(keys.person_key(school, profile, fingerprint))
        return str(item["identifier"]) if item else None

    def person_identifiers(self, school: str, people: list[tuple[Profile, str]]) -> dict[tuple[Profile, str], str]:
        """Return the identifier already issued to each of these people (profile, fingerprint) who has one.

        BatchGetItem, 100 keys a request: a roster's preview reads thousands of people in seconds.
        """
        found: dict[tuple[Profile, str], str] = {}
        by_pk = {
            keys.person_key(school, profile, fingerprint)["pk"]: (profile, fingerprint)
            for profile, fingerprint in people
        }
        wanted = [keys.person_key(school, profile, fingerprint) for profile, fingerprint in dict.fromkeys(people)]
        for start in range(0, len(wanted), 100):
            request: dict[str, Any] = {self.table_name: {"Keys": [marshal(key) for key in wanted[start : start + 100]]}}
            while request:
                response = self.dynamodb.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self.table_name, []):
                    person = unmarshal(item)
                    found[by_pk[person["pk"]]] = str(person["identifier"])
                request = response.get("UnprocessedKeys") or {}  # throttled keys: asked again
        return found

    def forget_person(self, school: str, profile: Profile, fingerprint: str, identifier: str) -> None:
        """Delete the person item if it still points to `identifier` (never a newer one)."""
        try:
            self.dynamodb.delete_item(
                TableName=self.table_name,
                Key=marshal(keys.person_key(school, profile, fingerprint)),
                ConditionExpression="identifier = :identifier",
                ExpressionAttributeValues=marshal({":identifier": identifier}),
            )
        except ClientError as error:
            if not is_conditional_failure(error):
                raise
