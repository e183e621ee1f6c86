"""The room's secrets and limits: join code, device tokens, CSRF tokens, try counters and the Host/Origin check.

Nothing here touches the workshop. Tokens come from ``secrets`` (the operating system's CSPRNG); the room keeps only
a SHA-256 hash of each device token, so a copy of the room's memory cannot be replayed as a device.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Letters and digits without look-alikes: no 0/O, 1/I/L (31 symbols, so a 6-character code is ~29.7 bits)."""
JOIN_CODE_LENGTH = 6
TOKEN_BYTES = 32
"""A device token is 256 random bits (the issue asks for at least 128)."""


def new_join_code() -> str:
    """A fresh 6-character join code from ``JOIN_ALPHABET``."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """What a participant typed, as a code: upper case, spaces and dashes dropped, look-alikes mapped
    (``0``→``O`` is not in the alphabet, so ``O`` and ``0`` both stay wrong rather than guessing)."""
    return "".join(ch for ch in typed.upper() if ch not in " -\t")[: JOIN_CODE_LENGTH * 2]


def code_matches(typed: str, code: str) -> bool:
    """Compare a typed code with the room's in constant time (``hmac.compare_digest`` on equal-length digests)."""
    a = hashlib.sha256(normalise_code(typed).encode()).digest()
    b = hashlib.sha256(code.encode()).digest()
    return hmac.compare_digest(a, b)


def new_token() -> str:
    """A device token for the cookie: 256 random bits, URL-safe text."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The only form in which the room keeps a device token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def tokens_equal(a: str, b: str) -> bool:
    """Constant-time comparison of two CSRF tokens (any text; unequal lengths are simply unequal)."""
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))


@dataclass
class RoomLimits:
    """The room's limits. The defaults suit a workshop of up to a few dozen people on phones."""

    max_devices: int = 100
    """Joined and waiting devices together."""
    max_pending: int = 20
    """Requests to join under a new name waiting for the facilitator."""
    notes_per_window: int = 6
    """Notes one device may add per ``note_window`` seconds (a person types far fewer; a script is stopped)."""
    note_window: float = 10.0
    join_tries: int = 10
    """Wrong join codes one address may try per ``join_window`` seconds before it has to wait."""
    join_window: float = 60.0
    max_body: int = 4 * 1024 * 1024
    """Largest request body in bytes: room for the session's longest note (200,000 characters, each up to 4
    bytes of UTF-8 sent as ``%XX``); a note over the session's own limit then gets the session's message."""
    max_streams_per_device: int = 4
    """Live-update connections one device may hold (a few tabs; a loop of reconnects is refused)."""


class Window:
    """A sliding-window counter: how many things happened in the last ``seconds`` (for rate limits)."""

    def __init__(self, limit: int, seconds: float, clock: Callable[[], float]) -> None:
        self.limit, self.seconds, self._clock = limit, seconds, clock
        self._times: deque[float] = deque()

    def _trim(self) -> float:
        now = self._clock()
        while self._times and now - self._times[0] >= self.seconds:
            self._times.popleft()
        return now

    def full(self) -> bool:
        self._trim()
        return len(self._times) >= self.limit

    def wait(self) -> int:
        """Whole seconds until one more is allowed (0 when one is allowed now)."""
        now = self._trim()
        if len(self._times) < self.limit:
            return 0
        return max(1, int(self._times[0] + self.seconds - now + 0.999))

    def add(self) -> None:
        self._times.append(self._trim())


def host_header(address: str, port: int) -> str:
    """The Host header a browser sends for the room's URL (IPv6 addresses in brackets)."""
    ip = ipaddress.ip_address(address)
    return f"[{ip.compressed}]:{port}" if ip.version == 6 else f"{ip.compressed}:{port}"


def room_url(address: str, port: int) -> str:
    """The address participants open, e.g. ``http://192.168.1.20:8765/``."""
    return f"http://{host_header(address, port)}/"
