"""A single stray key never restarts a timer, deletes or finishes anything without a confirmation or an undo.

``PROTECTION`` is the audit: every printable key bound on every screen, and what makes a stray press of it
harmless (docs/KEYS.md says the same for people). A new binding fails ``test_every_single_key_is_audited`` until
it is classified here. The behaviour is then tested: confirmations default to "no" and are not answered by
typing, undo keys give back exactly what was there, and a sweep over the stage screen's letters checks that
after each key and its undo the workshop is as it was.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.pilot import Pilot

import screens
from facilitation.clock import FakeClock
from screens.dialogs import ConfirmScreen
from screens.stage import StageScreen
from tests.ui_helpers import messages
from workshop.session import WorkshopLibrary
from workshop.store import Store

CONFIRM = "confirm"  # asks first; "no" has the focus, and any key but y answers no
UNDO = (
    "undo"  # done at once, and the key named in the table (or the notice) gives back exactly what was there
)
TOGGLE = "toggle"  # the same key again gives back exactly what was there
OPENS = "opens"  # opens a field, a form, a dialog or a screen: nothing changes until it is saved there
NAVIGATES = "navigates"  # moves between screens or stages; nothing changes (timers run on)
ASKS_IF_IRREVERSIBLE = "asks-if-irreversible"  # asks first when undoing it is impossible, else has an undo

PROTECTION: dict[tuple[str, str], tuple[str, str]] = {
    # the stage screen (the keys act on the notes list; in the note field every printable key types)
    ("StageScreen", "space"): (TOGGLE, "pauses/resumes; on a finished stage it asks before restarting"),
    ("StageScreen", "plus"): (UNDO, "minus takes the minute off again (#12)"),
    ("StageScreen", "equals_sign"): (UNDO, "minus takes the minute off again (#12)"),
    ("StageScreen", "right_square_bracket"): (UNDO, "minus five times"),
    ("StageScreen", "minus"): (UNDO, "plus adds the minute back (#12)"),
    ("StageScreen", "n"): (CONFIRM, "finishing a stage stops its timer for good"),
    ("StageScreen", "k"): (OPENS, "the readiness check"),
    ("StageScreen", "p"): (NAVIGATES, "the previous stage; n comes back"),
    ("StageScreen", "r"): (CONFIRM, "restarting clears the time run"),
    ("StageScreen", "i"): (OPENS, "the note field"),
    ("StageScreen", "w"): (UNDO, "w again until the author is back (shown beside the field)"),
    ("StageScreen", "e"): (OPENS, "the note editor"),
    ("StageScreen", "A"): (OPENS, "a list of authors; enter changes the note's author, u undoes it"),
    ("StageScreen", "d"): (UNDO, "u brings the note back (the notice says so)"),
    ("StageScreen", "u"): (UNDO, "d deletes the note again"),
    ("StageScreen", "v"): (OPENS, "the vote"),
    ("StageScreen", "x"): (TOGGLE, "decision mark"),
    ("StageScreen", "c"): (TOGGLE, "candidate mark"),
    ("StageScreen", "z"): (TOGGLE, "hidden from the room; z again shows it (u undoes too)"),
    ("StageScreen", "m"): (OPENS, "a list of stages; enter moves"),
    ("StageScreen", "g"): (OPENS, "a list of notes; enter merges"),
    ("StageScreen", "s"): (OPENS, "the summary"),
    ("StageScreen", "o"): (OPENS, "the action plan"),
    ("StageScreen", "a"): (OPENS, "the agenda overview"),
    ("StageScreen", "q"): (TOGGLE, "guiding questions shown or hidden"),
    ("StageScreen", "b"): (TOGGLE, "bell on or off"),
    ("StageScreen", "h"): (NAVIGATES, "home; the workshop is saved, timers run on, enter reopens it"),
    ("StageScreen", "j"): (OPENS, "the room: its open dialog (nothing starts before Open) or its screen"),
    # the room (participants' phones)
    ("RoomScreen", "l"): (TOGGLE, "lock: l again lets new devices in"),
    ("RoomScreen", "s"): (ASKS_IF_IRREVERSIBLE, "silent on: s again turns it off; off asks when it would reveal"),
    ("RoomScreen", "v"): (CONFIRM, "reveal the hidden notes"),
    ("RoomScreen", "t"): (TOGGLE, "credited or anonymous for the next notes"),
    ("RoomScreen", "a"): (CONFIRM, "let a new name in"),
    ("RoomScreen", "x"): (CONFIRM, "decline a request to join"),
    ("RoomScreen", "r"): (CONFIRM, "release a name (signs its device out)"),
    ("RoomScreen", "c"): (CONFIRM, "close the room"),
    ("WorkshopApp", "question_mark"): (OPENS, "help"),
    ("HelpScreen", "q"): (NAVIGATES, "closes help"),
    ("ProjectorApp", "t"): (TOGGLE, "the projector's light or dark theme; nothing in the workshop changes"),
    ("HelpScreen", "question_mark"): (NAVIGATES, "closes help"),
    # home
    ("HomeScreen", "o"): (NAVIGATES, "opens the workshop"),
    ("HomeScreen", "n"): (OPENS, "a new workshop's set-up"),
    ("HomeScreen", "e"): (OPENS, "set-up"),
    ("HomeScreen", "c"): (UNDO, "adds a copy; d deletes it"),
    ("HomeScreen", "d"): (CONFIRM, "delete"),
    ("HomeScreen", "w"): (UNDO, "adds a demo workshop; h and d delete it"),
    ("HomeScreen", "r"): (NAVIGATES, "re-reads the list"),
    ("HomeScreen", "slash"): (OPENS, "the filter field; escape clears it"),
    # set-up
    ("ParticipantList", "a"): (OPENS, "a list of names to add"),
    ("ParticipantList", "r"): (OPENS, "rename"),
    ("ParticipantList", "d"): (CONFIRM, "remove a participant"),
    ("AgendaTable", "plus"): (UNDO, "minus"),
    ("AgendaTable", "equals_sign"): (UNDO, "minus"),
    ("AgendaTable", "minus"): (UNDO, "plus"),
    ("AgendaTable", "m"): (OPENS, "type the minutes"),
    ("AgendaTable", "s"): (TOGGLE, "skip"),
    ("AgendaTable", "space"): (TOGGLE, "skip"),
    ("AgendaTable", "r"): (OPENS, "rename"),
    ("AgendaTable", "a"): (OPENS, "add a stage"),
    # action plan
    ("ActionPlanScreen", "a"): (OPENS, "the action form"),
    ("ActionPlanScreen", "n"): (OPENS, "the action form"),
    ("ActionPlanScreen", "e"): (OPENS, "the action form"),
    ("ActionPlanScreen", "space"): (TOGGLE, "done/open"),
    ("ActionPlanScreen", "c"): (TOGGLE, "done/open"),
    ("ActionPlanScreen", "d"): (CONFIRM, "delete an action"),
    ("ActionPlanScreen", "x"): (OPENS, "the export dialog"),
    # readiness
    ("ReadinessScreen", "n"): (OPENS, "the next participant's private entry"),
    ("ReadinessScreen", "f"): (OPENS, "the facilitator's entry form"),
    ("ReadinessScreen", "r"): (TOGGLE, "result shown or hidden"),
    ("ReadinessScreen", "t"): (TOGGLE, "start or end round"),
    ("ReadinessScreen", "c"): (TOGGLE, "comparison shown or hidden"),
    **{("ReadinessEntryScreen", str(d)): (OPENS, "an answer in the form; enter saves") for d in range(1, 7)},
    # votes
    ("ParticipantBallotScreen", "plus"): (UNDO, "minus takes the dot back"),
    ("ParticipantBallotScreen", "equals_sign"): (UNDO, "minus takes the dot back"),
    ("ParticipantBallotScreen", "space"): (UNDO, "minus takes the dot back"),
    ("ParticipantBallotScreen", "minus"): (UNDO, "plus puts the dot back"),
    ("VoteBoardScreen", "n"): (OPENS, "the next voter's ballot"),
    ("VoteBoardScreen", "plus"): (UNDO, "minus"),
    ("VoteBoardScreen", "equals_sign"): (UNDO, "minus"),
    ("VoteBoardScreen", "minus"): (UNDO, "plus"),
    ("VoteBoardScreen", "r"): (ASKS_IF_IRREVERSIBLE, "asks while voters are waiting; o re-opens, dots kept"),
    ("VoteBoardScreen", "l"): (OPENS, "the limits form"),
    ("VoteBoardScreen", "d"): (CONFIRM, "clear every dot"),
    ("VoteResultsScreen", "x"): (TOGGLE, "decision mark"),
    ("VoteResultsScreen", "c"): (TOGGLE, "candidate mark"),
    ("VoteResultsScreen", "o"): (UNDO, "r reveals again"),
    ("VoteResultsScreen", "R"): (CONFIRM, "a new run"),
    ("VoteResultsScreen", "d"): (CONFIRM, "clear every dot"),
    ("VoteResultsScreen", "n"): (OPENS, "a new vote's set-up"),
    # elsewhere
    ("AgendaOverviewScreen", "r"): (NAVIGATES, "recomputes the times"),
    ("SummaryScreen", "x"): (OPENS, "the export dialog"),
    ("SummaryScreen", "r"): (NAVIGATES, "redraws"),
    ("ConfirmScreen", "y"): (CONFIRM, "the answer itself"),
    ("ConfirmScreen", "Y"): (CONFIRM, "the answer itself"),
    ("ConfirmScreen", "n"): (NAVIGATES, "no"),
    ("ConfirmScreen", "N"): (NAVIGATES, "no"),
}

ANNOUNCED: set[tuple[str, str]] = {("StageScreen", "minus")}
"""Keys classified ahead of the change that binds them (issue #12's ``-``): not yet bound is not an error."""

NOT_TYPED = {"escape", "enter", "tab", "backspace", "delete", "insert", "home", "end", "pageup", "pagedown"}
"""Keys no run of typing produces by accident (or only as deliberate editing): not audited as stray keys."""


def single_key_bindings() -> set[tuple[str, str]]:
    """Every (class name, key) bound to a printable key in ``screens``."""
    found: set[tuple[str, str]] = set()
    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, DOMNode):
                continue
            for binding in cls.__dict__.get("BINDINGS", []):
                keys = binding.key if isinstance(binding, Binding) else binding[0]
                for key in (k.strip() for k in keys.split(",")):
                    if "+" in key or key in NOT_TYPED or key in {"up", "down", "left", "right"}:
                        continue
                    if key.startswith("f") and key[1:].isdigit():
                        continue
                    found.add((cls.__name__, key))
    return found


