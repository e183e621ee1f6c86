"""The readiness check: each participant names the attitude they see today and scores the six disciplines 1–5.

Answers are entered privately (the keyboard is passed to the participant, who sees only their own form) or by the
facilitator (answers collected on paper, typed quickly: digits set a row and move to the next). The result stays
hidden until everyone has answered, or until the facilitator shows it (``r``): the spread of attitudes as bars and,
per discipline, the median and range on a 1–5 scale drawn in block characters, with the disciplines the room
disagrees on most flagged. The check runs at the start and again at the end (``t``); with both, ``c`` compares
them (``facilitation.readiness_compare``). The numbers come from ``facilitation.readiness``, as in the exports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from facilitation.catalogue import ATTITUDE_BY_KEY, ATTITUDES, DISCIPLINES
from facilitation.models import Participant, ReadinessResponse
from facilitation.readiness import (
    RESULT_HIDDEN,
    RESULT_SHOWN,
    ROUND_LABELS,
    ReadinessRound,
    readiness_rounds,
    result_shown,
)
from facilitation.readiness_compare import compare
from screens.base import WorkshopChanged, WorkshopScreenMixin
from screens.charts import bar
from screens.private_notices import PrivateScreen
from screens.widgets import KeyBar
from screens.widgets.cells import pad, widest
from screens.widgets.readiness_charts import LABEL_WIDTH, attitude_chart, comparison_chart, discipline_chart
from workshop.session import EXTERNAL_RELOAD, SessionError

if TYPE_CHECKING:
    pass

ROUNDS = ("start", "end")


# --- the screen ------------------------------------------------------------------------------------------------


class ReadinessScreen(WorkshopScreenMixin, Screen[None]):
    """Who has answered this round, and the result once it is shown."""

    CSS_PATH = "readiness.tcss"
    AUTO_FOCUS = "#people"
    HORIZONTAL_BREAKPOINTS = [(0, "-compact"), (110, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "private_entry",
            "Answer",
            priority=True,
            tooltip="Pass the keyboard: the highlighted participant answers",
        ),
        Binding("n", "next_person", "Next", tooltip="The next participant who has not answered answers"),
        Binding(
            "f",
            "facilitator_entry",
            "Type in",
            tooltip="Facilitator entry: type the highlighted person's answers",
        ),
        Binding("r", "toggle_result", "Show result", tooltip="Show or hide the result"),
        Binding(
            "t", "toggle_round", "Start/End", tooltip="Switch between the start and the end-of-workshop check"
        ),
        Binding("c", "toggle_compare", "Compare", tooltip="Compare the start and the end of the workshop"),
        Binding("escape", "back", "Back", tooltip="Back to the stage"),
    ]

    def __init__(self, round: str = "start") -> None:
        super().__init__()
        self.round = round if round in ROUNDS else "start"
        self._shown: bool | None = None
        """A read-only window's own choice (None: what the log and the answers say, ``_result_shown``)."""
        self._comparing = False

    @property
    def people(self) -> OptionList:
        return self.query_one("#people", OptionList)

    def compose(self) -> ComposeResult:
        self.settle_breakpoints()
        yield Static(id="readiness-title")
        with Horizontal(id="readiness-body"):
            yield OptionList(id="people", markup=False)
            with VerticalScroll(id="result-box"):
                yield Static(id="result")
        yield KeyBar()

    def on_mount(self) -> None:
        self.people.border_title = "Who has answered"
        box = self.query_one("#result-box")
        box.border_title = "Result"
        box.border_subtitle = "tab, then ↑/↓ scrolls"
        self.redraw()
        if self.people.option_count:
            self.people.highlighted = 0

    def on_workshop_changed(self, message: WorkshopChanged) -> None:
        """Answers recorded (on the entry form above, or in another window) and people joining or leaving."""
        change = message.change
        if self.workshop_app.session is None:
            return
        if change.kind in (EXTERNAL_RELOAD, RESULT_SHOWN, RESULT_HIDDEN) or any(
            isinstance(r, ReadinessResponse | Participant) for r in change.changed
        ):
            self.redraw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_compare" and self.workshop_app.session is not None:
            return len(self._rounds()) == len(ROUNDS)
        return True

    # --- state ---------------------------------------------------------------------------------------------

    def _rounds(self) -> dict[str, ReadinessRound]:
        return {r.round: r for r in readiness_rounds(self.session.workshop) if r.round in ROUNDS}

    def answers(self) -> dict[int, ReadinessResponse]:
        """This round's answers by participant id."""
        return {
            r.participant_id: r for r in self.session.workshop.readiness.values() if r.round == self.round
        }

    def _result_shown(self) -> bool:
        """As the facilitator last chose (kept in the event log, so the projector shows the same), else once
        everyone has answered (``facilitation.readiness.result_shown``); a read-only window may choose for itself."""
        if self._shown is not None:
            return self._shown
        return result_shown(self.session.workshop, self.round)

    # --- drawing -------------------------------------------------------------------------------------------

    def redraw(self) -> None:
        ws = self.session.workshop
        answered = self.answers()
        people = ws.active_participants()
        done = sum(1 for p in people if p.id in answered)
        self.query_one("#readiness-title", Static).update(
            Text.assemble(
                (" READINESS CHECK ", "bold reverse"),
                f"  {ROUND_LABELS[self.round]} · {done} of {len(people)} answered",
                f"  ·  t: the {'end' if self.round == 'start' else 'start'}",
            )
        )
        options = []
        width = widest(p.name for p in people)
        for person in people:
            name = pad(person.name, width)
            if person.id in answered:
                prompt = Text.assemble((" ✔ ", "bold green"), (name, "bold"), "  answered")
            else:
                prompt = Text.assemble((" ○ ", "bold"), (name, "bold"), "  not yet")
            options.append(Option(prompt, id=f"p{person.id}"))
        highlighted = self.people.highlighted
        self.people.set_options(options)
        if options:
            self.people.highlighted = min(highlighted or 0, len(options) - 1)
        self.query_one("#result", Static).update(self._result(done, len(people)))
        self.refresh_bindings()

    def _result(self, done: int, total: int) -> Text | Group:
        accent = f"bold {self.app.current_theme.accent or ''}".strip()
        rounds = self._rounds()
        if self._comparing and len(rounds) == len(ROUNDS):
            return comparison_chart(compare(rounds["start"], rounds["end"]), accent)
        if not self._result_shown():
            return Text.assemble(
                ("The result is hidden until everyone has answered", "bold"),
                f" ({done} of {total} so far), so nobody is swayed by the room.\n\n",
                "Enter: the highlighted participant answers (pass them the keyboard).\n",
                "f: type in answers collected on paper.   r: show the result now.",
            )
        rnd = rounds.get(self.round)
        if rnd is None:
            return Text("No answers yet for this round.", style="bold")
        return Group(attitude_chart(rnd, accent), discipline_chart(rnd, accent))

    # --- actions -------------------------------------------------------------------------------------------

    def _highlighted_person(self) -> int | None:
        option = self.people.highlighted_option
        return int(option.id[1:]) if option is not None and option.id else None

    @on(OptionList.OptionSelected, "#people")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_private_entry()

    def _enter(self, participant_id: int | None, *, private: bool) -> None:
        if participant_id is None:
            self.notify("There are no participants: add them in the workshop's set-up.", markup=False)
            return
        self._comparing = False
        self.app.push_screen(ReadinessEntryScreen(participant_id, self.round, private=private))

    def action_private_entry(self) -> None:
        self._enter(self._highlighted_person(), private=True)

    def action_facilitator_entry(self) -> None:
        self._enter(self._highlighted_person(), private=False)

    def action_next_person(self) -> None:
        answered = self.answers()
        waiting = [p.id for p in self.session.workshop.active_participants() if p.id not in answered]
        if not waiting:
            self.notify("Everyone has answered this round.", markup=False, timeout=4)
            return
        self.people.highlighted = self.people.get_option_index(f"p{waiting[0]}")
        self._enter(waiting[0], private=True)

    def action_toggle_result(self) -> None:
        """Show or hide the result: for the room too (the projector follows), or in this window only when it is
        read-only."""
        show = not self._result_shown()
        self._comparing = False
        if self.session.read_only:
            self._shown = show  # this window only: nothing is published
            self.redraw()
            return
        with self._guard():  # shown by the published change (on_workshop_changed), as in every window
            self.session.log(
                RESULT_SHOWN if show else RESULT_HIDDEN,
                f"Readiness result ({ROUND_LABELS[self.round].lower()}) {'shown' if show else 'hidden'}",
                stage_id=self.session.workshop.current_stage_id,
                data={"round": self.round},
            )

    def action_toggle_round(self) -> None:
        self.round = "end" if self.round == "start" else "start"
        self._shown = None
        self._comparing = False
        self.redraw()

    def action_toggle_compare(self) -> None:
        if len(self._rounds()) < len(ROUNDS):
            self.notify("Compare needs answers at both the start and the end.", markup=False)
            return
        self._comparing = not self._comparing
        self.redraw()

    def action_back(self) -> None:
        self.dismiss(None)


