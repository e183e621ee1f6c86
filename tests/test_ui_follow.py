"""Screens follow the session: a change made through the session itself (not through a screen) reaches every open
widget that shows it, one test per event kind; and no screen redraws itself after its own session call.

Each test opens the screen(s) that show a kind of change, makes the change through ``app.session`` directly (as a
second input, a palette command or another process would), lets the messages settle, and compares what the open
screen shows with a fresh screen built from the same state: a screen that missed the change shows the old state.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from facilitation.clock import FakeClock
from screens.action_plan import ActionPlanScreen
from screens.agenda_overview import AgendaOverviewScreen
from screens.app import WorkshopApp, make_app
from screens.readiness import ReadinessScreen
from screens.setup import SetupScreen
from screens.stage import StageScreen
from screens.summary import SummaryScreen
from screens.voting.ballot import ParticipantBallotScreen
from screens.voting.board import VoteBoardScreen
from screens.voting.results import VoteResultsScreen
from screens.widgets import NoteList
from tests.ui_helpers import screen_text, session_of
from workshop.session import ActionChange, WorkshopLibrary, WorkshopSession
from workshop.store import Store

SIZE = (120, 40)
Step = Callable[[WorkshopSession], Any]


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def app(library: WorkshopLibrary, clock: FakeClock) -> Iterator[WorkshopApp]:
    session = library.create("Leadership offsite", participants=["Ana", "Ben", "Chloé"])
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def _ids(session: WorkshopSession) -> dict[str, int]:
    return {p.name: p.id for p in session.workshop.active_participants()}


def _note(session: WorkshopSession, text: str) -> int:
    return next(n.id for n in session.workshop.notes.values() if n.text == text)


def _seed_notes(session: WorkshopSession) -> None:
    ana = _ids(session)["Ana"]
    for text in ("Shared dashboard", "Weekly demo", "Pair on support"):
        session.notes.add(text, author_id=ana)


async def _settled_text(pilot: Pilot[None], app: WorkshopApp) -> str:
    """The screen's text once it stops changing (a busy machine may draw a new screen's key bar a frame late)."""
    text = screen_text(app)
    for _ in range(50):
        await pilot.pause()
        again = screen_text(app)
        if again == text:
            return text
        text = again
    return text


async def _fresh_text(pilot: Pilot[None], app: WorkshopApp, make: Callable[[], Screen[Any]]) -> str:
    await app.push_screen(make())
    await pilot.pause()
    text = await _settled_text(pilot, app)
    app.pop_screen()
    await pilot.pause()
    return text


async def _follows(
    app: WorkshopApp, screens: list[Callable[[], Screen[Any]]], before: Step, change: Step
) -> None:
    """Open ``screens`` (each above the last), run ``change`` through the session, and check every one of them
    shows what a fresh screen of the same kind shows."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = session_of(app)
        before(session)
        await pilot.pause()
        opened: list[Screen[Any]] = [app.screen] if not screens else []
        for make in screens:
            screen = make()
            await app.push_screen(screen)
            await pilot.pause()
            opened.append(screen)
        shown_before = screen_text(app)
        change(session)
        await pilot.pause()
        await pilot.pause()
        assert screen_text(app) != shown_before, "the top screen did not follow the change"
        factories = screens if screens else [type(s) for s in opened]
        for index in range(len(opened) - 1, -1, -1):
            followed = await _settled_text(pilot, app)
            fresh = await _fresh_text(pilot, app, _factory(opened[index], factories[index]))
            assert followed == fresh, f"{type(opened[index]).__name__} missed the change"
            if index:
                app.pop_screen()
                await pilot.pause()


def _factory(screen: Screen[Any], make: Callable[..., Screen[Any]]) -> Callable[[], Screen[Any]]:
    if isinstance(screen, VoteBoardScreen | VoteResultsScreen):
        return lambda: type(screen)(screen.ballot_id)
    if isinstance(screen, ReadinessScreen):
        return lambda: ReadinessScreen(screen.round)
    return make


