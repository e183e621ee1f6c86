"""The command palette's workshop commands (ctrl+p): every stage action by name, for when a key slips the mind.

Registered in the App next to Textual's own commands (themes, quit, screenshot…), lazily: this module is imported
when the palette first opens, not at start-up. On the stage screen the commands call the screen's own actions, so a command and
its key do exactly the same thing; elsewhere, with a workshop open, they can still jump to a stage.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from textual import actions
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider

from workshop.session import SessionError

if TYPE_CHECKING:
    from textual.screen import Screen

    from screens.app import WorkshopApp


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
    ("Note: next author for new notes", "cycle_author"),
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

        app = cast("WorkshopApp", self.app)
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
            found.insert(-1, Command("Export: Word, Markdown, CSV, JSON", "", lambda: _export(app)))
            for stage in session.workshop.agenda(include_skipped=False):
                found.append(
                    Command(
                        f"Go to stage: {stage.title}",
                        f"{stage.minutes} min",
                        _runner(screen, f"go_to_stage({stage.id})"),
                    )
                )
        elif session is not None:
            found.append(Command("Back to the current stage", "", lambda: _show_stage(app, None)))
            found.append(Command("Action plan: turn decisions into actions", "", lambda: _action_plan(app)))
            found.append(Command("Export: Word, Markdown, CSV, JSON", "", lambda: _export(app)))
            for stage in session.workshop.agenda(include_skipped=False):
                found.append(
                    Command(
                        f"Go to stage: {stage.title}",
                        f"{stage.minutes} min",
                        functools.partial(_show_stage, app, stage.id),
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
        found.append(Command("Help: every key", "? or F1", app.action_help))
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


def _show_stage(app: WorkshopApp, stage_id: int | None) -> None:
    """From another screen: make ``stage_id`` current (if given) and show the stage screen."""
    from screens.stage import StageScreen

    if app.session is None:
        return
    if stage_id is not None:
        try:
            app.session.agenda.go_to(stage_id)
        except SessionError as error:
            app.show_error(error)
            return
    app.switch_to(StageScreen())


def _action_plan(app: WorkshopApp) -> None:
    """From any screen: the action plan (only one of it on the stack)."""
    from screens.action_plan import ActionPlanScreen

    if not isinstance(app.screen, ActionPlanScreen):
        app.push_screen(ActionPlanScreen())


def _export(app: WorkshopApp) -> None:
    from screens.export_dialog import ExportScreen

    if app.session is not None and not isinstance(app.screen, ExportScreen):
        app.push_screen(ExportScreen())


def _voting_commands(app: WorkshopApp) -> list[Command]:
    """The cross-stage vote and the readiness check, from any screen of an open workshop."""
    from screens.readiness import open_readiness
    from screens.voting import FINAL_PRIORITIES, open_vote

    return [
        Command(f"Vote: {FINAL_PRIORITIES} (the decisions of every stage)", "", lambda: open_vote(app, None)),
        Command("Readiness check: start of the workshop", "k", lambda: open_readiness(app, "start")),
        Command(
            "Readiness check: end of the workshop, compared with the start",
            "",
            lambda: open_readiness(app, "end"),
        ),
    ]


def _projector_hint(app: WorkshopApp) -> None:
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


def _room_commands(app: WorkshopApp) -> list[Command]:
    """The room (participants' own devices): open, show, lock, close; silent brainstorming and its reveal."""
    from screens import room

    server = room.current_room(app)
    session = app.session
    found: list[Command] = []
    if server is None:
        found.append(
            Command(
                "Open the room (participants join from their phones)", "j", lambda: room.ask_open_room(app)
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
