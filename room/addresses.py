"""This machine's addresses a room can listen on, from its network interfaces (``ifaddr``).

The facilitator picks one; the default is the first address that is not loopback (so phones on the same network
can reach it), IPv4 before IPv6 and without link-local addresses, which phones cannot use in a URL. ``127.0.0.1``
is always offered, for a rehearsal on the laptop itself.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Address:
    ip: str
    interface: str

    @property
    def loopback(self) -> bool:
        return ipaddress.ip_address(self.ip).is_loopback

    @property
    def label(self) -> str:
        where = "this laptop only: a rehearsal" if self.loopback else self.interface
        return f"{self.ip}  ({where})"


def machine_addresses() -> list[Address]:
    """Usable addresses, non-loopback IPv4 first, then IPv6, then loopback. Never empty."""
    import ifaddr

    found: list[Address] = []
    seen: set[str] = set()
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            value = ip.ip if isinstance(ip.ip, str) else ip.ip[0]
            try:
                parsed = ipaddress.ip_address(value)
            except ValueError:
                continue
            if parsed.is_link_local or parsed.is_multicast or parsed.is_unspecified:
                continue
            text = parsed.compressed
            if text not in seen:
                seen.add(text)
                found.append(Address(text, adapter.nice_name or adapter.name))

    def order(a: Address) -> tuple[int, int]:
        parsed = ipaddress.ip_address(a.ip)
        return (1 if parsed.is_loopback else 0, parsed.version)

    found.sort(key=order)
    if LOOPBACK not in seen:
        found.append(Address(LOOPBACK, "lo"))
    return found


def default_address(addresses: list[Address] | None = None) -> str:
    """The first non-loopback address, or ``127.0.0.1`` when the machine has no network."""
    candidates = addresses if addresses is not None else machine_addresses()
    return next((a.ip for a in candidates if not a.loopback), LOOPBACK)


def check_address(value: str) -> str:
    """A typed address, normalised; ``ValueError`` with a message when it is not an IP address."""
    try:
        return ipaddress.ip_address(value.strip().strip("[]")).compressed
    except ValueError:
        raise ValueError(
            f"{value!r} is not an IP address of this machine (for example 192.168.1.20)."
        ) from None