NOTE_CHANGES: dict[str, Step] = {
    "note.added": lambda s: s.notes.add("Customers help each other"),
    "note.edited": lambda s: s.notes.edit(_note(s, "Weekly demo"), "Weekly demo on Fridays"),
    "note.deleted": lambda s: s.notes.delete(_note(s, "Weekly demo")),
    "note.moved": lambda s: s.notes.move(_note(s, "Weekly demo"), s.workshop.agenda()[-1].id),
    "note.reordered": lambda s: s.notes.reorder(_note(s, "Pair on support"), -2),
    "note.merged": lambda s: s.notes.merge(_note(s, "Shared dashboard"), _note(s, "Weekly demo")),
    "note.marked": lambda s: s.notes.mark(_note(s, "Weekly demo"), "decision"),
    "note.withheld": lambda s: s.notes.hide(_note(s, "Weekly demo")),
}


@pytest.mark.parametrize("kind", sorted(NOTE_CHANGES))
async def test_note_changes_reach_the_stage(app: WorkshopApp, kind: str) -> None:
    await _follows(app, [], _seed_notes, NOTE_CHANGES[kind])


@pytest.mark.parametrize("kind", ["note.added", "note.deleted", "note.marked", "note.merged", "note.moved"])
async def test_note_changes_reach_the_summary_and_the_stage_under_it(app: WorkshopApp, kind: str) -> None:
    """The summary counts notes and decisions; the stage screen under it follows while covered."""
    await _follows(app, [StageScreen, SummaryScreen], _seed_notes, NOTE_CHANGES[kind])


async def test_note_shown_reaches_the_stage(app: WorkshopApp) -> None:
    """``note.shown``: a note hidden from the room is shown again (its mark on the list goes)."""

    def before(session: WorkshopSession) -> None:
        _seed_notes(session)
        session.notes.hide(_note(session, "Weekly demo"))

    await _follows(app, [], before, lambda s: s.notes.hide(_note(s, "Weekly demo"), False))


async def test_note_restored_reaches_the_stage(app: WorkshopApp) -> None:
    def before(session: WorkshopSession) -> None:
        _seed_notes(session)
        session.notes.delete(_note(session, "Weekly demo"))

    await _follows(app, [], before, lambda s: s.notes.undo_delete())


async def test_note_changes_reach_a_covered_stage_screen(app: WorkshopApp) -> None:
    """The stage under the summary follows while covered: no redraw is needed when it shows again."""
    await _follows(
        app, [StageScreen, SummaryScreen], _seed_notes, lambda s: s.notes.add("Seen from the summary")
    )


STAGE_CHANGES: dict[str, Step] = {
    "stage.entered": lambda s: s.agenda.next(),
    "stage.renamed": lambda s: s.agenda.rename(s.stage().id, "Why we are here"),
    "stage.retimed": lambda s: s.agenda.set_minutes(s.stage().id, 25),
    "stage.moved": lambda s: s.agenda.move(s.workshop.agenda()[2].id, -1),
    "stage.skipped": lambda s: s.agenda.set_skipped(s.workshop.agenda()[2].id, True),
    "stage.added": lambda s: s.agenda.add("Energiser", 5, after_stage_id=s.stage().id),
    "workshop.sound": lambda s: s.agenda.set_muted(True),
    "workshop.edited": lambda s: s.agenda.update_details(title="Leadership offsite 2026"),
    "timer.start": lambda s: s.timer.start(),
    "timer.extend": lambda s: s.timer.extend(5),
    "timer.finish": lambda s: s.timer.finish(advance=False),
}


@pytest.mark.parametrize("kind", sorted(STAGE_CHANGES))
async def test_stage_and_timer_changes_reach_the_stage_and_the_agenda(app: WorkshopApp, kind: str) -> None:
    await _follows(app, [], lambda s: None, STAGE_CHANGES[kind])


TIMER_KINDS = ["timer.pause", "timer.resume", "timer.reset", "timer.shorten"]


@pytest.mark.parametrize("kind", TIMER_KINDS)
async def test_timer_changes_reach_the_stage(app: WorkshopApp, kind: str, clock: FakeClock) -> None:
    def before(session: WorkshopSession) -> None:
        session.timer.start()
        clock.advance(90)
        if kind == "timer.resume":
            session.timer.pause()

    action = kind.split(".")[1]
    args = (1,) if action == "shorten" else ()
    await _follows(app, [], before, lambda s: getattr(s.timer, action)(*args))


