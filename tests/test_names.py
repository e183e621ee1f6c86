"""Which participant a typed name means, and which names are too alike to tell apart."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from facilitation.names import Person, clash, match_name, name_key, same_name, split_author

ROOM = [
    Person(1, "Anna"),
    Person(2, "Björn Ångström"),
    Person(3, "Anne-Marie Dupont"),
    Person(4, "Chris Lee"),
    Person(5, "Chris Park"),
    Person(6, "Zoë", active=False),
]


@pytest.mark.parametrize(
    ("a", "b"),
    [("Anna", "anna"), ("Björn", "Bjorn"), ("BJÖRN", "bjorn"), ("Anne-Marie", "anne marie"), ("Zoë", "Zoe"),
     ("  Ana   Lopez ", "ana lopez"), ("O’Neil", "ONeil"), ("Søren", "Soren"), ("Ana\u200b", "Ana"),
     ("Ａｎａ", "Ana"), ("Straße", "STRASSE"), ("José", "Jose\u0301")],
)  # fmt: skip
def test_names_nobody_could_tell_apart(a: str, b: str) -> None:
    assert same_name(a, b)


@pytest.mark.parametrize(
    ("a", "b"), [("Ana", "Anna"), ("Ana", "Ана"), ("Chris Lee", "Chris Park"), ("Jo", "Joe")]
)
def test_names_that_differ(a: str, b: str) -> None:
    assert not same_name(a, b)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("anna", 1), ("ANNA", 1), ("Bjorn", 2), ("bjorn angstrom", 2), ("anne marie dupont", 3), ("Anne-Marie", 3),
     ("chris lee", 4), ("zoe", 6)],
)  # fmt: skip
def test_a_typed_name_credits_the_one_person_it_means(typed: str, expected: int) -> None:
    found = match_name(typed, ROOM)
    assert found.kind == "one" and found.people[0].id == expected


def test_a_first_name_two_people_share_asks() -> None:
    found = match_name("chris", ROOM)
    assert found.kind == "several" and {p.id for p in found.people} == {4, 5}


def test_a_present_person_is_preferred_over_a_departed_namesake() -> None:
    found = match_name("zoe", [*ROOM, Person(7, "Zoe")])
    assert found.kind == "one" and found.people[0].id == 7


@pytest.mark.parametrize("typed", ["Bjrn", "Ana", "Anne Marei"])
def test_a_near_spelling_is_offered_not_guessed(typed: str) -> None:
    found = match_name(typed, ROOM)
    assert found.kind == "near" and found.people


@pytest.mark.parametrize("typed", ["Risk", "Idea", "", "   ", "TODO"])
def test_words_that_name_nobody(typed: str) -> None:
    assert match_name(typed, ROOM).kind == "none"


def test_clash_finds_the_participant_a_new_name_cannot_be_told_from() -> None:
    assert clash("bjorn ångström", ROOM) == ROOM[1]
    assert clash("Anna", ROOM, ignore=1) is None
    assert clash("Ann", ROOM) is None


@pytest.mark.parametrize(
    ("text", "typed", "kind", "body"),
    [("anna: we need X", "anna", "one", "we need X"), ("Bjorn: ship it", "Bjorn", "one", "ship it"),
     ("Risk: we are late", "Risk", "none", "we are late"), ("chris: hi", "chris", "several", "hi")],
)  # fmt: skip
def test_author_prefixes(text: str, typed: str, kind: str, body: str) -> None:
    prefix = split_author(text, ROOM)
    assert prefix is not None
    assert (prefix.typed, prefix.match.kind, prefix.body) == (typed, kind, body)


@pytest.mark.parametrize(
    "text", ["plain note", "https://example.org: a link", "anna:", "one two three four: x"]
)
def test_text_without_an_author_prefix(text: str) -> None:
    assert split_author(text, ROOM) is None


@given(st.text(max_size=40), st.text(max_size=40))
def test_name_key_is_idempotent_and_same_name_symmetric(a: str, b: str) -> None:
    assert name_key(name_key(a)) == name_key(a)
    assert same_name(a, b) == same_name(b, a)


@given(st.text(max_size=40), st.lists(st.text(min_size=1, max_size=20), max_size=8))
def test_matching_never_fails_and_one_means_one(typed: str, names: list[str]) -> None:
    people = [Person(i, n) for i, n in enumerate(names)]
    found = match_name(typed, people)
    assert found.kind in ("one", "several", "near", "none")
    if found.kind == "one":
        assert len(found.people) == 1
    if found.kind == "several":
        assert len(found.people) > 1


# --- the session refuses names nobody could tell apart ------------------------------------------------------


@pytest.mark.parametrize("typed", ["ana", "ANA", "Ána", "  Ana  "])
def test_a_participant_the_room_cannot_tell_apart_is_refused(session, typed: str) -> None:  # type: ignore[no-untyped-def]
    from workshop.session import SessionError

    with pytest.raises(SessionError, match="cannot be told apart from Ana"):
        session.participants.add(typed)


def test_renaming_into_a_name_already_here_is_refused_but_a_new_spelling_of_ones_own_is_not(session) -> None:  # type: ignore[no-untyped-def]
    from workshop.session import SessionError

    people = {p.name: p.id for p in session.workshop.active_participants()}
    with pytest.raises(SessionError, match="cannot be told apart from Chloé"):
        session.participants.rename(people["Ben"], "Chloe")
    assert session.participants.rename(people["Chloé"], "CHLOÉ").name == "CHLOÉ"