def test_every_single_key_is_audited() -> None:
    bound = single_key_bindings()
    missing = sorted(bound - PROTECTION.keys())
    stale = sorted(PROTECTION.keys() - bound - ANNOUNCED)
    assert not missing, f"classify these keys in PROTECTION (and docs/KEYS.md): {missing}"
    assert not stale, f"these keys are no longer bound: remove them from PROTECTION: {stale}"


# --- the confirmation dialog ---------------------------------------------------------------------------


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def app(library: WorkshopLibrary, clock: FakeClock) -> Iterator[Any]:
    from screens.app import make_app

    session = library.create("Stray keys", participants=["Ana", "Ben"])
    for text in ("first idea", "second idea", "third idea"):
        session.notes.add(text)
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def state(app: Any) -> tuple[Any, ...]:
    """Everything a stray key on the stage screen could change."""
    session = app.session
    ws = session.workshop
    timer = session.timer.of()
    notes = tuple(sorted((n.id, n.text, n.mark, n.stage_id) for n in ws.stage_notes(ws.current_stage_id)))
    screen = app.screen
    return (
        ws.current_stage_id,
        timer.status,
        timer.duration,
        round(timer.elapsed, 3),
        notes,
        ws.muted,
        getattr(screen, "_author_id", None),
        getattr(screen, "_show_prompts", None),
    )


