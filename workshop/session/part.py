"""The base of the session's parts: each part is a view over the one shared ledger."""

from __future__ import annotations

from facilitation.models import Workshop
from workshop.session.ledger import Ledger


class Part:
    """One concern of the session (notes, votes …) over the shared ``Ledger`` that owns the write path and ids."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger

    @property
    def _ws(self) -> Workshop:
        return self._ledger.ws
