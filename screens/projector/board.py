"""What the room sees below the countdown: its notes, a vote once revealed, the readiness chart once shown.

Each board draws only what fits its size (a projector cannot scroll): the newest notes, the top of a ranking. It
never draws a ballot before its reveal, nor who has voted or answered: while a vote is open the room sees the notes
on the ballot and nothing of the dots.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.text import Text
from textual.widgets import Static

from facilitation import text
from facilitation.models import Ballot, Note, Workshop
from screens.charts import bar

if TYPE_CHECKING:
    from facilitation.ballots import ResultItem


class StageNotes:
    """One stage's live notes in display order, kept up to date one changed note at a time.

    The order is ``Workshop.stage_notes``'s (position, then id); re-sorting a stage of 10,000 notes for every
    change took ~10 ms, a bisect takes microseconds.
    """

    def __init__(self, stage_id: int, notes: Iterable[Note]) -> None:
        """``notes``: the stage's live notes in display order (``workshop.stage_notes(stage_id)``). Notes hidden
        from the room (silent brainstorming, not yet revealed; or hidden by the facilitator) are left out: the
        projector is the room's view (``Note.for_the_room``)."""
        self.stage_id = stage_id
        self.notes: list[Note] = [n for n in notes if n.for_the_room]
        self._keys = [(n.position, n.id) for n in self.notes]
        self._key_of = {n.id: key for n, key in zip(self.notes, self._keys, strict=True)}

    def __len__(self) -> int:
        return len(self.notes)

    def update(self, note: Note) -> None:
        """Take ``note``'s new state: added, edited, moved in or out of the stage, deleted or brought back."""
        old = self._key_of.pop(note.id, None)
        if old is not None:
            index = bisect_left(self._keys, old)
            del self._keys[index]
            del self.notes[index]
        if note.stage_id == self.stage_id and note.for_the_room:
            key = (note.position, note.id)
            index = bisect_left(self._keys, key)
            self._keys.insert(index, key)
            self.notes.insert(index, note)
            self._key_of[note.id] = key

    def remove(self, note_id: int) -> None:
        """A note removed from the file altogether."""
        old = self._key_of.pop(note_id, None)
        if old is not None:
            index = bisect_left(self._keys, old)
            del self._keys[index]
            del self.notes[index]


MAX_NOTE_LINES = 3
"""A long note shows its first lines and an ellipsis, so one note cannot fill the screen."""
MARKS = {"decision": "DECISION", "candidate": "ACTION?"}


def _wrap(body: Text, width: int, limit: int) -> list[Text]:
    """``body`` wrapped to ``width`` cells, at most ``limit`` lines (the last one ends in … if cut).

    One line is cut, not wrapped: wrapping moves a word too long for what is left of the line (a link, a long
    name) to a second line that is then dropped, and the row showed nothing of the note but "…"."""
    if limit == 1 and "\n" not in body.plain:
        line = body.copy()
        line.truncate(max(width, 1), overflow="ellipsis")
        return [line]
    from rich.console import Console

    console = Console(width=max(width, 1), legacy_windows=False, color_system=None)
    lines = list(body.wrap(console, max(width, 1), overflow="fold"))
    if len(lines) > limit:
        lines = lines[:limit]
        last = lines[-1]
        last.rstrip()
        last.truncate(max(width - 1, 1))
        last.append("…")
    return lines


def note_line(note: Note, workshop: Workshop) -> Text:
    """A note as the room reads it: the text, then who wrote it; a decision or action mark in front."""
    line = Text()
    if note.mark in MARKS:
        line.append(f" {MARKS[note.mark]} ", style="bold reverse")
        line.append(" ")
    line.append(" ".join(note.text.split()))
    author = workshop.credit(note)
    if author:
        line.append(f"  — {author}", style="italic")
    return line