async def back_to_stage(pilot: Pilot[Any]) -> None:
    """Escape out of whatever a key opened, back to the stage screen's notes list."""
    for _ in range(4):
        await pilot.pause()
        if isinstance(pilot.app.screen, StageScreen):
            break
        await pilot.press("escape")
    await pilot.pause()
    assert isinstance(pilot.app.screen, StageScreen), pilot.app.screen
    pilot.app.screen.notes.focus()
    await pilot.pause()


@pytest.mark.parametrize("answer", ["enter", "e", "space", "a", "1", "escape", "n"])
@pytest.mark.parametrize("key", ["r", "n"])
async def test_restart_and_finish_are_not_answered_by_typing(
    app: Any, clock: FakeClock, key: str, answer: str
) -> None:
    """``r`` and ``n`` ask; Enter alone, escape, n and any other typed key all leave the stage as it was."""
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space")
        clock.advance(11 * 60)  # time is up: n would finish, r would restart
        await pilot.pause()
        before = state(app)
        await pilot.press(key)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen) and dialog.safe_default
        await pilot.press(answer)
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        assert state(app) == before
        if answer not in ("enter", "escape", "n"):
            assert any("is not an answer" in m for m in messages(app))


async def test_a_typed_word_running_into_a_question_never_confirms_it(app: Any, clock: FakeClock) -> None:
    """The issue's example: typing "ready by friday" on the list (the field had lost the focus)."""
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space")
        clock.advance(60)
        await pilot.pause()
        timer_before = (app.session.timer.of().status, app.session.timer.of().elapsed, app.session.stage().id)
        await pilot.press(*"ready")
        await back_to_stage(pilot)
        assert (
            app.session.timer.of().status,
            app.session.timer.of().elapsed,
            app.session.stage().id,
        ) == timer_before


