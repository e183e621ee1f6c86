"""People's names as the room types them: which participant a typed name means, and which names are too alike.

A name typed in a hurry differs from the one on file in case, accents, spacing and punctuation: ``anna``,
``Bjorn`` and ``anne marie`` mean Anna, Björn and Anne-Marie. ``name_key`` folds those differences away; two
participants whose names have the same key cannot be told apart by anyone typing, so the session refuses the
second (``Björn`` when ``Bjorn`` is already in the room). Matching never guesses between several people: it
returns every candidate and the caller asks.
"""

from __future__ import annotations

import functools
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

NEAR_MIN_LETTERS = 3
"""A typed name shorter than this (``Q3``, ``Al``) is never "probably someone": only an exact name credits."""

COMMON_LABELS = frozenset(
    """note notes idea ideas risk risks issue issues question questions answer todo action actions
    decision decisions fact facts goal goals pro pros con cons why how what when where who step steps example
    update fyi nb ps re fw aside tip warning caution problem solution option options next done open topic
    theme point summary agenda time date day week month year today tomorrow yes no maybe
    """.split()
)
"""Words notes commonly begin with (``Note: …``, ``Risk: …``, ``Idea: …``): they credit someone only when a
participant is called exactly that, and are never asked about as a near spelling (``Note`` is one letter from
Nate, ``Risk`` from Rick: asking at every such note would train the facilitator to dismiss the question)."""


