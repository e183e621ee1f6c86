"""F1 and every listed key, on every screen and dialog: F1 opens the help on that screen's own keys, and each key
the help or the key bar lists for a screen reaches its action there.

A dialog (a Textual modal screen) hides the app's keys from the key chain: F1 did nothing in the vote set-up. The
sweep presses each listed key with the app's action runner replaced by a recorder, so nothing runs and one app
serves every key of a screen; a key eaten by a widget, hidden by a dialog or bound to nothing fails it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from textual.actions import parse as parse_action
from textual.pilot import Pilot
from textual.screen import Screen

from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from screens.help import HIDDEN_ACTIONS, HelpScreen, own_bindings
from screens.navigation import HELP_SECTIONS, first_help_screens, help_heading
from tests.ui_helpers import session_of, until
from workshop.session import WorkshopLibrary
from workshop.store import Store

Opener = Callable[[Pilot[None], WorkshopApp], Awaitable[object]]


@pytest.fixture
def library(store: Store, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(store, clock=clock)


@pytest.fixture
def app(library: WorkshopLibrary, clock: FakeClock) -> Iterator[WorkshopApp]:
    """On Vision, with notes (one a decision) and a revealed vote; Strategy has notes and an open vote."""
    session = library.create("Offsite", participants=["Ana", "Ben", "Chloé"], date="2027-01-15")
    session.agenda.next()
    vision = session.workshop.current_stage_id
    notes = [session.notes.add(text) for text in ("Customers answer each other", "Stop status reports")]
    session.notes.mark(notes[0].id, "decision")
    session.votes.close(session.votes.open(vision, budget=2, cap=1).id)
    session.agenda.next()
    for text in ("Teams find who solved it", "New joiners contribute"):
        session.notes.add(text)
    session.votes.open(session.workshop.current_stage_id, budget=2, cap=1)
    session.agenda.previous()
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def _ballot(app: WorkshopApp, status: str) -> int:
    return next(b.id for b in session_of(app).workshop.ballots.values() if b.status == status)


async def _press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def _room(pilot: Pilot[None], app: WorkshopApp) -> None:
    from screens.room import open_room

    await open_room(app, "127.0.0.1", 0)


def _dialog(make: Callable[[], Screen[Any]]) -> Opener:
    async def opener(pilot: Pilot[None], app: WorkshopApp) -> None:
        app.push_screen(make())

    return opener


def _choose() -> Screen[Any]:
    from screens.dialogs import ChooseScreen

    return ChooseScreen("Move the note to", [("Vision", 1), ("Strategy", 2)])


def _choose_typing() -> Screen[Any]:
    from screens.dialogs import ChooseWhileTypingScreen

    return ChooseWhileTypingScreen("Who wrote this note?", [("Ana", 1), ("Keep as typed", 2)], keep=1, typed_on=print)


def _confirm() -> Screen[Any]:
    from screens.dialogs import ConfirmScreen

    return ConfirmScreen("Delete this note?")


def _text_entry() -> Screen[Any]:
    from screens.dialogs import TextEntryScreen

    return TextEntryScreen("Edit the note", "Customers answer each other")


def _backups() -> Screen[Any]:
    from screens.dialogs import BackupsScreen
    from workshop.session.library import DamagedWorkshopError

    return BackupsScreen(DamagedWorkshopError("The workshop file is damaged.", "w1", []))


SCREENS: dict[str, tuple[str, Opener]] = {
    # name: (the screen class's name, how to get there from the stage)
    "stage": ("StageScreen", lambda pilot, app: pilot.pause()),
    "agenda": ("AgendaOverviewScreen", lambda pilot, app: _press(pilot, "a")),
    "vote set-up": ("VoteSetupScreen", lambda pilot, app: pilot.pause(app.navigator.vote_setup(None))),  # type: ignore[func-returns-value]
    "vote board": ("VoteBoardScreen", lambda pilot, app: pilot.pause(app.navigator.vote_board(_ballot(app, "open")))),  # type: ignore[func-returns-value]
    "vote limits": ("LimitsScreen", lambda pilot, app: _board_then(pilot, app, "l")),
    "ballot": ("ParticipantBallotScreen", lambda pilot, app: _board_then(pilot, app, "n")),
    "results": ("VoteResultsScreen", lambda pilot, app: pilot.pause(app.navigator.vote_results(_ballot(app, "closed")))),  # type: ignore[func-returns-value]
    "action plan": ("ActionPlanScreen", lambda pilot, app: _press(pilot, "o")),
    "action dialog": ("ActionFormScreen", lambda pilot, app: _press(pilot, "o", "n")),
    "export": ("ExportScreen", lambda pilot, app: _press(pilot, "s", "x")),
    "summary": ("SummaryScreen", lambda pilot, app: _press(pilot, "s")),
    "readiness": ("ReadinessScreen", lambda pilot, app: pilot.pause(app.navigator.readiness())),  # type: ignore[func-returns-value]
    "readiness answers": ("ReadinessEntryScreen", lambda pilot, app: _readiness_then(pilot, app, "f")),
    "home": ("HomeScreen", lambda pilot, app: _press(pilot, "h")),
    "new workshop": ("NewWorkshopScreen", lambda pilot, app: pilot.pause(app.navigator.new_workshop())),  # type: ignore[func-returns-value]
    "set-up": ("SetupScreen", lambda pilot, app: pilot.pause(app.navigator.setup())),  # type: ignore[func-returns-value]
    "room dialog": ("OpenRoomScreen", lambda pilot, app: _press(pilot, "j")),
    "room panel": ("RoomScreen", _room),
    "confirm": ("ConfirmScreen", _dialog(_confirm)),
    "text entry": ("TextEntryScreen", _dialog(_text_entry)),
    "choose": ("ChooseScreen", _dialog(_choose)),
    "choose while typing": ("ChooseWhileTypingScreen", _dialog(_choose_typing)),
    "backups": ("BackupsScreen", _dialog(_backups)),
}  # fmt: skip


async def _board_then(pilot: Pilot[None], app: WorkshopApp, key: str) -> None:
    app.navigator.vote_board(_ballot(app, "open"))
    await until(pilot, lambda: type(app.screen).__name__ == "VoteBoardScreen", "the board")
    await _press(pilot, key)


async def _readiness_then(pilot: Pilot[None], app: WorkshopApp, key: str) -> None:
    app.navigator.readiness()
    await until(pilot, lambda: type(app.screen).__name__ == "ReadinessScreen", "the readiness check")
    await _press(pilot, key)


async def _open(pilot: Pilot[None], app: WorkshopApp, name: str) -> Screen[Any]:
    class_name, opener = SCREENS[name]
    await until(pilot, lambda: type(app.screen).__name__ == "StageScreen", "the stage screen")
    await opener(pilot, app)
    await until(pilot, lambda: type(app.screen).__name__ == class_name, class_name)
    await pilot.pause()
    return app.screen


def test_every_screen_with_keys_has_its_own_help_section_and_is_swept() -> None:
    """A new screen or dialog gets a help section and a place in this sweep, or this fails."""
    import importlib
    import inspect
    import pkgutil

    import screens

    listed = {path.split(":")[1] for _, path in HELP_SECTIONS}
    swept = {class_name for class_name, _ in SCREENS.values()}
    for info in pkgutil.walk_packages(screens.__path__, "screens."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, Screen):
                continue
            if not any(k.__module__.startswith("screens.") and vars(k).get("BINDINGS") for k in cls.__mro__):
                continue
            if cls.__name__ in {"HelpScreen", "ProjectorScreen"}:
                continue  # the help is tested below; the projector window takes no keys of its own
            if cls.__name__ not in listed and cls.__subclasses__():
                continue  # a base (``SetupForm``): its subclasses are the screens shown
            assert help_heading(cls) != "Stage (notes list)" or cls.__name__ == "StageScreen", cls
            assert cls.__name__ in listed or any(b.__name__ in listed for b in cls.__mro__[1:]), cls
            assert cls.__name__ in swept, f"add {cls.__name__} to SCREENS"


TYPES_QUESTION_MARKS = {"vote limits", "action dialog", "export", "new workshop", "text entry"}
"""The screens and dialogs that open with the focus in a text field, where ``?`` is typed."""


@pytest.mark.parametrize(
    ("name", "key"),
    [(name, key) for name in SCREENS for key in ("f1", "question_mark") if (name, key) != ("choose while typing", "question_mark")],
)  # fmt: skip
async def test_f1_opens_the_help_on_the_screens_own_keys_and_f1_closes_it(
    app: WorkshopApp, name: str, key: str
) -> None:
    """F1 and ``?`` open the help over every screen and dialog, and close it again (``?`` where it is not typed:
    ``test_a_question_mark_typed_in_a_field_is_typed``)."""
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app, name)
        if key == "question_mark" and name in TYPES_QUESTION_MARKS:
            screen.set_focus(None)  # on the screen itself, not in its text field
            await pilot.pause()
        focused = screen.focused
        heading = help_heading(type(screen))
        await pilot.press(key)
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), f"the help over the {name}")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert help_screen.context == heading
        sections = [s.render().rows[1].body.plain for s in help_screen.query(".help-keys")]  # type: ignore[attr-defined]
        assert sections[:2] == ["Everywhere", heading], sections
        await pilot.press(key)
        await until(pilot, lambda: app.screen is screen, f"the {name} back after the help")
        if focused is not None:  # (with nothing focused, the screen's own first focus comes back)
            assert screen.focused is focused, "the focus is where it was"


@pytest.mark.parametrize("name", sorted(TYPES_QUESTION_MARKS))
async def test_a_question_mark_typed_in_a_field_is_typed(app: WorkshopApp, name: str) -> None:
    """Where ``?`` is text (a focused ``Input``), it is typed and the help does not open; F1 still opens it."""
    from textual.widgets import Input

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app, name)
        field = screen.focused
        assert isinstance(field, Input)
        await pilot.press("end")  # (a field that selects its text as it is focused would be replaced)
        before = field.value
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen is screen and field.value == before + "?"
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), f"the help over the {name}")


async def test_a_question_mark_in_the_note_field_and_the_note_editor_is_typed(app: WorkshopApp) -> None:
    """The stage's note field (an ``Input``) and the note editor (a ``TextArea``) take ``?`` as text."""
    from textual.widgets import Input, TextArea

    async with app.run_test(size=(80, 24)) as pilot:
        stage = await _open(pilot, app, "stage")
        await _press(pilot, "i")
        field = stage.focused
        assert isinstance(field, Input)
        await pilot.press("W", "h", "y", "question_mark")
        await pilot.pause()
        assert field.value == "Why?" and app.screen is stage
        await pilot.press("escape")
        await pilot.pause()
        await _press(pilot, "e")
        await until(pilot, lambda: isinstance(app.screen.focused, TextArea), "the note editor")
        area = app.screen.focused
        assert isinstance(area, TextArea)
        before = area.text
        await pilot.press("question_mark")
        await pilot.pause()
        assert area.text != before and area.text.count("?") == before.count("?") + 1
        assert not isinstance(app.screen, HelpScreen)