async def test_stage_changes_reach_the_agenda_overview_above_the_stage(app: WorkshopApp) -> None:
    await _follows(
        app,
        [StageScreen, AgendaOverviewScreen],
        lambda s: None,
        lambda s: s.agenda.set_minutes(s.stage().id, 40),
    )


PARTICIPANT_CHANGES: dict[str, Step] = {
    "participant.added": lambda s: s.participants.add("Dana"),
    "participant.renamed": lambda s: s.participants.rename(_ids(s)["Ana"], "Anna"),
    "participant.removed": lambda s: s.participants.remove(_ids(s)["Ben"]),
}


@pytest.mark.parametrize("kind", sorted(PARTICIPANT_CHANGES))
async def test_participant_changes_reach_set_up_and_readiness(app: WorkshopApp, kind: str) -> None:
    await _follows(app, [SetupScreen, ReadinessScreen], _seed_notes, PARTICIPANT_CHANGES[kind])


async def test_a_renamed_author_is_renamed_on_the_stage(app: WorkshopApp) -> None:
    await _follows(app, [], _seed_notes, PARTICIPANT_CHANGES["participant.renamed"])


def _open_vote(session: WorkshopSession, mode: str = "private") -> None:
    _seed_notes(session)
    session.votes.open(session.stage().id, mode=mode, budget=3, cap=2)


def _ballot(session: WorkshopSession) -> int:
    ballot = session.votes.latest(session.stage().id)
    assert ballot is not None
    return ballot.id


def _cast(session: WorkshopSession, name: str = "Ana", text: str = "Weekly demo") -> None:
    session.votes.cast(_ballot(session), _ids(session)[name], _note(session, text))


VOTE_CHANGES: dict[str, tuple[Step, Step]] = {
    "vote.cast": (_open_vote, _cast),
    "vote.retracted": (
        lambda s: (_open_vote(s), _cast(s)),
        lambda s: s.votes.retract(_ballot(s), _ids(s)["Ana"], _note(s, "Weekly demo")),
    ),
    "vote.submitted": (
        lambda s: (_open_vote(s), _cast(s)),
        lambda s: s.votes.submit(_ballot(s), _ids(s)["Ana"]),
    ),
    "vote.unsubmitted": (
        lambda s: (_open_vote(s), _cast(s), s.votes.submit(_ballot(s), _ids(s)["Ana"])),
        lambda s: s.votes.unsubmit(_ballot(s), _ids(s)["Ana"]),
    ),
    "vote.limits": (_open_vote, lambda s: s.votes.set_limits(_ballot(s), budget=5)),
    "vote.reset": (lambda s: (_open_vote(s), _cast(s)), lambda s: s.votes.reset(_ballot(s))),
    "vote.tallied": (
        lambda s: _open_vote(s, "tally"),
        lambda s: s.votes.tally(_ballot(s), _note(s, "Weekly demo"), 4),
    ),
}


HIDDEN_ON_THE_BOARD = {"vote.cast", "vote.retracted", "vote.reset"}
"""Dots are private until the reveal: the board shows who confirmed, not who cast what; Ana's own ballot shows
her dots."""


@pytest.mark.parametrize("kind", sorted(VOTE_CHANGES))
async def test_vote_changes_reach_the_board_or_the_voters_ballot(app: WorkshopApp, kind: str) -> None:
    before, change = VOTE_CHANGES[kind]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = session_of(app)
        before(session)
        ballot_id = _ballot(session)
        ana = _ids(session)["Ana"]
        make: Callable[[], Screen[Any]] = (
            (lambda: ParticipantBallotScreen(ballot_id, ana))
            if kind in HIDDEN_ON_THE_BOARD
            else (lambda: VoteBoardScreen(ballot_id))
        )
        await app.push_screen(make())
        await pilot.pause()
        shown_before = screen_text(app)
        change(session)
        await pilot.pause()
        await pilot.pause()
        followed = await _settled_text(pilot, app)
        assert followed != shown_before
        assert followed == await _fresh_text(pilot, app, make)


RESULT_KINDS = ["note.marked", "vote.revealed", "vote.reopened"]


