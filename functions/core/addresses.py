"""Client addresses as the limits count them: one IPv4 address, or one IPv6 /64, is one client.

An IPv6 client is usually given a whole /64 (RFC 6177, RFC 7421) and picks any address in it at will
(privacy addresses, RFC 8981): counting per IPv6 address would give one machine 2^64 budgets.
"""

from __future__ import annotations

import ipaddress

IPV6_CLIENT_PREFIX = 64


def counting_key(ip: str) -> str:
    """Return the key a limit counts `ip` under.

    IPv4: the address itself, canonical (`192.0.2.1`); an IPv4-mapped IPv6 address
    (`::ffff:192.0.2.1`) counts as its IPv4 address. IPv6: its /64, canonical and lowercase
    (`2001:db8:1:2::/64`), whatever the spelling, the interface part or a zone (`%eth0`).
    Anything else is returned as given: the limit still counts it, under its own text.
    """
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        network = ipaddress.IPv6Network((int(address), IPV6_CLIENT_PREFIX), strict=False)
        return str(network)
    return str(address)
