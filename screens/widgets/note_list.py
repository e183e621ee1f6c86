"""The notes of one stage as a virtualised list: one ``OptionList`` option per note, never one widget per note.

A stage may hold hundreds of notes (a ``ListView`` of 2,000 items took 9.6 s to mount; an ``OptionList`` 0.42 s),
so notes are options whose prompts are ``Content`` that wraps, built only for the notes the list draws (the
others' heights are guessed until they come into view: ``LazyOptionList``). Adding a note appends one option; an edit replaces
one prompt; only a stage change rebuilds the list. Option ids are ``n<note id>``.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import ClassVar, cast

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets.option_list import Option, OptionDoesNotExist

from facilitation.models import Note, Participant, Workshop
from facilitation.text import close_bidi
from screens.internals import divide_line
from screens.widgets.lazy_list import LazyOptionList
from screens.widgets.rows import estimated_height
from workshop.session import EXTERNAL_RELOAD, Change

PREVIEW_CHARS = 2_000
"""Longer notes are cut in the list (the editor shows all of it), so one pasted page cannot bury the rest."""
PREVIEW_LINES = 30

MARK_LABELS = {
    "decision": (" DECISION ", "bold reverse $success"),
    "candidate": (" ACTION? ", "bold reverse $accent"),
}
"""How a marked note stands out; reverse video keeps it legible on a washed-out projector."""


class NotePrompt(Content):
    """A note as the list shows it, whose height is counted rather than laid out.

    The list measures every note of a stage before it can draw (to know where the newest one is), and
    ``Content.get_height`` lays each one out in full to count its lines. Counting where the plain text breaks,
    with the same word-wrap, gives the same number at under half the cost; anything unusual (tabs, no wrapping,
    line padding) is left to Textual.
    """

    def get_height(self, rules: RulesMap, width: int) -> int:
        get_rule = rules.get
        text = self.plain
        if get_rule("line_pad", 0) or get_rule("text_wrap", "wrap") == "nowrap" or "\t" in text:
            return super().get_height(rules, width)
        fold = get_rule("text_overflow", "fold") == "fold"
        counted: tuple[int, bool, int] | None = getattr(self, "_counted", None)
        if counted is not None and counted[:2] == (width, fold):
            return counted[2]  # the list asks again after every change to any note
        height = sum(len(divide_line(line, width, fold=fold)) + 1 for line in text.split("\n"))
        self._counted = (width, fold, height)
        return height

    def known_height(self, width: int) -> int | None:
        """The height already counted at ``width`` (with the list's wrapping), or ``None``."""
        counted: tuple[int, bool, int] | None = getattr(self, "_counted", None)
        return counted[2] if counted is not None and counted[0] == width and counted[1] else None

    def estimate_height(self, width: int) -> int:
        """A quick guess for a note not yet on screen (see ``LazyOptionList``), remembered per width: a prompt is
        kept while its note is unchanged, so going back to a stage guesses nothing again."""
        known = self.known_height(width)
        if known is not None:
            return known
        guessed: tuple[int, int] | None = getattr(self, "_guessed", None)
        if guessed is None or guessed[0] != width:
            guessed = (width, estimated_height(self.plain, width))
            self._guessed = guessed
        return guessed[1]


class LaterNotePrompt(Visual):
    """A note's ``NotePrompt``, built only when the list first measures it exactly or draws it: a stage of
    3,333 notes built 3,333 prompts to show the 30 on screen (about 30 ms on the way to the first frame).
    Until then its height is guessed from the note's text and its header."""

    __slots__ = ("_author", "_guess", "_note", "_prompt")

    def __init__(self, note: Note, author: str) -> None:
        """``note`` as the list shows it with ``author`` (its author's name; empty: anonymous). Only the note
        and the name are kept (no reference to the workshop); the guess's text is made on the first guess: a
        list of 3,333 notes guesses only those it places."""
        self._note: Note | None = note
        self._author = author
        self._prompt: NotePrompt | None = None
        self._guess: tuple[int, int] = (-1, 0)
        """The last width guessed at, and its guess."""

    @property
    def prompt(self) -> NotePrompt:
        """The prompt itself, built on first use."""
        if self._prompt is None:
            assert self._note is not None
            self._prompt, self._note = _note_prompt(self._note, self._author), None
        return self._prompt

    @property
    def built(self) -> bool:
        return self._prompt is not None

    def __str__(self) -> str:
        return str(self.prompt)

    def __rich__(self) -> Text:
        return self.prompt.__rich__()

    def known_height(self, width: int) -> int | None:
        return None if self._prompt is None else self._prompt.known_height(width)

    def estimate_height(self, width: int) -> int:
        if self._prompt is not None:
            return self._prompt.estimate_height(width)
        guessed_width, guess = self._guess
        if guessed_width != width:
            note = self._note
            assert note is not None
            guess = estimated_height(
                f"#{note.id} {self._author or 'anonymous'}: {note.text[: PREVIEW_CHARS + 60]}", width
            )
            self._guess = (width, guess)
        return guess

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.prompt.get_height(rules, width)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.prompt.get_optimal_width(rules, container_width)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.prompt.render_strips(width, height, style, options)


class EarlierNotes(Visual):
    """The first option of a list whose earlier notes are still being read (a stage screen drawn from the
    workshop's opening preview, which holds only the newest notes: ``workshop.session.preview``): it says how
    many there are, and stands in for their height (their count times the average height of the notes listed),
    so the scrollbar is as long as it will be once they are in. The whole workshop replaces it a moment later."""

    __slots__ = ("_count", "_listed", "_text")

    def __init__(self, count: int, listed: list[LaterNotePrompt]) -> None:
        """``count`` notes not read yet; ``listed``: the prompts of the notes listed below (their heights set
        the guess)."""
        self._count = count
        self._listed = listed
        self._text = Content.assemble(
            (f"⋯ {count:,} earlier note{'' if count == 1 else 's'}: still being read, shown in a moment", "italic")
        )

    @property
    def count(self) -> int:
        return self._count

    def __str__(self) -> str:
        return self._text.plain

    def estimate_height(self, width: int) -> int:
        listed = self._listed
        if not listed:
            return self._count
        lines = sum(prompt.estimate_height(width) for prompt in listed)
        return max(1, -(-lines * self._count // len(listed)))

    def known_height(self, width: int) -> int | None:
        return self.estimate_height(width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.estimate_height(width)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self._text.get_optimal_width(rules, container_width)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        """The count on the first line (cut to ``width``), then blank lines down to the guessed height: one blank
        strip, repeated."""
        first = self._text.render_strips(width, 1, style, options)[:1]
        lines = self.estimate_height(width) if height is None else height
        blank = Strip.blank(width, style.rich_style)
        return (first or [blank]) + [blank] * (lines - 1)


def _option_id(note_id: int) -> str:
    return f"n{note_id}"


def note_prompt(note: Note, workshop: Workshop) -> NotePrompt:
    """One note as the list shows it: id, author (or anonymous), its mark, then the text, wrapped."""
    return _note_prompt(note, workshop.credit(note))


def _note_prompt(note: Note, author: str) -> NotePrompt:
    """``note_prompt`` with the author's name given (empty: anonymous), so a prompt built later holds no
    reference to the workshop."""
    author = author or "anonymous"
    # No colour on the name: a coloured name vanishes on the highlight bar (it is drawn in $primary).
    parts: list[str | tuple[str, str]] = [(f"#{note.id} ", "bold"), (author, "bold italic"), ": "]
    if note.mark in MARK_LABELS:
        parts += [MARK_LABELS[note.mark], " "]
    if note.withheld:
        parts += [("[HIDDEN by you: z shows it]", "bold italic"), " "]
    elif note.hidden:
        parts += [("[hidden from the room]", "italic"), " "]
    body = note.text
    lines = body.split("\n")
    cut = 0
    if len(lines) > PREVIEW_LINES:
        body = "\n".join(lines[:PREVIEW_LINES])
    if len(body) > PREVIEW_CHARS:
        body = body[:PREVIEW_CHARS]
    cut = len(note.text) - len(body)
    parts.append(close_bidi(body))  # a note saved before 749a30b, or cut before its closer
    if cut:
        parts.append((f" … (+{cut:,} characters: press e to read it all)", "bold"))
    if note.merged_from:
        merged = ", ".join(f"#{i}" for i in note.merged_from)
        parts.append((f"  [merged {merged}]", "bold"))
    return cast(NotePrompt, NotePrompt.assemble(*parts))  # typed as Content, made as ``cls``


class NoteOptions:
    """The options of one workshop's notes as the note lists show them, shared by every list of that workshop.

    A prompt is reused while its note reads the same (``key``), and an option while its prompt is the same: each
    keeps what was learnt about it (its visual, its guessed or counted height at a width). A stage screen opened
    again (back from set-up, or from home to the same workshop) lists a 3,333-note stage without building 3,333
    prompts and options anew, and two lists of one workshop (the stage screen and another pushed above it)
    build each once. Options hold no state of the list they are in (``OptionList`` keeps its maps itself).
    """

    __slots__ = ("__weakref__", "_listed", "lists", "options", "prompts")

    def __init__(self) -> None:
        self.prompts: dict[int, tuple[tuple[object, ...], LaterNotePrompt]] = {}
        self.options: dict[int, Option] = {}
        self._listed: tuple[list[Note], dict[int, str], list[Option]] | None = None
        """The last ``options_for``: its notes, the participants' names then, and the options."""
        self.lists: weakref.WeakSet[LazyOptionList] = weakref.WeakSet()
        """The note lists that listed options from here (``NoteList.set_notes``): a list of the same options takes
        its line map from one of them (``LazyOptionList.take_lines``)."""

    @staticmethod
    def key(note: Note, author: str) -> tuple[object, ...]:
        """What a note's prompt shows (``author``: who it is by, as ``Workshop.credit`` names them, co-authors of a
        merge included): while this is unchanged, so is the prompt."""
        return (note.text, note.mark, note.author_id, note.hidden, note.withheld, author, *note.merged_from)

    def prompt(self, note: Note, workshop: Workshop) -> LaterNotePrompt:
        """The note's prompt, built (lazily: ``LaterNotePrompt``) only when the note reads differently."""
        return self._prompt(note, workshop.credit(note))

    def _prompt(self, note: Note, author: str) -> LaterNotePrompt:
        key = self.key(note, author)
        cached = self.prompts.get(note.id)
        if cached is not None and cached[0] == key:
            return cached[1]
        prompt = LaterNotePrompt(note, author)  # no reference to the workshop
        self.prompts[note.id] = (key, prompt)
        return prompt

    def adopt(self, other: NoteOptions) -> None:
        """Take ``other``'s prompts and options (the same workshop read anew: a preview swapped for the whole
        workshop, a file followed from another window). Each is used only while its note reads the same."""
        self.prompts.update(other.prompts)
        self.options.update(other.options)

    def options_for(self, notes: list[Note], workshop: Workshop) -> list[Option]:
        """``options_of(notes, workshop)``, as a list of the caller's own. When ``notes`` are the notes of the last
        call (the same records: a note changed is a new record) and every participant's name reads the same, its
        options are those of the last call, and that list is copied instead of looking each note up again: a
        stage screen opened again on 3,333 notes (20,000 in the workshop) looked up 3,333 prompts and options."""
        names = {person.id: person.name for person in workshop.participants.values()}
        listed = self._listed
        if listed is not None and listed[1] == names and listed[0] == notes:
            return list(listed[2])
        options = self.options_of(notes, workshop)
        self._listed = (notes, names, options)
        return list(options)

    def option(self, note: Note, workshop: Workshop) -> Option:
        """The note's option, the same object while its prompt is unchanged."""
        return self._option(note, workshop.credit(note))

    def _option(self, note: Note, author: str) -> Option:
        prompt = self._prompt(note, author)
        option = self.options.get(note.id)
        if option is None or option.prompt is not prompt:
            option = Option(prompt, id=f"n{note.id}")  # _option_id's
            self.options[note.id] = option
        return option

    def options_of(self, notes: Iterable[Note], workshop: Workshop) -> list[Option]:
        """``option`` of each of ``notes``, in order (a stage's list): each author's name is looked up once (a
        merged note's authors, ``Workshop.credit``, each time)."""
        names: dict[int | None, str] = {}
        option = self._option
        options = []
        for note in notes:
            if note.co_author_ids:
                options.append(option(note, workshop.credit(note)))
                continue
            author = names.get(note.author_id)
            if author is None:
                author = names[note.author_id] = workshop.participant_name(note.author_id)
            options.append(option(note, author))
        return options


_SHARED: dict[int, tuple[weakref.ref[Workshop], NoteOptions]] = {}
"""``NoteOptions`` by ``id(workshop)``, with a weak reference that checks the id still names that workshop (and
drops the entry once the workshop is gone: a closed workshop's notes are not kept)."""


def note_options(workshop: Workshop) -> NoteOptions:
    """The ``NoteOptions`` shared by every note list showing ``workshop`` (the object: a workshop read again from
    its file is another object, with options of its own)."""
    key = id(workshop)
    entry = _SHARED.get(key)
    if entry is not None and entry[0]() is workshop:
        return entry[1]
    shared = NoteOptions()

    def forget(ref: weakref.ref[Workshop]) -> None:
        if _SHARED.get(key, (None,))[0] is ref:
            del _SHARED[key]

    _SHARED[key] = (weakref.ref(workshop, forget), shared)
    return shared


class NoteList(LazyOptionList):
    """A stage's notes, newest last; the highlighted note is the one the note keys act on.

    An empty stage shows one disabled hint option rather than hiding the list: a hidden list that reappears is
    resized, and a resize makes the option list re-measure every note.
    """

    DEFAULT_CSS: ClassVar[str] = """
    NoteList {
        height: 1fr;
        max-height: 100%;
        overflow-y: scroll;
        & > .option-list--option-disabled { color: $foreground; text-style: bold; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Previous note", show=False),
        Binding("down", "cursor_down", "Next note", show=False),
        Binding("home", "first", "First note", show=False),
        Binding("end", "last", "Newest note", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("enter", "select", "Edit the note", show=False),
    ]

    def __init__(
        self, *, empty_hint: str = "No notes yet.", id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.empty_hint = empty_hint
        self._shared: NoteOptions | None = None
        """The ``NoteOptions`` this list last listed from."""
        self._measured_width: int | None = None
        self._positions: dict[int, float] = {}
        """Shown notes' positions: a change that moves one within the stage rebuilds the list in order."""
        self._scroll_pending = False
        """Bring the highlighted note into view when the list is next drawn (see ``render_lines``)."""
        self._batch: list[Option] | None = None
        """Inside ``batched``: notes appended, not yet in the list (``None``: outside)."""
        self._batch_ids: set[int] = set()
        self._batch_follow: int | None = None
        """Inside ``batched``: the appended note (index in ``_batch``) the highlight goes to, if any."""

    def _note_options(self, workshop: Workshop) -> NoteOptions:
        """``workshop``'s shared options; when this list showed another object of the workshop before (read
        anew), a fresh set starts from that one's, so the swap builds nothing for a note that reads the same."""
        shared = note_options(workshop)
        last, self._shared = self._shared, shared
        if last is not None and last is not shared and not shared.prompts:
            shared.adopt(last)
        return shared

    def _prompt(self, note: Note, workshop: Workshop) -> LaterNotePrompt:
        return self._note_options(workshop).prompt(note, workshop)

    def _option(self, note: Note, workshop: Workshop) -> Option:
        return self._note_options(workshop).option(note, workshop)

    # --- measuring: OptionList re-wraps every option on any resize; only a new width needs it ----------------

    def lines_cleared(self) -> None:
        self._measured_width = None
        super().lines_cleared()

    def place_lines(self) -> None:
        if self._measured_width is None and self.scrollable_content_region:
            self._measured_width = self.scrollable_content_region.width
        if not self.line_cache.lines and self.scrollable_content_region and self._shared is not None:
            for other in list(self._shared.lists):  # another list of the same notes: its line map, if it fits
                if self.take_lines(other):
                    break
        super().place_lines()

    def on_resize(self, event: events.Resize) -> None:
        """A height-only resize, or the first resize after the first frame already measured at this width,
        keeps the measured lines: re-wrapping hundreds of notes would cost a frame at start-up.

        Textual runs the resize handler of every class in the MRO; ``prevent_default`` stops the rest
        (``LazyOptionList``'s and ``OptionList``'s, which would clear everything). A new width re-wraps every note, which moves them: the highlighted one is brought
        back into view (a projector switched to another resolution still shows the newest note)."""
        if self._measured_width is not None and self._measured_width == self.scrollable_content_region.width:
            event.prevent_default()
        else:
            self._scroll_pending = True

    def render_lines(self, crop: Region) -> list[Strip]:
        """Scroll the highlighted note into view as the list is drawn, once its lines are measured, so the
        first frame of a stage (or of a new note) already shows it: scrolling after that frame would show the
        top of the list for one frame and draw the list twice."""
        if self._scroll_pending and self.scrollable_content_region:
            self._scroll_pending = False
            self.scroll_to_highlight()
        return super().render_lines(crop)

    def _hint(self) -> Option:
        return Option(Content(self.empty_hint), disabled=True)

    # --- reading ---------------------------------------------------------------------------------------

    @property
    def selected_note_id(self) -> int | None:
        """The id of the highlighted note, or ``None`` when the list is empty."""
        self._add_batch()
        option = self.highlighted_option
        if option is None or option.id is None:
            return None
        return int(option.id[1:])

    @property
    def note_ids(self) -> list[int]:
        self._add_batch()
        return [int(o.id[1:]) for o in self.options if o.id is not None]

    @property
    def note_count(self) -> int:
        """How many notes are listed (the empty-stage hint is not a note)."""
        self._add_batch()
        return sum(1 for o in self.options if o.id is not None)

    def has_note(self, note_id: int) -> bool:
        """Whether the note is listed (appended inside ``batched`` counts: it is added as the batch ends)."""
        if note_id in self._batch_ids:
            return True
        try:
            self.get_option(_option_id(note_id))
        except OptionDoesNotExist:
            return False
        return True

    # --- changing ----------------------------------------------------------------------------------------

    def set_notes(
        self, notes: Iterable[Note], workshop: Workshop, *, select: int | None = None, earlier: int = 0
    ) -> None:
        """Show ``notes`` (a stage change), highlighting ``select`` or else the newest note. ``earlier``: how
        many notes before ``notes`` are still being read (``WorkshopSession.unread_notes``): the list starts with
        one option saying so, as high as they will be (``EarlierNotes``)."""
        self._drop_batch()  # ``notes`` holds them
        notes = list(notes)
        self._positions = {n.id: n.position for n in notes}
        shared = self._note_options(workshop)
        options = shared.options_for(notes, workshop)
        if earlier > 0 and options:
            listed = [cast(LaterNotePrompt, option.prompt) for option in options]
            self.set_options([Option(EarlierNotes(earlier, listed), disabled=True), *options])
        else:
            self.set_options(options or [self._hint()])
        shared.lists.add(self)
        if options:
            index = self.option_count - 1
            if select is not None and self.has_note(select):
                index = self.get_option_index(_option_id(select))
            self.highlighted = index
            self._scroll_pending = True

    def follow(
        self, change: Change, workshop: Workshop, stage_id: int, *, follow_new: bool | None = None
    ) -> None:
        """Update the list for a committed change, showing the live notes of ``stage_id``.

        ``follow_new``: whether a new note takes the highlight (``None``: only when the highlight was on the
        newest note, so notes arriving from participants' devices do not pull it away from a note being read).

        Generic over event kinds: each note record in the change is added (at the end when it is the newest,
        else the list is rebuilt in order), redrawn, or dropped (deleted, moved or merged away); a participant
        change redraws the author names; a re-read workshop rebuilds the list.
        """
        if change.kind == EXTERNAL_RELOAD or any(isinstance(r, Participant) for r in change.changed):
            self.set_notes(workshop.stage_notes(stage_id), workshop, select=self.selected_note_id)
            return
        rebuild: int | bool | None = False
        for record in change.changed:
            if not isinstance(record, Note):
                continue
            shown = self.has_note(record.id)
            mine = record.stage_id == stage_id and not record.deleted
            if mine and shown:
                if self._positions.get(record.id) != record.position:
                    rebuild = record.id
                else:
                    self.update_note(record, workshop)
            elif mine:
                if record.position >= max(self._positions.values(), default=float("-inf")):
                    self.append_note(record, workshop, follow=self._at_end() if follow_new is None else follow_new)
                else:
                    rebuild = record.id
            elif shown:
                self.remove_note(record.id)
        if rebuild is not False:
            self.set_notes(workshop.stage_notes(stage_id), workshop, select=rebuild)

    def _at_end(self) -> bool:
        """Whether the highlight is on the newest note (or nowhere), counting notes appended in a batch."""
        if self._batch:
            return self._batch_follow == len(self._batch) - 1
        return self.highlighted is None or self.highlighted >= self.option_count - 1

    def append_note(self, note: Note, workshop: Workshop, *, follow: bool = True) -> None:
        """Add a new note at the end; ``follow`` highlights it and brings it into view (the room wants to see
        what was just typed). A note from a participant's device arrives with ``follow=False``, so the
        facilitator's highlight stays where it is. Inside ``batched`` the note is added as the batch ends."""
        option = self._option(note, workshop)
        self._positions[note.id] = note.position
        if self._batch is not None:
            self._batch.append(option)
            self._batch_ids.add(note.id)
            if follow:
                self._batch_follow = len(self._batch) - 1
            return
        if self.note_count == 0 and self.option_count:
            self.clear_options()
        self.add_option(option)
        if follow or self.highlighted is None:
            self.highlighted = self.option_count - 1
            self._scroll_pending = True

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Notes appended inside (``append_note``, ``follow``) are added together as it ends: one ``add_options``,
        one move of the highlight and one scroll for a burst of notes published together (several phones' notes
        in one group commit round), instead of one each. The list reads as if each had been added at once:
        ``has_note`` counts them, and anything else that reads or changes the list adds them first."""
        if self._batch is not None:
            yield  # already batching: the outer one adds them
            return
        self._batch = []
        try:
            yield
        finally:
            self._add_batch()
            self._batch = None

    def _add_batch(self) -> None:
        """Add the notes appended in the batch so far (the batch goes on)."""
        batch = self._batch
        if not batch:
            return
        follow = self._batch_follow
        self._batch = []
        self._batch_ids.clear()
        self._batch_follow = None
        if self.note_count == 0 and self.option_count:
            self.clear_options()
        first = self.option_count
        self.add_options(batch)
        if follow is not None or self.highlighted is None:
            self.highlighted = first + (follow if follow is not None else 0)
            self._scroll_pending = True

    def _drop_batch(self) -> None:
        """Forget the notes appended in the batch (the list is about to be set whole)."""
        if self._batch is not None:
            self._batch = []
        self._batch_ids.clear()
        self._batch_follow = None

    def update_note(self, note: Note, workshop: Workshop) -> None:
        """Redraw one note after an edit, a mark or a merge."""
        self._add_batch()
        if self.has_note(note.id):
            self._positions[note.id] = note.position
            self.replace_option_prompt(_option_id(note.id), self._prompt(note, workshop))

    def remove_note(self, note_id: int) -> None:
        """Drop one note (deleted, moved or merged away); the highlight stays at the same place."""
        self._add_batch()
        if not self.has_note(note_id):
            return
        index = self.get_option_index(_option_id(note_id))
        self._positions.pop(note_id, None)
        self.remove_option(_option_id(note_id))
        if self.option_count:
            self.highlighted = min(index, self.option_count - 1)
        else:
            self.add_option(self._hint())
