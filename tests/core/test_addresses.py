"""One client, one key: IPv4 per address, IPv6 per /64 (functions/core/addresses.py)."""

from __future__ import annotations

import pytest

from functions.core.addresses import counting_key


@pytest.mark.parametrize(
    ("ip", "key"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("203.0.113.255", "203.0.113.255"),
        ("::ffff:192.0.2.1", "192.0.2.1"),  # IPv4-mapped: the IPv4 client it is
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:DB8:0001:0002:0:0:0:1", "2001:db8:1:2::/64"),  # any spelling of it
        ("2001:db8::", "2001:db8::/64"),
        ("fe80::1%eth0", "fe80::/64"),  # a zone is no other client
        ("::1", "::/64"),
    ],
)
def test_a_client_is_an_ipv4_address_or_an_ipv6_slash_64(ip, key):
    assert counting_key(ip) == key


def test_every_address_of_one_slash_64_counts_as_one_client():
    rotated = {counting_key(f"2001:db8:aa:bb:{n:x}:{n * 7 % 65536:x}::{n:x}") for n in range(1, 500)}
    assert rotated == {"2001:db8:aa:bb::/64"}
    assert counting_key("2001:db8:aa:bc::1") != counting_key("2001:db8:aa:bb::1")  # the next /64: another


def test_distinct_ipv4_addresses_stay_distinct():
    assert len({counting_key(f"198.51.100.{n}") for n in range(256)}) == 256


@pytest.mark.parametrize("text", ["", "unknown", "192.0.2.256", "2001:db8::1::2", "[2001:db8::1]", "01.2.3.4"])
def test_what_is_no_address_is_counted_as_given(text):
    assert counting_key(text) == text