async def test_y_still_confirms(app: Any, clock: FakeClock) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space")
        clock.advance(60)
        await pilot.press("r", "y")
        await pilot.pause()
        assert app.session.timer.of().status == "idle"


# --- the stage screen, key by key ------------------------------------------------------------------------

UNDO_KEYS: dict[str, list[str]] = {
    "space": ["space"],
    "w": ["w", "w"],  # anonymous → Ana → Ben → anonymous
    "d": ["u"],
    "x": ["x"],
    "c": ["c"],
    "q": ["q"],
    "b": ["b"],
    "p": [],  # already on the first stage: nothing to go back to
    "h": [],  # checked separately: it leaves the workshop
}
"""For the stage's own keys: what to press after the stray key to be back exactly where we were."""


def stage_keys() -> list[str]:
    keys = [key for (cls, key) in PROTECTION if cls == "StageScreen"]
    return [k for k in keys if k not in ("h", "plus", "equals_sign", "right_square_bracket", "minus")]


async def test_each_stray_letter_on_the_stage_is_harmless_or_undone(app: Any, clock: FakeClock) -> None:
    """With the timer running and the notes list focused, each key, then escape out of whatever it opened and
    its undo key: the workshop is exactly as before (and r, n only asked)."""
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("space")
        clock.advance(90)
        await back_to_stage(pilot)
        for key in stage_keys():
            before = state(app)
            kind = PROTECTION[("StageScreen", key)][0]
            await pilot.press(key)
            await pilot.pause()
            if kind == CONFIRM:
                assert isinstance(app.screen, ConfirmScreen), key
                await pilot.press("enter")  # the default answer
            await back_to_stage(pilot)
            await pilot.press(*UNDO_KEYS.get(key, []))
            await back_to_stage(pilot)
            assert state(app) == before, (key, kind)


async def test_a_stray_plus_is_undone_by_minus(app: Any, clock: FakeClock) -> None:
    if ("StageScreen", "minus") not in single_key_bindings():
        pytest.skip("the stage's '-' comes with issue #12")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("space")
        clock.advance(90)
        await back_to_stage(pilot)
        before = state(app)
        for key, undo in (
            ("plus", ["minus"]),
            ("equals_sign", ["minus"]),
            ("right_square_bracket", ["minus"] * 5),
        ):
            await pilot.press(key)
            await back_to_stage(pilot)
            await pilot.press(*undo)
            await back_to_stage(pilot)
            assert state(app) == before, key


# --- the other questions about what cannot be undone --------------------------------------------------------


@pytest.mark.parametrize("answer", ["enter", "e"])
async def test_deleting_a_workshop_from_home_is_not_answered_by_enter_or_typing(
    library: WorkshopLibrary, answer: str
) -> None:
    from screens.app import make_app

    library.create("Keep me").close()
    app = make_app(library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.screen.safe_default
        await pilot.press(answer)
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert [s.title for s in library.list()] == ["Keep me"]


@pytest.mark.parametrize("answer", ["enter", "space"])
async def test_deleting_an_action_is_not_answered_by_enter_or_typing(app: Any, answer: str) -> None:
    from textual.widgets import DataTable

    from screens.action_plan import ActionPlanScreen

    async with app.run_test(size=(120, 36)) as pilot:
        kept = app.session.actions.add("Keep this action", owner="Ana")
        await pilot.press("o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ActionPlanScreen)
        screen.query_one("#actions", DataTable).focus()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.screen.safe_default
        await pilot.press(answer)
        await pilot.pause()
        assert isinstance(app.screen, ActionPlanScreen)
        assert kept.id in app.session.workshop.actions
        assert app.session.actions.get(kept.id).status == "open"  # space did not reach the table
