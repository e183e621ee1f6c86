"""A device's live page as parts (``room.live.LivePage``), drawn from its ``DeviceView`` with the macros of
``templates/live_parts.html``.

Each part is drawn only when what it shows changed: a device keeps its parts as last drawn, with what each was
drawn from (``Device.drawn``), and the room's notes are drawn once per change for every device (``RoomNotes``):
a note added to the room draws one list entry, whoever is looking.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Hashable
from functools import partial
from typing import Any

import jinja2
from markupsafe import Markup

from facilitation.models import Workshop
from room.devices import Device
from room.live import Block, Items, LivePage
from room.views import BallotView, DeviceView, NoteView, visible_notes

Entry = tuple[str, Hashable, Callable[[], Markup]]
"""A list entry to draw: its element id, what it is drawn from, and how to draw it."""


class RoomNotes:
    """The current stage's notes as the whole room sees them: one heading and one list, the same objects for
    every device until they change (so ``live.diff`` works out their operations once per round)."""

    def __init__(self, macros: Any) -> None:
        self._macros = macros
        self._key: tuple[int, int | None] | None = None
        self._entries: dict[int, tuple[tuple[str, str], tuple[str, str]]] = {}
        """By note id: (its text and credit, (its entry's id, its entry's HTML)), as last drawn."""
        self.head = Block("live-room-head", "")
        self.items = Items("live-room", '<ul id="live-room" class="notes">', "</ul>")
        self.drawn = 0
        """List entries drawn so far (each note once per change of its text or author)."""

    def forget(self) -> None:
        """Work the notes out again at the next ``parts`` (the entries already drawn are kept)."""
        self._key = None

    def parts(self, ws: Workshop) -> tuple[Block, Items]:
        """The heading and the list now; the same objects as last time while the room's notes are the same.

        After a change, each note the room sees is looked at once (its text and credit against those it was drawn
        with) and only a new or changed one is drawn; the others' entries are the same objects as before, so the
        new list compares with the old one by identity (400 notes: a change of one used to build a ``NoteView``
        for each, and then compare the lists entry by entry)."""
        key = (len(ws.events), ws.current_stage_id)
        if key == self._key:
            return self.head, self.items
        self._key = key
        stage = ws.current_stage
        known = self._entries
        entries: dict[int, tuple[tuple[str, str], tuple[str, str]]] = {}
        listed: list[tuple[str, str]] = []
        for note in visible_notes(ws):
            what = (note.text, ws.credit(note))
            found = known.get(note.id)
            if found is None or found[0] != what:
                html = str(self._macros.room_note(NoteView(note.id, *what)))
                found = (what, (f"room-{note.id}", html))
                self.drawn += 1
            entries[note.id] = found
            listed.append(found[1])
        self._entries = entries
        items = tuple(listed)
        if items != self.items.items:
            self.items = Items(self.items.id, self.items.open, self.items.close, items)
        head = str(self._macros.room_head(bool(stage and stage.silent), not listed))
        if head != self.head.html:
            self.head = Block(self.head.id, head)
        return self.head, self.items


class PageDrawer:
    """Draws devices' live pages from the templates' macros (``env``: the room's autoescaping environment).

    A ballot's entries differ between devices only by their dots and their CSRF token: each is drawn once for
    every device with the same dots, with a random mark (``mark``) where the token goes, and the ballot's list is
    one object for every device with the same dots (at a vote's opening: one for the whole room). The mark stays
    in the page's parts; ``for_device`` puts the device's own token in where the page leaves the server (the
    live stream's events, the page a device loads), one pass over the text. 40 phones opening a 400-note ballot
    drew 16,000 entries' copies and compared them one by one; now one list, then a replace per phone."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.macros: Any = env.get_template("live_parts.html").module
        self.room = RoomNotes(self.macros)
        self.mark = "csrf-" + secrets.token_hex(16)
        """What stands for a device's CSRF token in a ballot's entries until ``for_device`` puts it in."""
        self._mark_bytes = self.mark.encode()
        self._entries: dict[Hashable, str] = {}
        """Ballot entries as sent (with the mark for the token), by note, dots, ballot and lock of the buttons."""
        self._drawings: dict[Hashable, str] = {}
        """Ballot entries as the template drew them, by note, dots and ballot (``_ballot_entry``)."""
        self._ahead: tuple[tuple[NoteView, ...], BallotView] | None = None
        """The ballot notes whose entries ``draw_ahead`` has all drawn, and their ballot."""
        self._take_back = "take-back-" + secrets.token_hex(8)
        self._put_on = "put-on-" + secrets.token_hex(8)
        """Where an entry's buttons' `` disabled`` goes, until ``_ballot_entry`` fills it in."""
        self._ballots: dict[Hashable, tuple[tuple[NoteView, ...], Items]] = {}
        self.entries_drawn = 0
        """Ballot entries drawn by the template (shared by every device with the same dots on them, whatever locks
        its buttons)."""
        self.ballot_lists = 0
        """Ballot lists built (shared by every device with the same dots on the same ballot)."""

    def for_device(self, device: Device, text: str) -> str:
        """``text`` (a live part's HTML) with ``device``'s CSRF token in place of the mark."""
        return text.replace(self.mark, device.csrf) if self.mark in text else text

    def event_for_device(self, device: Device, event: bytes) -> bytes:
        """A live event (UTF-8) with ``device``'s CSRF token in place of the mark."""
        mark = self._mark_bytes
        return event.replace(mark, device.csrf.encode()) if mark in event else event

    def _ballot_entry(self, v: DeviceView, n: NoteView, dots: int) -> str:
        """Note ``n``'s entry on ``v``'s ballot with ``dots`` of the device's dots on it. The template draws it once
        per note, dots and ballot, with a mark where each button's `` disabled`` may go; each lock of the buttons
        (no dot to take back, no dot left or the note's cap reached, the device done) is that drawing with the marks
        filled in. A device that runs out of dots or says it is done locks every "+ dot" of its list: 400 entries
        drawn by the template took 10-13 ms in one callback of the loop; filled in, well under one."""
        ballot = v.ballot
        assert ballot is not None
        take_back_off = not dots or v.done
        put_on_off = v.dots_left <= 0 or dots >= ballot.cap or v.done
        key = (n, dots, ballot, take_back_off, put_on_off)
        html = self._entries.get(key)
        if html is None:
            if len(self._entries) > 50_000:  # ballots come and go: forget the old ones
                self._entries.clear()
                self._drawings.clear()
            drawing = self._drawings.get((n, dots, ballot))
            if drawing is None:
                marks = Markup(self._take_back), Markup(self._put_on)
                drawing = self._drawings[(n, dots, ballot)] = str(self.macros.ballot_note(v, n, dots, self.mark, *marks))
                self.entries_drawn += 1
            html = self._entries[key] = drawing.replace(
                self._take_back, " disabled" if take_back_off else ""
            ).replace(self._put_on, " disabled" if put_on_off else "")
        return html

    def draw_ahead(self, notes: tuple[NoteView, ...], ballot: BallotView, deadline: float) -> bool:
        """Draw the entries of the open ballot ``ballot`` with no dot on them (every phone's page has them) that
        are not drawn yet, until ``deadline`` (``time.perf_counter``) but at least one; True once every note of
        ``notes`` has its drawing (then at once, while ``notes`` is the same object)."""
        if self._ahead is not None and self._ahead[0] is notes and self._ahead[1] == ballot:
            return True
        view = DeviceView(name="", workshop_title="", mode="vote", ballot=ballot)  # the entry reads its ballot only
        marks = Markup(self._take_back), Markup(self._put_on)
        for n in notes:
            if (n, 0, ballot) in self._drawings:
                continue
            self._drawings[(n, 0, ballot)] = str(self.macros.ballot_note(view, n, 0, self.mark, *marks))
            self.entries_drawn += 1
            if time.perf_counter() >= deadline:
                return False
        self._ahead = (notes, ballot)  # the notes are kept, so their identity is not reused meanwhile
        return True

    def _ballot_list(self, v: DeviceView) -> Items:
        """The open ballot's list for a device with ``v``'s dots: the same object for every such device (while
        the ballot's notes are the same object, ``Shared.ballot_notes``)."""
        ballot = v.ballot
        assert ballot is not None
        locked = (v.dots_left <= 0, v.done, ballot)
        notes = v.ballot_notes
        key = (id(notes), locked, tuple(sorted(v.my_dots.items())))
        found = self._ballots.get(key)
        if found is not None and found[0] is notes:
            return found[1]
        entries = []
        for n in notes:
            entries.append((f"ballot-{n.id}", self._ballot_entry(v, n, v.my_dots.get(n.id, 0))))
        items = Items("live-ballot", '<ol id="live-ballot" class="ballot">', "</ol>", tuple(entries))
        if len(self._ballots) > 2_000:  # ballots and their notes come and go: forget the old lists
            self._ballots.clear()
        self._ballots[key] = (notes, items)  # the notes are kept, so their identity is not reused meanwhile
        self.ballot_lists += 1
        return items

    def page(
        self, device: Device, v: DeviceView, room: tuple[Block, Items] | None, *, typed: str = ""
    ) -> LivePage:
        """``device``'s live page for its view ``v`` and the room's notes ``room`` (``RoomNotes.parts``; needed by
        a notes page only, None for the others); ``typed`` goes back into the note field (a refused note keeps
        what was typed). Raises ``ValueError`` for a notes page without the room's notes."""
        m, csrf = self.macros, device.csrf
        drawn: dict[str, Any] = device.drawn
        used: dict[str, Any] = {}

        def block(name: str, key: Hashable, draw: Callable[[], Markup]) -> Block:
            found = drawn.get(name)
            if found is None or found[0] != key:
                found = (key, Block(name, str(draw())))
            used[name] = found
            return found[1]

        def items(name: str, open_: str, close: str, entries: list[Entry]) -> Items:
            previous: tuple[dict[str, tuple[Hashable, str]], Items | None] = drawn.get(name) or ({}, None)
            before, last = previous
            now: dict[str, tuple[Hashable, str]] = {}
            for entry_id, key, draw in entries:
                found = before.get(entry_id)
                now[entry_id] = found if found is not None and found[0] == key else (key, str(draw()))
            listed = tuple((e, now[e][1]) for e, _, _ in entries)
            if last is None or last.items != listed or last.open != open_:  # else the same object: nothing to do
                last = Items(name, open_, close, listed)
            used[name] = (now, last)
            return last

        parts: list[Block | Items]
        if v.mode == "waiting":
            parts = [block("live-waiting", v.name, lambda: m.waiting(v))]
        else:
            stage_key = (v.stage_title, v.stage_purpose, tuple(v.prompts), v.mode, v.name, v.workshop_title)
            parts = [block("live-stage", stage_key, lambda: m.stage(v))]
            if v.mode == "vote":
                parts += self._vote(v, csrf, block)
            elif v.mode == "tally":
                parts.append(block("live-tally", None, lambda: m.tally(v)))
            elif v.mode == "readiness":
                key = (v.readiness_round, v.my_attitude, tuple(sorted(v.my_scores.items())), v.readiness_saved)
                parts.append(block("live-readiness", key, lambda: m.readiness(v, csrf)))
            else:
                if room is None:
                    raise ValueError("a notes page needs the room's notes (RoomNotes.parts)")
                parts += self._notes(v, csrf, typed, room, block, items)
        device.drawn = used
        return LivePage((v.mode, v.stage_id, v.readiness_round), tuple(parts))

    def _vote(self, v: DeviceView, csrf: str, block: Any) -> list[Block | Items]:
        m, ballot = self.macros, v.ballot
        assert ballot is not None
        return [
            Block("", '<section aria-labelledby="vote-title" class="vote">'),
            block("live-vote-head", (ballot, v.dots_left, v.done), lambda: m.vote_head(v)),
            self._ballot_list(v),
            block("live-vote-done", (ballot, v.done), lambda: m.vote_done(v, csrf)),
            Block("", "</section>"),
        ]

    def _notes(
        self, v: DeviceView, csrf: str, typed: str, room: tuple[Block, Items], block: Any, items: Any
    ) -> list[Block | Items]:
        m = self.macros
        notices: list[Entry] = [(f"aside-{n.id}", n.text, partial(m.set_aside, n)) for n in v.set_aside]
        notices += [(f"back-{n.id}", n.text, partial(m.shown_again, n)) for n in v.shown_again]
        mine: list[Entry] = [(f"mine-{n.id}", (n.text, n.editable), partial(m.mine_note, n)) for n in v.my_notes]
        result_key = (v.result, v.result_notes, tuple(sorted(v.result_dots.items())))
        return [
            block("live-add", (v.silent, v.anonymous, typed), lambda: m.add_note(v, csrf, typed)),
            items("live-notices", '<div id="live-notices" role="status">', "</div>", notices),
            Block("", "<section>"),
            block("live-mine-head", len(v.my_notes), lambda: m.mine_head(v)),
            items("live-mine", '<ul id="live-mine" class="notes">', "</ul>", mine),
            Block("", "</section>"),
            block("live-result", result_key, lambda: m.result(v)),
            Block("", '<section aria-labelledby="room-title">'),
            *room,
            Block("", "</section>"),
        ]
