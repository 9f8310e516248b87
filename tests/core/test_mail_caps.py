"""The per-recipient mail count: hashed, per Paris day, capped by one conditional write, expiring."""

from __future__ import annotations

from datetime import UTC, datetime

import boto3

from functions.core.mail_caps import MAILS_PER_ADDRESS_PER_DAY, reserve_mail_to


def stored_items(table: str) -> list[dict]:
    return boto3.client("dynamodb").scan(TableName=table)["Items"]


def test_five_mails_a_paris_day_then_none_until_midnight_in_paris(store, table):
    evening = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)  # 23h30 in Paris
    assert [reserve_mail_to(store, "Victime@Exemple.org", evening) for _ in range(7)] == [True] * 5 + [False] * 2
    assert not reserve_mail_to(store, "victime@exemple.org", evening)  # the same address, whatever the case
    assert reserve_mail_to(store, "autre@exemple.org", evening)
    after_midnight = datetime(2026, 11, 30, 23, 1, tzinfo=UTC)  # 00h01 in Paris, the next day
    assert reserve_mail_to(store, "victime@exemple.org", after_midnight)
    assert MAILS_PER_ADDRESS_PER_DAY == 5


def test_the_count_holds_no_address_and_expires(store, table):
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    reserve_mail_to(store, "victime@exemple.org", now)
    [item] = stored_items(table)
    assert "victime" not in repr(item)
    assert item["pk"]["S"].startswith("MAILTO#") and item["sk"]["S"] == "DAY#2026-11-30"
    assert int(item["expires_at"]["N"]) > int(now.timestamp()) + 86400 - 9 * 3600  # past the day's end
    assert store.mails_to("victime@exemple.org", datetime(2026, 11, 30).date()) == 1


def test_a_reset_link_takes_three_comparisons(store, accounts, clock):
    from functions.core.links import prepare_link
    from functions.core.tokens import TokenKind, token_hash

    account, _ = accounts.make()
    _, link = prepare_link(store, account, TokenKind.RESET, clock(), "https://aide.ent.example.fr")
    hashed = token_hash(link.partition("#t=")[2])
    assert [store.reserve_previous_guess(hashed, 3) for _ in range(5)] == [True] * 3 + [False] * 2
    assert not store.reserve_previous_guess("0" * 64, 3)  # no such link: nothing to compare with