# --- one participant's answers --------------------------------------------------------------------------------


class ReadinessEntryScreen(PrivateScreen, WorkshopScreenMixin, Screen[bool]):
    """One participant's attitude and six scores. Private: only their own form is on screen, and the notices
    raised while they fill it leave the screen when it is handed back (``screens.private_notices``)."""

    CSS_PATH = "readiness.tcss"
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "row(-1)", "Up", show=False, tooltip="Previous question"),
        Binding("down,tab", "row(1)", "Down", show=False, tooltip="Next question"),
        Binding("left", "step(-1)", "←", tooltip="Lower score / previous attitude"),
        Binding("right", "step(1)", "→", tooltip="Higher score / next attitude"),
        *(
            Binding(
                str(d), f"digit({d})", str(d), show=False, tooltip="Choose this value and go to the next row"
            )
            for d in range(1, 7)
        ),
        Binding("backspace,delete", "clear", "Clear", tooltip="Leave this question unanswered"),
        Binding("enter", "save", "Save", tooltip="Save the answers"),
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving"),
    ]

    ROWS = 1 + len(DISCIPLINES)

    @property
    def is_private(self) -> bool:
        return self.private

    def __init__(self, participant_id: int, round: str, *, private: bool) -> None:
        super().__init__()
        self.participant_id = participant_id
        self.round = round
        self.private = private
        self.row = 0
        self.attitude: str | None = None
        self.scores: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="entry-title")
        yield Static(id="entry-form")
        yield Static(id="entry-help")
        yield KeyBar()

    def on_mount(self) -> None:
        ws = self.session.workshop
        earlier = next(
            (
                r
                for r in ws.readiness.values()
                if r.participant_id == self.participant_id and r.round == self.round
            ),
            None,
        )
        if earlier is not None:
            self.attitude = earlier.attitude
            self.scores = dict(earlier.scores)
        name = ws.participant_name(self.participant_id)
        who = (
            f"{name}: your answers are private — only your own form is on screen."
            if self.private
            else f"Facilitator entry for {name}."
        )
        self.query_one("#entry-title", Static).update(
            Content.assemble(
                (f" {name} · readiness check ", "bold reverse"),
                f"  {ROUND_LABELS.get(self.round, self.round)}\n",
                who,
            )
        )
        self.draw()

    # --- drawing -------------------------------------------------------------------------------------------

    def draw(self) -> None:
        lines: list[Content] = []
        cursor = "bold reverse $accent"
        pointer = ("▶ ", "bold") if self.row == 0 else "  "
        chips: list[str | tuple[str, str]] = [pointer, ("Attitude".ljust(LABEL_WIDTH), "bold")]
        for attitude in ATTITUDES:
            chosen = attitude.key == self.attitude
            chips += [(f" {attitude.name} ", cursor if chosen else ""), " "]
        lines.append(Content.assemble(*chips))
        lines.append(Content(""))
        for i, discipline in enumerate(DISCIPLINES, start=1):
            pointer = ("▶ ", "bold") if self.row == i else "  "
            score = self.scores.get(discipline.key)
            parts: list[str | tuple[str, str]] = [pointer, (pad(discipline.title, LABEL_WIDTH), "bold")]
            for value in range(1, 6):
                parts += [(f" {value} ", cursor if value == score else ""), " "]
            parts.append(
                ("  " + bar(score, 5, 10) if score else "  (not scored)", "bold" if score else "italic")
            )
            lines.append(Content.assemble(*parts))
        self.query_one("#entry-form", Static).update(Content("\n").join(lines))
        self.query_one("#entry-help", Static).update(self._help())

    def _help(self) -> Content:
        if self.row == 0:
            current = ATTITUDE_BY_KEY.get(self.attitude or "")
            described = (
                Content.assemble((f"{current.name}: ", "bold"), current.looks_like)
                if current
                else Content("Which attitude toward collaboration do you see here today?")
            )
            keys = "← → or 1–6 choose (1 Folly … 6 Fusing) · ↓ next · Enter saves · escape cancels"
        else:
            discipline = DISCIPLINES[self.row - 1]
            described = Content.assemble((f"{discipline.title}: ", "bold"), discipline.purpose)
            keys = "How strong are we here? ← → or 1–5 (1 absent … 5 a strength) · ↑ ↓ move · Enter saves"
        return Content.assemble(described, "\n", (keys, "bold"))

    # --- keys ----------------------------------------------------------------------------------------------

    def action_row(self, step: int) -> None:
        self.row = (self.row + step) % self.ROWS
        self.draw()

    def action_step(self, step: int) -> None:
        if self.row == 0:
            keys = [a.key for a in ATTITUDES]
            index = (
                keys.index(self.attitude) + step
                if self.attitude in keys
                else (0 if step > 0 else len(keys) - 1)
            )
            self.attitude = keys[max(0, min(len(keys) - 1, index))]
        else:
            key = DISCIPLINES[self.row - 1].key
            current = self.scores.get(key)
            self.scores[key] = 3 if current is None else max(1, min(5, current + step))
        self.draw()

    def action_digit(self, value: int) -> None:
        if self.row == 0:
            self.attitude = ATTITUDES[value - 1].key
        elif value > 5:
            self.notify("Scores go from 1 (absent) to 5 (a strength).", markup=False, timeout=3)
            return
        else:
            self.scores[DISCIPLINES[self.row - 1].key] = value
        self.row = min(self.row + 1, self.ROWS - 1)
        self.draw()

    def action_clear(self) -> None:
        if self.row == 0:
            self.attitude = None
        else:
            self.scores.pop(DISCIPLINES[self.row - 1].key, None)
        self.draw()

    def action_save(self) -> None:
        try:
            self.session.readiness.record(
                self.participant_id,
                attitude=self.attitude,
                scores=dict(self.scores),
                round=self.round,
                private=self.private,
            )
        except SessionError as error:
            self.workshop_app.show_error(error)
            return
        name = self.session.workshop.participant_name(self.participant_id)
        self.dismiss(True)
        thanks = (
            f"Thank you, {name}: pass the keyboard back." if self.private else f"{name}'s answers are saved."
        )
        self.app.notify(thanks, markup=False, timeout=4)

    def action_cancel(self) -> None:
        self.dismiss(False)
