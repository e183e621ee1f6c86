"""People's names as the room types them: which participant a typed name means, and which names are too alike.

A name typed in a hurry differs from the one on file in case, accents, spacing and punctuation: ``anna``,
``Bjorn`` and ``anne marie`` mean Anna, Björn and Anne-Marie. ``name_key`` folds those differences away; two
participants whose names have the same key cannot be told apart by anyone typing, so the session refuses the
second (``Björn`` when ``Bjorn`` is already in the room). Matching never guesses between several people: it
returns every candidate and the caller asks.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

_LETTERS = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ŋ": "n"}
)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.·]+")
_DROPPED = re.compile(r"['’ʼ`´]")

NEAR_RATIO = 0.8
"""``difflib`` similarity from which a typed name that matches nobody is "probably someone": the caller asks."""


def name_key(name: str) -> str:
    """The form two names are compared in: case, accents, invisible characters and punctuation folded.

    ``"  Björn  Ångström "`` → ``"bjorn angstrom"``; ``"Anne-Marie"`` and ``"anne marie"`` → ``"anne marie"``;
    ``"O’Neil"`` → ``"oneil"``. Letters of other scripts are kept (``"Ана"`` is not ``"Ana"``).
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
    text = text.casefold().translate(_LETTERS)
    text = _DROPPED.sub("", text)
    return _SEPARATORS.sub(" ", text).strip()


@dataclass(frozen=True)
class Person:
    """What matching needs to know about a participant."""

    id: int
    name: str
    active: bool = True


def same_name(a: str, b: str) -> bool:
    """True when nobody typing could tell the two names apart."""
    return name_key(a) == name_key(b)


def clash(name: str, people: Sequence[Person], *, ignore: int | None = None) -> Person | None:
    """The participant (other than ``ignore``) whose name cannot be told apart from ``name``, if any."""
    key = name_key(name)
    return next((p for p in people if p.id != ignore and name_key(p.name) == key), None)


MatchKind = Literal["one", "several", "near", "none"]


@dataclass(frozen=True)
class NameMatch:
    """Whom a typed name means.

    ``one``: exactly ``people[0]``; ``several``: all of ``people`` fit (ask which); ``near``: nobody fits but
    ``people`` are close spellings (ask whether one was meant); ``none``: it names nobody.
    """

    kind: MatchKind
    people: tuple[Person, ...] = ()


def match_name(typed: str, people: Sequence[Person]) -> NameMatch:
    """Whom ``typed`` means among ``people`` (present and departed).

    A full name (folded by ``name_key``) wins; then the first word(s) of a name, if only one person's name
    begins so; present people are
    preferred over departed ones with the same name. Several fits give ``several``; no fit but a close
    spelling (``NEAR_RATIO``) of someone's full or first name gives ``near``.
    """
    key = name_key(typed)
    if not key:
        return NameMatch("none")
    words = key.split(" ")
    for rule in (
        lambda p: name_key(p.name) == key,
        lambda p: name_key(p.name).split(" ")[: len(words)] == words,
    ):
        found = [p for p in people if rule(p)]
        present = [p for p in found if p.active]
        chosen = present or found
        if len(chosen) == 1:
            return NameMatch("one", (chosen[0],))
        if chosen:
            return NameMatch("several", tuple(chosen))
    near = [
        p
        for p in people
        if max(
            difflib.SequenceMatcher(None, key, name_key(p.name)).ratio(),
            difflib.SequenceMatcher(None, key, " ".join(name_key(p.name).split(" ")[: len(words)])).ratio(),
        )
        >= NEAR_RATIO
    ]
    return NameMatch("near", tuple(near)) if near else NameMatch("none")


_AUTHOR_PREFIX = re.compile(r"\s*([^:\n]{1,80}?)\s*:\s*")


@dataclass(frozen=True)
class AuthorPrefix:
    """A note typed as ``Name: text``: whom the name means and the text without it."""

    typed: str
    """The name as typed."""
    match: NameMatch
    body: str


def split_author(text: str, people: Sequence[Person]) -> AuthorPrefix | None:
    """``"anna: we need X"`` → the match for "anna" and ``"we need X"``; ``None`` when there is no prefix.

    A prefix that names nobody and is close to no one (``Risk: …``, ``https://…``) gives kind ``none``: the
    caller keeps the text whole. A prefix that is more than three words, or empty text after it, is not an
    author prefix.
    """
    found = _AUTHOR_PREFIX.match(text)
    if not found:
        return None
    typed = found.group(1)
    body = text[found.end() :]
    if not body.strip() or len(typed.split()) > 3 or "/" in typed or body.startswith("//"):
        return None
    return AuthorPrefix(typed, match_name(typed, people), body)


def credit_author(text: str, people: Sequence[Person]) -> tuple[int | None, str]:
    """Who a typed note credits: ``(author id, text without the prefix)`` when ``text`` starts with a name that
    means exactly one of ``people`` (``"bjorn: x"`` credits Björn, ``"ana souza: x"`` Ana Souza); otherwise
    ``(None, text)`` with the text whole (no prefix, ``Risk: …``, a URL, or a name that fits several people or
    nobody), so the caller's current author applies."""
    prefix = split_author(text, people)
    if prefix is None or prefix.match.kind != "one":
        return None, text
    return prefix.match.people[0].id, prefix.body