@pytest.mark.parametrize("kind", RESULT_KINDS)
async def test_vote_results_follow_marks_and_reveals(app: WorkshopApp, kind: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = session_of(app)
        _open_vote(session)
        _cast(session)
        ballot_id = _ballot(session)
        session.votes.close(ballot_id)
        await app.push_screen(VoteResultsScreen(ballot_id))
        await pilot.pause()
        shown_before = screen_text(app)
        if kind == "note.marked":
            session.notes.mark(_note(session, "Weekly demo"), "decision")
        elif kind == "vote.reopened":
            session.votes.reopen(ballot_id)
        else:
            session.votes.reopen(ballot_id)
            await pilot.pause()
            shown_before = screen_text(app)
            _cast(session, "Ben", "Shared dashboard")
            session.votes.close(ballot_id)
        await pilot.pause()
        await pilot.pause()
        followed = await _settled_text(pilot, app)
        assert followed != shown_before
        assert followed == await _fresh_text(pilot, app, lambda: VoteResultsScreen(ballot_id))


ACTION_CHANGES: dict[str, tuple[Step, Step]] = {
    "action.added": (lambda s: None, lambda s: s.actions.add("Publish the dashboard", owner="Ana")),
    "action.edited": (
        lambda s: s.actions.add("Publish the dashboard"),
        lambda s: s.actions.edit(1, ActionChange(owner="Ben", due="2026-12-15")),
    ),
    "action.deleted": (lambda s: s.actions.add("Publish the dashboard"), lambda s: s.actions.delete(1)),
    "action.reordered": (
        lambda s: (s.actions.add("First"), s.actions.add("Second")),
        lambda s: s.actions.move(2, -1),
    ),
}


@pytest.mark.parametrize("kind", sorted(ACTION_CHANGES))
async def test_action_changes_reach_the_action_plan(app: WorkshopApp, kind: str) -> None:
    before, change = ACTION_CHANGES[kind]
    await _follows(app, [ActionPlanScreen], before, change)


async def test_readiness_answers_reach_the_readiness_screen(app: WorkshopApp) -> None:
    await _follows(
        app,
        [ReadinessScreen],
        lambda s: None,
        lambda s: s.readiness.record(_ids(s)["Ana"], attitude=None, scores={"vision": 4}),
    )


MORE_STAGE_CHANGES: dict[str, tuple[Step, Step]] = {
    "note.undone": (
        lambda s: (_seed_notes(s), s.notes.edit(_note(s, "Weekly demo"), "Weekly demo on Fridays")),
        lambda s: s.notes.undo(),
    ),
    "notes.revealed": (
        lambda s: (s.agenda.next(), s.notes.set_silent(True), _seed_notes(s)),
        lambda s: s.notes.reveal(),
    ),
    "stage.unskipped": (
        lambda s: s.agenda.set_skipped(s.workshop.agenda()[2].id, True),
        lambda s: s.agenda.set_skipped(s.workshop.agenda(include_skipped=True)[2].id, False),
    ),
}


@pytest.mark.parametrize("kind", sorted(MORE_STAGE_CHANGES))
async def test_more_changes_reach_the_stage(app: WorkshopApp, kind: str) -> None:
    before, change = MORE_STAGE_CHANGES[kind]
    await _follows(app, [], before, change)


READINESS_RESULT = ["readiness.shown", "readiness.hidden"]


@pytest.mark.parametrize("kind", READINESS_RESULT)
async def test_showing_or_hiding_the_readiness_result_reaches_the_readiness_screen(
    app: WorkshopApp, kind: str
) -> None:
    """Shown or hidden from another window (or the palette), the result appears or goes on this one."""

    def before(session: WorkshopSession) -> None:
        ids = _ids(session)
        session.readiness.record(ids["Ana"], attitude=None, scores={"vision": 4})
        if kind == "readiness.hidden":
            session.log("readiness.shown", "Readiness result shown", data={"round": "start"})

    await _follows(
        app,
        [ReadinessScreen],
        before,
        lambda s: s.log(kind, f"Readiness result {kind.split('.')[1]}", data={"round": "start"}),
    )


ROOM_SCREEN_KINDS = {"stage.silent", "workshop.anonymous_notes"}
"""Shown on the room screen, which needs a running room: followed in
``tests/test_room_app.py::test_the_room_screen_follows_silent_brainstorming_and_anonymity``."""


NO_WIDGET_SHOWS = {
    "export.written": "the minutes only: no screen lists the event log",
    "template.saved": "the minutes only: the template itself is a setting, read when a set-up screen opens",
    "room.opened": "drawn from the room's own server on the facilitator's screen; the projector, which has no "
    "server, follows it (tests/test_projector.py)",
    "room.locked": "as room.opened",
    "room.closed": "as room.opened",
    "vote.opened": "the facilitator's vote board reads the vote as it opens; the projector follows the opening "
    "(tests/test_projector.py)",
}
"""Kinds the session publishes that no widget of the facilitator's window draws from the change, and why."""


def _covered_kinds() -> set[str]:
    return {
        *NOTE_CHANGES,
        "note.undone",
        "note.shown",
        *STAGE_CHANGES,
        *TIMER_KINDS,
        *PARTICIPANT_CHANGES,
        *VOTE_CHANGES,
        *RESULT_KINDS,
        *ACTION_CHANGES,
        "readiness.recorded",
        *MORE_STAGE_CHANGES,
        *READINESS_RESULT,
        *ROOM_SCREEN_KINDS,
    }


def published_kinds() -> dict[str, str]:
    """Every event kind published through the session, with where: read from the source (the kind given to
    ``Ledger.commit``, ``session.log``, the room's ``_log_room`` and the timer's ``_change``), so a new kind is
    found without anyone listing it."""
    kinds: dict[str, str] = {}
    calls = {"commit": 0, "log": 0, "_log_room": 1, "_change": 0}
    root = Path(__file__).resolve().parent.parent
    for folder in ("workshop/session", "screens", "room"):
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root)
            module: ModuleType | None = None
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                if name not in calls or len(node.args) <= calls[name]:
                    continue
                argument = node.args[calls[name]]
                for given in (
                    [argument.body, argument.orelse] if isinstance(argument, ast.IfExp) else [argument]
                ):
                    value: object = None
                    if isinstance(given, ast.Constant):
                        value = given.value
                    elif isinstance(
                        given, ast.Name
                    ):  # a constant such as facilitation.readiness.RESULT_SHOWN
                        module = module or importlib.import_module(".".join(relative.with_suffix("").parts))
                        value = getattr(module, given.id, None)
                    if isinstance(value, str) and name == "_change":
                        value = f"timer.{value}"
                    if isinstance(value, str) and re.fullmatch(r"[a-z_]+\.[a-z_]+", value):
                        kinds.setdefault(value, f"{relative}:{node.lineno}")
    return kinds


