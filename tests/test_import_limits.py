"""Import applies the app's own limits: a value no workshop could hold is refused with the path of its field, and
whatever is accepted exports in every format (a timer started at 1e300 once imported and broke every export)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exports import csv_export, docx_export, interchange, markdown
from exports.interchange import FormatError
from tests.test_interchange import EXPORTED_AT, rich_workshop

BASE: dict[str, Any] = json.loads(interchange.dumps(rich_workshop(), exported_at=EXPORTED_AT))


def numeric_paths(value: Any, where: str = "") -> list[tuple[str, list[Any]]]:
    """Every number in the document: its printed location and the keys that reach it."""
    found: list[tuple[str, list[Any]]] = []

    def walk(item: Any, shown: str, keys: list[Any]) -> None:
        if isinstance(item, bool):
            return
        if isinstance(item, int | float):
            found.append((shown, keys))
        elif isinstance(item, dict):
            for key, sub in item.items():
                part = f"{shown}.{key}" if key.isidentifier() else f'{shown}["{key}"]'
                walk(sub, part.lstrip("."), [*keys, key])
        elif isinstance(item, list):
            for index, sub in enumerate(item):
                walk(sub, f"{shown}[{index}]", [*keys, index])

    walk(value, where, [])
    return [(shown, keys) for shown, keys in found if keys[0] not in ("version",)]


PATHS = numeric_paths(BASE)
EXTREME = st.one_of(
    st.sampled_from(
        [1e300, -1e300, 1.7976931348623157e308, 5e-324, -0.0, 10**30, -(10**30), 2**63, -1, 1e18]
    ),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**40), max_value=10**40),
)


def with_value(keys: list[Any], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    target = data
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value
    return data


def test_a_timer_started_at_1e300_is_refused_with_its_path() -> None:
    index = next(i for i, stage in enumerate(BASE["stages"]) if stage["timer"])
    data = with_value(["stages", index, "timer", "started_at"], 1e300)
    with pytest.raises(FormatError) as caught:
        interchange.from_interchange(data)
    assert caught.value.location == f"stages[{index}].timer.started_at"
    assert "between 1970 and 2100" in caught.value.problem


@pytest.mark.parametrize(
    ("keys", "value", "location", "words"),
    [
        (["workshop", "title"], "T" * 201, "workshop.title", "at most 200 characters, got 201"),
        (["participants", 0, "name"], "N" * 81, "participants[0].name", "at most 80 characters"),
        (["notes", 0, "text"], "x" * 200_001, "notes[0].text", "at most 200,000 characters"),
        (["notes", 0, "created_at"], -5.0, "notes[0].created_at", "between 1970 and 2100"),
        (["notes", 0, "created_at"], 4_200_000_000.0, "notes[0].created_at", "between 1970 and 2100"),
        (["events", 0, "at"], 1e300, "events[0].at", "between 1970 and 2100"),
        (["stages", 0, "minutes"], 601, "stages[0].minutes", "0 to 600 minutes"),
        (["workshop", "date"], "9999-12-31", "workshop.date", "years 1970 to 2099"),
        (["actions", 0, "due"], "0001-01-01", "actions[0].due", "years 1970 to 2099"),
        (["ballots", 0, "budget"], 10**9, "ballots[0].budget", "0 to 10000 dots"),
        (["notes", 0, "position"], 1e300, "notes[0].position", "to 1e+12"),
    ],
)
def test_values_beyond_the_app_are_refused_with_their_path(
    keys: list[Any], value: Any, location: str, words: str
) -> None:
    with pytest.raises(FormatError) as caught:
        interchange.from_interchange(with_value(keys, value))
    assert caught.value.location == location
    assert words in caught.value.problem


def test_too_many_participants_present_is_refused() -> None:
    data = copy.deepcopy(BASE)
    data["participants"] = [{"id": i, "name": f"P{i}"} for i in range(1, 202)] + data["participants"][:0]
    data["notes"], data["votes"], data["actions"], data["readiness"], data["ballots"] = [], [], [], [], []
    with pytest.raises(FormatError) as caught:
        interchange.from_interchange(data)
    assert caught.value.location == "participants"


@settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(choice=st.sampled_from(PATHS), value=EXTREME)
def test_any_extreme_number_is_refused_with_a_path_or_exports_everywhere(
    choice: tuple[str, list[Any]], value: Any
) -> None:
    where, keys = choice
    try:
        workshop = interchange.from_interchange(with_value(keys, value))
    except FormatError as error:
        assert error.location, str(error)
        if keys[-1] != "id" and not where.endswith("_id") and "_ids" not in where and "ids[" not in where:
            assert where.startswith(error.location), (where, str(error))
        return
    markdown.render(workshop, now=EXPORTED_AT)
    docx_export.render(workshop, now=EXPORTED_AT)
    csv_export.render(workshop)
    interchange.dumps(workshop)


@pytest.mark.parametrize("day", ["1970-01-01", "2099-12-31"])
def test_a_workshop_dated_at_the_ends_of_the_years_the_app_keeps_exports_and_imports_again(
    session: Any, day: str
) -> None:
    """The app's own dates are ones its import accepts: a workshop's JSON export always imports again."""
    session.agenda.update_details(date=day)
    session.actions.add("Publish the FAQ", due=day)
    back = interchange.from_interchange(json.loads(interchange.dumps(session.workshop, exported_at=EXPORTED_AT)))
    assert back.date == day and [a.due for a in back.actions.values()] == [day]


@pytest.mark.parametrize("day", ["1969-12-31", "1900-01-01", "2100-01-01", "2150-01-01", "9999-12-31"])
def test_the_app_refuses_a_workshop_date_or_due_date_its_import_would_refuse(
    session: Any, store: Any, day: str
) -> None:
    """A workshop dated 2150 (or an action due then) was saved, and its JSON export refused by its own import
    ("workshop.date: expected a date in the years 1970 to 2099"): the set-up, ``workshop new --date`` and the
    action form refuse it instead, saying why."""
    from workshop.session import SessionError, WorkshopSession

    with pytest.raises(SessionError, match=r"too far in the (future|past)"):
        session.agenda.update_details(date=day)
    with pytest.raises(SessionError, match=r"too far in the (future|past)"):
        session.actions.add("Publish the FAQ", due=day)
    with pytest.raises(SessionError, match=r"too far in the (future|past)"):
        WorkshopSession.create(store, "Offsite", date=day)
    assert session.workshop.date != day and not session.workshop.actions


def test_the_years_an_import_accepts_are_the_apps() -> None:
    from exports import limits
    from facilitation import dates

    assert limits.YEARS == dates.YEARS == (1970, 2099)


@pytest.mark.parametrize("twin", ["ANA SOUZA", "ana  souza", "Ána Souza 🚀", "ana-souza"])
def test_two_present_participants_nobody_could_tell_apart_are_refused(twin: str) -> None:
    """The app refuses a second "Ana Souza" in any case or accents; an import did not, and every "Ana: …" then
    credited a guess."""
    with pytest.raises(FormatError) as caught:
        interchange.from_interchange(with_value(["participants", 1, "name"], twin))
    assert caught.value.location == "participants[1].name"
    assert "cannot be told apart from" in caught.value.problem and "participants[0].name" in caught.value.problem


def test_a_departed_participant_may_share_a_present_ones_name() -> None:
    """Someone who left and someone present under the same name is what the app itself can hold."""
    gone = next(i for i, p in enumerate(BASE["participants"]) if not p["active"])
    workshop = interchange.from_interchange(with_value(["participants", gone, "name"], "ana souza"))
    assert sum(p.name.casefold() == "ana souza" for p in workshop.participants.values()) == 2