def edit_distance(a: str, b: str) -> int:
    """Damerau–Levenshtein distance (optimal string alignment): insertions, deletions, substitutions and swaps of
    two neighbouring letters each count one. ``edit_distance("bjron", "bjorn") == 1``."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def within_edits(a: str, b: str, limit: int) -> int | None:
    """``edit_distance(a, b)`` when it is at most ``limit``, else ``None``, without working it out when the
    lengths alone rule it out: every edit changes the length by at most one (a swap not at all), so the distance
    is at least the difference in length. Matching a typed prefix against 80 names then costs a few
    comparisons instead of 160 full distance tables (a note typed with a prefix such as "Facilitator note 3:"
    took about 20 ms of the key handler at 80 participants)."""
    if abs(len(a) - len(b)) > limit:
        return None
    distance = edit_distance(a, b)
    return distance if distance <= limit else None


def near_edits(key: str) -> int:
    """How many edits (``edit_distance``) a typed name may be from a name and still probably mean it: one typo
    up to five letters (``Bjron``, ``Mraia``), two from six (``Annnikka``). Letters only are counted."""
    letters = sum(c.isalpha() for c in key)
    return 0 if letters < NEAR_MIN_LETTERS else 1 if letters <= 5 else 2


def _is_word_part(cluster: str) -> bool:
    """True when ``cluster`` (a character and the marks after it) is part of a word: a letter or a digit, not an
    emoji (a keycap ``1️⃣`` is a digit with an enclosing mark, an emoji-style ``™️`` carries U+FE0F)."""
    return unicodedata.category(cluster[0])[0] in "LN" and not any(
        c == "\ufe0f" or unicodedata.category(c) == "Me" for c in cluster[1:]
    )


def trim_symbols(text: str) -> str:
    """``text`` without the emoji, symbols, punctuation and blanks before its first and after its last letter or
    digit: ``"👩‍🚀 Astro"`` → ``"Astro"``, ``"«Ana» 🇵🇹"`` → ``"Ana"``. A letter's own marks are kept
    (``"सीता"`` ends in a vowel sign), symbols between words too (``"Ana ⭐ Lopez"``). Text with no letter or digit
    (a name that is only ``"🚀"``) is returned unchanged, so such names still differ from one another."""
    clusters: list[str] = []
    for character in text:
        if clusters and unicodedata.category(character)[0] == "M":
            clusters[-1] += character
        else:
            clusters.append(character)
    words = [i for i, cluster in enumerate(clusters) if _is_word_part(cluster)]
    if not words:
        return text
    return "".join(clusters[words[0] : words[-1] + 1])


_MARKS = frozenset({"Mn", "Mc", "Me"})


def name_key(name: str) -> str:
    """The form two names are compared in: case, accents, invisible characters and punctuation folded, and the
    emoji and symbols around the name dropped (``trim_symbols``).

    ``"  Björn  Ångström "`` → ``"bjorn angstrom"``; ``"Anne-Marie"`` and ``"anne marie"`` → ``"anne marie"``;
    ``"O’Neil"`` → ``"oneil"``; ``"👩‍🚀 Astro"`` and ``"astro:"`` → ``"astro"``. Letters of other scripts are
    kept (``"Ана"`` is not ``"Ana"``).
    """
    # Unicode's compatibility caseless match (D146: NFKD(casefold(NFKD(casefold(NFD(X)))))), before the marks go:
    # a mark that case folding turns into a letter stays one ("ᾳ", alpha with the iota subscript U+0345, is "ΑΙ"
    # in capitals and "αι" folded; dropping U+0345 as a mark first made "ΑΙ" someone else). Symbols are trimmed
    # after the first case fold, so that a name and its capitals are trimmed alike ("ß️" is "SS️" in capitals:
    # the emoji's U+FE0F sits on the second S, and trimming first kept "ß️" whole but dropped "S️"), and before
    # NFKD, which spells "™" as "TM"
    trimmed = text = trim_symbols(unicodedata.normalize("NFD", name).casefold())
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
    text = text.translate(_LETTERS)
    text = _DROPPED.sub("", text)
    # NFKD may make letters or punctuation at the edges of what was trimmed (":🈐" is ":手", "㈠" is "(一)"):
    # trimmed again, as the key of ":手" or "(一)" is, so that folding twice changes nothing
    key = _SEPARATORS.sub(" ", trim_symbols(_SEPARATORS.sub(" ", text).strip())).strip()
    while key and unicodedata.category(key[0]) in _MARKS:  # a mark decomposition left in front ("ำ", Thai
        key = key[1:].lstrip()  # SARA AM, is NIKHAHIT + SARA AA) goes, as trim_symbols drops one: folding twice
    if key:  # changes nothing
        return key
    # Nothing but marks once decomposed (Arabic presentation forms such as "ﱞ", U+FC5E, a shadda over dammatan):
    # compared as written, case folded, so that the name still means its person
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", trimmed or name).casefold()).strip()


_folded = functools.lru_cache(maxsize=4096)(name_key)
"""``name_key`` of participants' names, remembered: matching folds every participant's name at every note."""


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
    """Whom ``typed`` means among ``people`` (present and departed), by these rules in turn:

    1. a full name (folded by ``name_key``): ``anna``, ``bjorn angstrom``;
    2. the first word(s) of a name: ``ben`` for Ben Okafor; one such person gives ``one``, several (two Marias)
       give ``several``. Present people are preferred over departed ones in both;
    3. otherwise, unless ``typed`` has fewer than ``NEAR_MIN_LETTERS`` letters or is one of ``COMMON_LABELS``,
       ``near``: the people whose first name or full name begins with it (``Ann`` → Anna, Annika), whose other
       name words equal it (``Lee`` → Chris Lee), or whose first or full name is within ``near_edits`` edits of it
       (``Bjron`` → Björn), closest first;
    4. ``none``.

    Returns a ``NameMatch``; never raises.
    """
    key = name_key(typed)
    if not key:
        return NameMatch("none")
    words = key.split(" ")
    for rule in (
        lambda p: _folded(p.name) == key,
        lambda p: _folded(p.name).split(" ")[: len(words)] == words,
    ):
        found = [p for p in people if rule(p)]
        present = [p for p in found if p.active]
        chosen = present or found
        if len(chosen) == 1:
            return NameMatch("one", (chosen[0],))
        if chosen:
            return NameMatch("several", tuple(chosen))
    allowed = near_edits(key)
    if not allowed or key in COMMON_LABELS:
        return NameMatch("none")
    ranked: list[tuple[int, int, Person]] = []
    for index, person in enumerate(people):
        full = _folded(person.name)
        parts = full.split(" ")
        if not full:
            continue
        first = " ".join(parts[: len(words)])
        if full.startswith(key) or first.startswith(key) or (len(words) == 1 and key in parts[1:]):
            ranked.append((0, index, person))
            continue
        distances = [d for d in (within_edits(key, full, allowed), within_edits(key, first, allowed)) if d is not None]
        if distances:
            ranked.append((min(distances), index, person))
    ranked.sort(key=lambda r: (r[0], not r[2].active, r[1]))
    return NameMatch("near", tuple(p for _, _, p in ranked)) if ranked else NameMatch("none")


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
    return credited(split_author(text, people), text)


def credited(prefix: AuthorPrefix | None, text: str) -> tuple[int | None, str]:
    """``credit_author`` for a ``prefix`` already read from ``text`` by ``split_author`` (not read twice)."""
    if prefix is None or prefix.match.kind != "one":
        return None, text
    return prefix.match.people[0].id, prefix.body