def notes_view(
    notes: Sequence[Note], workshop: Workshop, width: int, height: int, *, accent: str = "bold"
) -> Text:
    """The newest notes that fit ``height`` rows, oldest first, newest in ``accent``; a line says how many
    earlier notes are not shown."""
    if height <= 0:
        return Text()
    if not notes:
        return Text("No notes yet.", style="italic")
    picked: list[list[Text]] = []
    used = 0
    for index in range(len(notes) - 1, -1, -1):
        body = Text("▪ ", style="bold")
        body.append_text(note_line(notes[index], workshop))
        lines = _wrap(body, width, MAX_NOTE_LINES)
        room = height - used - (1 if index > 0 else 0)  # keep a row for "… earlier notes"
        if len(lines) > room:
            if not picked:
                lines = lines[: max(room, 1)]
            else:
                break
        if index == len(notes) - 1:
            for line in lines:
                line.stylize(accent)
        picked.append(lines)
        used += len(lines)
    hidden = len(notes) - len(picked)
    out = Text()
    if hidden:
        out.append(f"… {text.plural(hidden, 'earlier note')}\n", style="italic")
    rows = [line for lines in reversed(picked) for line in lines]
    out.append_text(Text("\n").join(rows))
    return out


def _withheld(workshop: Workshop, note_id: int) -> bool:
    note = workshop.notes.get(note_id)
    return note is not None and note.withheld


def ballot_notes_view(ballot: Ballot, workshop: Workshop, width: int, height: int) -> Text:
    """An open vote: its question and the notes on the ballot (never a dot, never who has voted)."""
    out = Text()
    out.append("Dot vote in progress", style="bold")
    out.append(" · the result appears here when the facilitator reveals it\n")
    lines = 1
    for note_id in ballot.note_ids:
        if lines >= height:
            break
        note = workshop.notes.get(note_id)
        if note is None or note.withheld:
            continue
        body = Text(f"#{note_id} ", style="bold")
        body.append(" ".join(note.text.split()))
        wrapped = _wrap(body, width, 1)
        out.append_text(wrapped[0])
        out.append("\n")
        lines += 1
    shown = lines - 1
    if shown < len(ballot.note_ids) and lines < height + 1:
        out.append(f"… and {len(ballot.note_ids) - shown} more", style="italic")
    out.rstrip()
    return out


def results_view(
    ballot: Ballot,
    ranked: Sequence[ResultItem],
    workshop: Workshop,
    width: int,
    height: int,
    *,
    bar_style: str = "bold",
) -> Text:
    """A revealed vote: the top of the ranking as bars, as many rows as fit, ties shown as ties."""
    out = Text()
    out.append(f"{ballot.title}", style="bold underline")
    out.append(" · revealed\n")
    top = max((item.dots for item in ranked), default=0)
    bar_width = 12 if width < 110 else min(40, width // 5)  # narrow: the notes keep room to be read
    ranked = [item for item in ranked if not _withheld(workshop, item.note_id)]  # hidden since the reveal
    for index, item in enumerate(ranked):
        if index + 1 >= height:
            left = len(ranked) - index
            out.append(f"… {text.plural(left, 'more note')}", style="italic")
            break
        note = workshop.notes.get(item.note_id)
        place = f"{item.rank}{'=' if item.tied else '.'}"
        row = Text()
        row.append(f"{place:>4} ", style="bold")
        drawn = bar(item.dots, top, bar_width)
        row.append(
            drawn.ljust(bar_width) if drawn else "·".ljust(bar_width), style=bar_style if drawn else ""
        )
        row.append(f" {text.plural(item.dots, 'dot'):>8}  ", style="bold")
        if note is not None and note.mark in MARKS:
            row.append(f" {MARKS[note.mark]} ", style="bold reverse")
            row.append(" ")
        # the text the room voted on (the record kept at the reveal), not the note's text since a merge or edit
        shown = item.text or (note.text if note is not None else "")
        row.append(" ".join(shown.split()) if shown else "(note no longer on file)")
        out.append_text(_wrap(row, width, 1)[0])
        out.append("\n")
    out.rstrip()
    return out


View = Callable[[int, int], RenderableType]
"""Draws the board for a size in cells (width, height)."""


class Board(Static):
    """Shows what a ``View`` draws for the board's size, and draws it again whenever that size changes: the
    projector cannot scroll, so what fits depends on the size."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self._view: View | None = None
        self._drawn_for: tuple[int, int] | None = None

    def show(self, view: View) -> None:
        """Draw ``view`` now (if the board has a size yet) and on every later resize."""
        self._view = view
        self._drawn_for = None
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width, height = self.content_size
        if self._view is None or width <= 0 or height <= 0 or self._drawn_for == (width, height):
            return
        self._drawn_for = (width, height)
        self.update(self._view(width, height))