async def test_a_question_mark_typed_on_through_a_question_goes_on_to_the_field(app: WorkshopApp) -> None:
    """The dialog that pops up while the facilitator types (``ChooseWhileTypingScreen``) passes ``?`` on to the
    field they were typing in, as every other printable key."""
    from screens.dialogs import ChooseWhileTypingScreen

    typed: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app, "stage")
        await app.push_screen(ChooseWhileTypingScreen("Which one?", [("Keep", 0), ("Ana", 1)], keep=0, typed_on=typed.append))
        await pilot.pause()
        await pilot.press("question_mark")
        await until(pilot, lambda: typed == ["?"], "the ? typed on")
        assert not isinstance(app.screen, HelpScreen)


ALIASES = {"typing": "anywhere"}
"""The stage's F-keys are bound twice on purpose (``typing`` is the footer's copy of ``anywhere``)."""


def _target(action: str, namespace: Any, app: WorkshopApp) -> tuple[int, str]:
    """(id of the object an action runs on, its name): ``app.help`` bound on a screen is the app's ``help``."""
    prefix, name, _ = parse_action(action)
    owner = {"app": app, "screen": app.screen}.get(prefix, namespace) if prefix else namespace
    return id(owner), ALIASES.get(name, name)


def _listed(app: WorkshopApp, screen: Screen[Any]) -> list[tuple[str, tuple[int, str]]]:
    """(key, the action it should reach) for every key the help lists for ``screen`` and its key bar shows."""
    found: list[tuple[str, tuple[int, str]]] = []
    for _, cls in first_help_screens(type(app), help_heading(type(screen)))[1:]:
        node = screen if isinstance(screen, cls) else screen.query(cls.__name__).first()
        found += [(key, _target(b.action, node, app)) for b in own_bindings(cls) for key in b.key.split(",")]
    shown = [b for b in screen.active_bindings.values() if b.binding.show]
    found += [(b.binding.key, _target(b.binding.action, b.node, app)) for b in shown]
    return [
        (key.strip(), (id(app), "help") if key.strip() == "f1" else target)
        for key, target in found
        if target[1] not in HIDDEN_ACTIONS
    ]


@pytest.mark.parametrize("name", list(SCREENS))
async def test_every_key_listed_for_a_screen_reaches_its_action(app: WorkshopApp, name: str) -> None:
    """The keys the help lists for the screen (and its key bar shows), pressed as the screen opens: each reaches
    its action (recorded, not run); any other action a key meets on its way runs as usual (a list that cannot
    scroll sideways passes → on to the ballot's "add a dot")."""
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(pilot, app, name)
        listed = _listed(app, screen)
        expected = {target for _, target in listed}
        ran: list[tuple[int, str]] = []
        run_action = app.run_action

        async def record(action: Any, namespace: Any = None) -> bool:
            target = _target(action, namespace, app) if isinstance(action, str) else (0, "")
            if target in expected:
                ran.append(target)
                return True
            return await run_action(action, namespace)

        app.run_action = record  # type: ignore[method-assign]
        missed = []
        for key, target in listed:
            ran.clear()
            await pilot.press(key)
            if target not in ran:
                missed.append((key, target[1], ran[:]))
        assert app.screen is screen
        assert not missed, f"keys listed on the {name} that do not reach their action: {missed}"
