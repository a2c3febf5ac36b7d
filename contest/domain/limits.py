"""Limits counted per client address and per network, so that no one can aim
them at somebody else: what a request counts against is where it comes from,
never the account it names.

A network is an IPv4 /24 or an IPv6 /64: what one household, office or
mobile-carrier gateway usually holds, so that changing address within it does
not escape a limit (RFC 6177 gives every IPv6 subscriber at least a /64).
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

IPV4_PREFIX = 24
IPV6_PREFIX = 64


def address_keys(address: str) -> tuple[str, str]:
    """The address and the network a request counts against, as keys:
    ``("ip:203.0.113.7", "net:203.0.113.0/24")``, ``("ip:2001:db8::1",
    "net:2001:db8::/64")``. An IPv4 address written as IPv6
    (``::ffff:203.0.113.7``) counts as IPv4; anything that is not an address
    (a test client's name) is a network of its own."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"ip:{address}", f"net:{address}"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return f"ip:{ip}", f"net:{ipaddress.ip_network(f'{ip}/{prefix}', strict=False)}"


def retry_after(free_at: datetime, now: datetime) -> int:
    """Whole seconds from ``now`` until ``free_at``, when a refused request
    may come again, rounded up and at least 1: a Retry-After header's value
    (RFC 9110 §10.2.3)."""
    return max(1, math.ceil((free_at - now).total_seconds()))


@dataclass(frozen=True)
class Rule:
    """At most ``per_address`` counted requests of one kind (``name``) from
    one address, and ``per_network`` from its network, within the last
    ``window_seconds``."""

    name: str
    per_address: int
    per_network: int
    window_seconds: int

    def keys(self, address: str) -> tuple[str, str]:
        """This rule's keys for ``address``: ``("register|ip:…", "register|net:…")``."""
        ip, net = address_keys(address)
        return f"{self.name}|{ip}", f"{self.name}|{net}"

    def limits(self, address: str) -> dict[str, int]:
        """Each of this rule's keys for ``address`` with the most requests it may count."""
        ip, net = self.keys(address)
        return {ip: self.per_address, net: self.per_network}

    def reached(self, counts: Mapping[str, int], address: str) -> bool:
        """Whether ``counts`` (requests per key within the window) leave no
        room for one more from ``address``."""
        return any(counts.get(key, 0) >= most for key, most in self.limits(address).items())