def test_every_kind_the_session_publishes_has_a_follow_test() -> None:
    """A new event kind fails here until a test above shows it reaching the widgets that draw it (or
    ``NO_WIDGET_SHOWS`` says why none does)."""
    published = published_kinds()
    assert len(published) > 40  # the scan found the kinds
    untested = {
        kind: where
        for kind, where in published.items()
        if kind not in _covered_kinds() | set(NO_WIDGET_SHOWS)
    }
    assert not untested, f"event kinds without a follow test: {untested}"
    stale = (_covered_kinds() | set(NO_WIDGET_SHOWS)) - set(published)
    assert not stale, f"tests for kinds nothing publishes any more: {stale}"


# --- no screen redraws itself after its own call ---------------------------------------------------------


async def test_the_stage_shows_its_own_changes_only_through_the_published_change(app: WorkshopApp) -> None:
    """With the app no longer relaying changes, a note typed on the stage is saved but not shown: the screen
    does not patch its own widgets after its session call (the relay is the one path)."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = session_of(app)
        notes = app.screen.query_one("#notes", NoteList)
        await pilot.press("i", *"Seen", "enter")
        await pilot.pause()
        assert notes.note_count == 1
        app.session = None  # unsubscribes the relay; the session stays open for the test
        app._session = session
        await pilot.press(*"Not relayed", "enter")
        await pilot.pause()
        assert [n.text for n in session.workshop.live_notes()] == ["Seen", "Not relayed"]
        assert notes.note_count == 1
        app.session = session


async def test_the_action_plan_shows_its_own_changes_only_through_the_published_change(
    app: WorkshopApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        session = session_of(app)
        session.actions.add("Publish the dashboard")
        await app.push_screen(ActionPlanScreen())
        await pilot.pause()
        app.session = None
        app._session = session
        before = screen_text(app)
        await pilot.press("tab", "space")
        await pilot.pause()
        assert session.workshop.actions[1].status == "done"
        assert screen_text(app) == before
        app.session = session
