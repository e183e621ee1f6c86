"""The command palette's workshop commands (ctrl+p): every stage action by name, for when a key slips the mind.

Registered in the App next to Textual's own commands (themes, quit, screenshot…), lazily: this module is imported
when the palette first opens, not at start-up. On the stage screen the commands call the screen's own actions, so a command and
its key do exactly the same thing; elsewhere, with a workshop open, they reach the other screens through the app's
navigator (``screens.base.Navigator``), as the screens' own keys do. Part of the app (the top of the UI, with
``screens.app`` and ``screens.navigation``): it may know the stage screen and the room's operations.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from textual import actions
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from textual.screen import Screen

    from screens.base import WorkshopAppAPI


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[], Any]


STAGE_ACTIONS: tuple[tuple[str, str], ...] = (
    ("Timer: start / pause / resume", "toggle_timer"),
    ("Timer: add 1 minute", "extend(1)"),
    ("Timer: add 5 minutes", "extend(5)"),
    ("Timer: restart from the full time", "restart_timer"),
    ("Stage: finish and go to the next", "next_stage"),
    ("Stage: go to the previous", "previous_stage"),
    ("Stage: show / hide the questions", "toggle_prompts"),
    ("Note: write a long (multi-line) note", "long_note"),
    ("Note: undo the last change to the notes", "undo_delete"),
    ("Note: redo the change to the notes last undone", "redo"),
    ("Note: next author for new notes", "cycle_author"),
    ("Note: hide the highlighted note from the room (again: show it)", "hide_note"),
    ("Agenda overview", "agenda"),
    ("Summary", "summary"),
    ("Vote: this stage's notes (set-up, board or result)", "vote"),
    ("Action plan: turn decisions into actions", "action_plan"),
    ("Home: close this workshop", "home"),
)
"""The stage screen's palette entries: each runs the screen's action by the same name its keys run."""


def keys_for(bindings: Iterable[BindingType], action: str) -> str:
    """The keys bound to ``action`` (directly, or as an F-key that also works while typing), for the palette."""
    name, _, rest = action.partition("(")
    args = f", {rest[:-1]}" if rest else ""
    forms = {action, f"anywhere('{name}'{args})"}
    keys: list[str] = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.action in forms:
            keys += [_key_label(key) for key in binding.key.split(",")]
    if name == "toggle_timer":
        keys.insert(0, "space")
    return " or ".join(dict.fromkeys(keys))


def _key_label(key: str) -> str:
    return {
        "plus": "+",
        "equals_sign": "=",
        "right_square_bracket": "]",
        "ctrl+z": "ctrl+z",
        "delete": "del",
    }.get(key, key.upper() if key.startswith("f") and key[1:].isdigit() else key)


class StageCommands(Provider):
    """Timer, stage and navigation commands for the open workshop.

    On the stage screen each command runs the screen's action by name (``screen.run_action``), exactly what its
    key runs, and shows the keys from the screen's bindings; elsewhere the commands reach the app's screens.
    """

    def commands(self) -> list[Command]:
        from screens.stage import StageScreen

        app = cast("WorkshopAppAPI", self.app)
        navigator = app.navigator
        screen = self.screen
        found: list[Command] = []
        session = app.session
        if isinstance(screen, StageScreen) and session is not None:
            bindings = screen.BINDINGS
            for name, action in STAGE_ACTIONS:
                found.append(Command(name, keys_for(bindings, action), _runner(screen, action)))
            muted = session.workshop.muted
            bell = "Bell: turn the timer bell on" if muted else "Bell: turn the timer bell off"
            found.insert(10, Command(bell, keys_for(bindings, "toggle_bell"), _runner(screen, "toggle_bell")))
            found.insert(-1, Command("Export: Word, Markdown, CSV, JSON", "", navigator.export))
            for stage in session.workshop.agenda(include_skipped=False):
                found.append(
                    Command(
                        f"Go to stage: {stage.title}",
                        f"{stage.minutes} min",
                        _runner(screen, f"go_to_stage({stage.id})"),
                    )
                )
        elif session is not None:
            found.append(Command("Back to the current stage", "", navigator.stage))
            found.append(Command("Action plan: turn decisions into actions", "", navigator.action_plan))
            found.append(Command("Export: Word, Markdown, CSV, JSON", "", navigator.export))
            for stage in session.workshop.agenda(include_skipped=False):
                found.append(
                    Command(
                        f"Go to stage: {stage.title}",
                        f"{stage.minutes} min",
                        functools.partial(navigator.stage, stage.id),
                    )
                )
        if session is not None:
            found += _voting_commands(app)
            found += _room_commands(app)
            found.append(
                Command(
                    "Projector: show this workshop on a second screen",
                    f"workshop present {session.workshop.id}",
                    lambda: _projector_hint(app),
                )
            )
        found.append(Command("Help: every key", "? or F1", navigator.help))
        return found

    async def discover(self) -> Hits:
        for command in self.commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)


def _runner(screen: Screen[Any], action: str) -> Callable[[], Any]:
    """Run ``action`` on ``screen`` as its key binding does: the same ``action_…`` method with the same
    arguments (the palette works while the note field has the focus, as the F-keys do)."""
    _, name, parameters = actions.parse(action)

    def run() -> Any:
        return getattr(screen, f"action_{name}")(*parameters)

    return run


def _voting_commands(app: WorkshopAppAPI) -> list[Command]:
    """The cross-stage vote and the readiness check, from any screen of an open workshop."""
    from screens.voting import FINAL_PRIORITIES

    navigator = app.navigator
    return [
        Command(
            f"Vote: {FINAL_PRIORITIES} (the decisions of every stage)", "", functools.partial(navigator.vote, None)
        ),
        Command("Readiness check: start of the workshop", "k", functools.partial(navigator.readiness, "start")),
        Command(
            "Readiness check: end of the workshop, compared with the start",
            "",
            functools.partial(navigator.readiness, "end"),
        ),
    ]


def _projector_hint(app: WorkshopAppAPI) -> None:
    """How to open the projector window: a second terminal running ``workshop present`` (the command is also put
    on the clipboard, where the terminal allows it)."""
    if app.session is None:
        return
    command = f"workshop present {app.session.workshop.id}"
    app.copy_to_clipboard(command)
    app.notify(
        f"In a second terminal on the projector's screen, run:  {command}\n"
        "It follows this window live and shows the room only what it should see (copied to the clipboard).",
        title="Projector",
        timeout=20,
        markup=False,
    )


def _room_commands(app: WorkshopAppAPI) -> list[Command]:
    """The room (participants' own devices): open, show, lock, close; silent brainstorming and its reveal."""
    from screens import room

    server = room.current_room(app)
    session = app.session
    found: list[Command] = []
    if server is None:
        found.append(
            Command(
                "Open the room (participants join from their phones)", "j", app.navigator.room
            )
        )
    else:
        found += [
            Command("Room: show the QR code, join code and who joined", "j", lambda: room.show_room(app)),
            Command(
                "Unlock the room (let new devices join)"
                if server.room.locked
                else "Lock the room (no new devices)",
                "l on the room screen",
                lambda: room.toggle_lock(app),
            ),
            Command(
                "Room: stop asking phones for the end-of-workshop readiness check"
                if server.web.readiness_round == "end"
                else "Room: ask phones for the end-of-workshop readiness check",
                "",
                lambda: room.toggle_end_readiness(app),
            ),
            Command(
                "Close the room (every device is signed out)",
                "c on the room screen",
                lambda: room.ask_close_room(app),
            ),
        ]
    stage = session.workshop.current_stage if session is not None else None
    if stage is not None:
        found.append(
            Command(
                f"Silent brainstorming: turn {'off (reveals the notes)' if stage.silent else 'on'} for {stage.title}",
                "s on the room screen",
                lambda: room.toggle_silent(app),
            )
        )
        found.append(
            Command(
                f"Reveal the hidden notes of {stage.title}", "v on the room screen", lambda: room.reveal(app)
            )
        )
    return found
