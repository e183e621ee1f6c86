"""An ``OptionList`` that measures only the options it draws: the rest are guessed until they come into view.

Textual's ``OptionList`` draws only the visible lines, but before drawing it measures every option to map lines
to options: a ballot of 3,333 notes was 3,333 counts (and with Rich tables, 3,333 drawings) before the first
frame. Here an option whose prompt can guess its height (``estimate_height(width)``, as ``Row`` and the note
list's ``NotePrompt`` do) is placed by its guess; the options on screen, and the highlighted one with a screen's
worth above it, are counted exactly before they are drawn, and the line map is moved where a guess was wrong.
Rows above the view keep their guesses, so what is on screen never jumps. Options are placed only as far down as
the view and the highlight need (``PLACE_AHEAD`` screens more), the rest as the view or the highlight moves down;
until then the scrollbar counts them at the average height of the rows placed. Prompts without
``estimate_height`` are measured as Textual measures them.

``OptionList``'s line map is private Textual API: this class reaches it only through
``screens.internals.OptionListLines`` (its hooks and accessors are pinned by ``tests/test_internals.py``).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, Self, cast

from textual import events
from textual.css.scalar import Unit
from textual.css.styles import RulesMap
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.scrollbar import ScrollBar
from textual.visual import VisualType
from textual.widgets.option_list import Option

from screens.internals import (
    ListContent,
    OptionListLines,
    cached_visual,
    keep_scrolled_lines,
    option_divider,
    set_option_prompt,
)
from screens.widgets.scrollbar import StripScrollBarRender

PLACE_AHEAD = 2
"""Screens of lines placed below the view (and below the highlighted option), so paging down finds them placed."""
SETTLE_ROUNDS = 4
"""How many times a view is re-measured when guesses were wrong (each round fixes every option in view)."""


class Estimated(Protocol):
    """A prompt that can guess its height cheaply and say whether it has been counted at a width."""

    def estimate_height(self, width: int) -> int: ...

    def known_height(self, width: int) -> int | None: ...


def estimated(option: Option) -> Estimated | None:
    """``option``'s prompt when it can guess its height (an ``Estimated``: a ``Row``, a ``LaterRow``, a note
    list's prompt), else ``None``. Read straight from the prompt: a visual is its own visual, so nothing is made
    or cached for the thousands of options placed but never drawn (``OptionList._get_visual`` made one each)."""
    prompt = cached_visual(option) or option.prompt
    return cast(Estimated, prompt) if hasattr(prompt, "estimate_height") else None  # isinstance is slow


class LazyOptionList(OptionListLines):
    """An ``OptionList`` whose options are counted only when drawn (see the module's docstring).

    It also draws again only the lines that change: moving the highlight draws the lines of the option it leaves
    and of the one it lands on (``OptionList`` draws every line in view), and scrolling by a few lines moves the
    lines drawn and draws only those that come into view (``keep_scrolled_lines``). A list following its newest
    option (a stage's notes as the room writes) drew every line in view for each one added."""

    highlighted: reactive[int | None] = reactive(None, repaint=False)
    """The highlighted option's index (``OptionList.highlighted``); a change draws the two options' lines again
    (``_watch_highlighted``), not the whole list."""

    def __init__(
        self,
        *content: ListContent,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        self._guessed: set[int] = set()
        """Indexes of options placed by a guessed height at the current width."""
        self._placed_width: int | None = None
        """The width the options were placed at (``None``: not placed yet)."""
        self._heights_changed = 0
        self._later: tuple[Sequence[Any], Callable[[Any], ListContent]] | None = None
        """Items whose options ``set_options_in_parts`` adds after the next frame, and how each is built."""
        """Bumped whenever an option's guessed or counted height may have changed (``_summed`` keys on it)."""
        self._summed: tuple[tuple[int, int, int], int] | None = None
        """The last auto height added up: ((width, options, ``_heights_changed``), height)."""
        self._quiet = False
        """Inside ``add_options`` adding below the view: the list's own repaint is skipped (``refresh``)."""
        self._virtual_for: tuple[int, int, int] | None = None
        """(lines, options, the last option's divider) when every option was placed and the scrollable height set
        for them: ``place_lines`` then has nothing to do (it is called for every line drawn)."""
        super().__init__(*content, name=name, id=id, classes=classes, disabled=disabled, markup=False)

    # --- drawing only what changed -----------------------------------------------------------------------

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's vertical scrollbar, drawn by ``StripScrollBarRender`` (its thumb moves with every option
        added to a list following its newest one)."""
        bar = super().vertical_scrollbar
        if bar.renderer is not StripScrollBarRender:
            bar.renderer = StripScrollBarRender  # type: ignore[misc]  # per instance, as Textual's docs say
        return bar

    def _watch_highlighted(self, old: int | None, new: int | None) -> None:
        """Draw again the lines of the option the highlight left and of the one it is on (before ``OptionList``'s
        own watcher scrolls to it: ``keep_scrolled_lines`` moves the lines marked here with the rest)."""
        for index in (old, new):
            if index is not None:
                self.refresh_option(index)

    def refresh_option(self, index: int) -> None:
        """Draw again the lines of the option at ``index`` where they are in view (nothing if it is not placed)."""
        cache = self.line_cache
        line = cache.index_to_line.get(index)
        if line is not None:
            self.refresh_lines(line, cache.heights.get(index, 1))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """As ``ScrollView.watch_scroll_y``, but a scroll by a few lines draws only the lines that come into view
        (``keep_scrolled_lines``), unless an option placed by a guess comes into view: counting it as it is drawn
        may move the lines below it (``_rebuild_lines``), and then every line is drawn."""
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.position = new_value
        delta = round(new_value) - round(old_value)
        if delta:
            keep_scrolled_lines(self, 0 if self._guesses_in_view() else delta)

    def _guesses_in_view(self) -> bool:
        """Whether an option in view was placed by a guessed height (or a line in view is not placed yet)."""
        lines = self.line_cache.lines
        top = int(self.scroll_offset.y)
        bottom = top + self.scrollable_content_region.height - 1
        if bottom >= len(lines):
            return True
        if not self._guessed or top >= len(lines):
            return bottom >= len(lines)
        guessed = self._guessed
        return any(index in guessed for index in range(lines[top][0], lines[bottom][0] + 1))

    # --- measuring --------------------------------------------------------------------------------------

    def _option_width(self) -> int:
        padding = self.get_component_styles("option-list--option").padding
        return self.scrollable_content_region.width - self.left_gutter_width() - padding.width

    def lines_cleared(self) -> None:
        self._guessed.clear()
        self._placed_width = None
        self._heights_changed += 1

    def set_options_in_parts(
        self, items: Sequence[Any], build: Callable[[Any], ListContent], *, first: int
    ) -> None:
        """The options ``build`` makes of ``items``: the first ``first`` now, the rest just after the next frame
        (a 3,333-note ballot built 3,333 options to show a screen of them; ``first`` is a screen's worth).

        Setting or clearing the options again meanwhile drops the rest; ``complete`` adds them at once (for a key
        that acts on every option); ``pending`` lists the items still to come. Build options cheaply (a
        ``LaterRow``): only what ``first`` covers is built before the frame."""
        self.set_options([build(item) for item in items[:first]])
        if len(items) > first:
            later = (items[first:], build)
            self._later = later
            self.call_after_refresh(self.call_later, self._add_later, later)

    @property
    def pending(self) -> Sequence[Any]:
        """The items whose options ``set_options_in_parts`` has yet to add (empty when all are in)."""
        return self._later[0] if self._later is not None else ()

    def complete(self) -> None:
        """Add at once the options ``set_options_in_parts`` left for after the frame, if any."""
        if self._later is not None:
            self._add_later(self._later)

    def _add_later(self, later: tuple[Sequence[Any], Callable[[Any], ListContent]]) -> None:
        if self._later is not later or not self.is_mounted:
            return  # set again, cleared or completed meanwhile
        self._later = None
        items, build = later
        self.add_options([build(item) for item in items])

    def set_options(self, options: Iterable[ListContent]) -> Self:
        self._later = None
        self._guessed.clear()
        self._heights_changed += 1
        return super().set_options(options)

    def add_options(self, new_options: Iterable[ListContent]) -> Self:
        """Add options at the end. Options that land below the view (the lines placed already reach past its
        bottom) change nothing on screen but the scrollbar: the list is not drawn again (``OptionList`` redraws
        every line in view, about half a frame's drawing for a phone's note arriving while the facilitator reads
        further up). A list sized by its options is laid out again as ever."""
        if self._off_view() and not self.styles.auto_dimensions:
            self._quiet = True
            try:
                return super().add_options(new_options)
            finally:
                self._quiet = False
        return super().add_options(new_options)

    def _off_view(self) -> bool:
        """Whether an option added now lands below the view: the options placed fill it to its bottom."""
        lines = self.line_cache.lines
        if not lines or not self.is_mounted:
            return False
        view = self.scrollable_content_region.height
        return view > 0 and len(lines) >= int(self.scroll_offset.y) + view

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        if self._quiet and not (regions or layout or recompose):
            return self  # options added below the view (``add_options``): nothing in view changed
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def clear_options(self) -> Self:
        self._later = None
        self._guessed.clear()
        self._heights_changed += 1
        return super().clear_options()

    def on_resize(self, event: events.Resize) -> None:
        """A resize that keeps the width (a height change, or the first resize after the first frame placed
        the options) keeps the line map; ``prevent_default`` stops ``OptionList``'s handler, which clears it."""
        if self._placed_width is not None and self._placed_width == self._option_width():
            event.prevent_default()

    def prompt_replaced(self, index: int, prompt: VisualType) -> None:
        """One option's new prompt (a dot cast, a count typed, a mark): only that option is measured again,
        and the line map is rebuilt only when its height changed (``OptionList`` re-places every option)."""
        option = self.get_option_at_index(index)
        set_option_prompt(option, prompt)
        self._heights_changed += 1
        self.clear_render_cache()
        heights = self.line_cache.heights
        if index not in heights or not self.scrollable_content_region:
            self.clear_lines()
            return
        self._guessed.add(index)
        wrong = self._count([index])
        if wrong:
            self._rebuild_lines(wrong)
            if index == self.highlighted:
                self.scroll_to_highlight()  # it grew: keep all of it in view
        self.refresh()

    def place_lines(self) -> None:
        """Place the options not placed yet, in order, by their counted height when known, else by a guess, as far
        as the view needs: down to ``PLACE_AHEAD`` screens below the view and past the highlighted option. The
        rest are placed as the view or the highlight moves down (every reader of the line map calls this first:
        drawing, scrolling to the highlight, paging); until then they count in the scrollable height as the
        average height of the options placed (``_set_virtual_height``)."""
        cache = self.line_cache
        lines = cache.lines
        options = self.options
        if self._virtual_for is not None and self._virtual_for == (
            len(lines),
            len(options),
            option_divider(options[-1]) if options else 0,
        ):
            return  # all placed, the scrollable height set: Textual asks again for every line it draws
        if not self.scrollable_content_region:
            return
        next_index = lines[-1][0] + 1 if lines else 0
        if next_index < len(options):
            view = max(1, self.scrollable_content_region.height)
            enough = int(self.scroll_offset.y) + view * (1 + PLACE_AHEAD)
            past = self.highlighted if self.highlighted is not None else -1
            if len(lines) >= enough and next_index > past:
                self._set_virtual_height()  # options may have been added below: the scrollbar counts them
                return  # what the view and the highlight need is placed: nothing more to place
            width = self._option_width()
            if next_index == 0:
                self._placed_width = width
            get_visual = self.visual_of
            rules = cast(RulesMap, self.styles)
            guessed = self._guessed
            index_to_line = cache.index_to_line
            heights = cache.heights
            line = len(lines)
            for index in range(next_index, len(options)):
                if line >= enough and index > past:
                    break
                option = options[index]
                prompt = estimated(option)
                if prompt is None:
                    height = get_visual(option).get_height(rules, width)
                else:
                    height = prompt.known_height(width) or 0
                    if not height:
                        height = prompt.estimate_height(width)
                        guessed.add(index)
                count = height + option_divider(option)
                index_to_line[index] = line
                heights[index] = count
                line += count
                if count == 1:
                    lines.append((index, 0))
                else:
                    lines.extend([(index, offset) for offset in range(count)])
        self._set_virtual_height()

    def take_lines(self, other: LazyOptionList) -> bool:
        """Start this list's line map (which line shows which option, and which heights are guesses) as a copy of
        ``other``'s, when ``other`` lists the very same options in the same order, placed at this list's width
        and wrapped by the same rules; True if taken. Only a list with nothing placed yet takes one: a stage
        screen opened over another on the same stage placed all 3,333 of its notes again to reach the newest
        (about 6 ms), where the copy is a few hundred microseconds. What ``other`` counted meanwhile is kept on the
        shared prompts, so a guess copied is counted exactly like one of this list's own when it comes into view."""
        if other is self or type(other) is not type(self) or self.line_cache.lines:
            return False
        width = self._option_width()
        if other._placed_width != width or not other.line_cache.lines:
            return False
        mine, theirs = self.styles, other.styles
        if (mine.text_wrap, mine.text_overflow, mine.line_pad) != (
            theirs.text_wrap,
            theirs.text_overflow,
            theirs.line_pad,
        ):
            return False
        options, others = self.options, other.options
        if len(options) != len(others) or not all(map(operator.is_, options, others)):
            return False
        source, cache = other.line_cache, self.line_cache
        cache.lines.extend(source.lines)
        cache.heights.update(source.heights)
        cache.index_to_line.update(source.index_to_line)
        self._guessed = set(other._guessed)
        self._placed_width = width
        self._heights_changed += 1
        return True

    def placed_count(self) -> int:
        """How many options (from the top) are placed in the line map so far."""
        lines = self.line_cache.lines
        return lines[-1][0] + 1 if lines else 0

    def _set_virtual_height(self) -> None:
        options = self.options
        placed = self.placed_count()
        lines = len(self.line_cache.lines)
        height = lines
        divider = option_divider(options[-1]) if options else 0
        if placed < len(options):
            rest = len(options) - placed  # counted at the average height of the options placed so far
            height += -(-height * rest // max(1, placed))
        elif divider:
            height -= 1
        self.set_virtual_height(height)
        self._virtual_for = (lines, len(options), divider) if placed == len(options) and lines else None

    def _count(self, indexes: range | list[int]) -> dict[int, int]:
        """Count the guessed options among ``indexes`` exactly: {index: height it was placed at} for each guess
        that was wrong (empty when every guess was right). The new heights are in ``line_cache.heights``; the
        line map is not moved yet (``_rebuild_lines`` does that)."""
        guessed = self._guessed
        heights = self.line_cache.heights
        width = self._option_width()
        rules = cast(RulesMap, self.styles)
        wrong: dict[int, int] = {}
        for index in indexes:
            if index not in guessed:
                continue
            guessed.discard(index)
            self._heights_changed += 1  # counting builds the row: its guess becomes its count
            option = self.options[index]
            count = self.visual_of(option).get_height(rules, width) + option_divider(option)
            placed = heights.get(index)
            if count != placed:
                heights[index] = count
                if placed is not None:
                    wrong.setdefault(index, placed)
        return wrong

    def _rebuild_lines(self, wrong: dict[int, int]) -> None:
        """Move the line map to the new heights of the options in ``wrong`` ({index: height it was placed at}),
        after guesses on screen were wrong. Only what changed is touched: each such option's lines are replaced
        in place (a slice of the list, moved in C) and the first lines of the options after the first of them
        are shifted; the ballot's other thousands of ``(option, line)`` entries are kept as they are."""
        if not wrong:
            return
        cache = self.line_cache
        lines = cache.lines
        heights = cache.heights
        index_to_line = cache.index_to_line
        placed = self.placed_count()  # options not placed yet keep waiting for ``place_lines``
        for index in sorted(wrong, reverse=True):  # from the bottom: an option's first line is still right
            if index >= placed:
                continue
            start = index_to_line[index]
            lines[start : start + wrong[index]] = [(index, line) for line in range(heights[index])]
        first = min(wrong)
        if first < placed:
            line = index_to_line[first]
            for index in range(first, placed):
                index_to_line[index] = line
                line += heights[index]
        self.clear_render_cache()
        self.refresh()  # lines below the first wrong guess moved: every line in view is drawn again
        self._set_virtual_height()

    def _settle_view(self) -> None:
        """Count exactly every option in view (from the top line down), rebuilding the map when guesses were
        wrong, until the view holds only counted options."""
        view = self.scrollable_content_region.height
        for _ in range(SETTLE_ROUNDS):
            lines = self.line_cache.lines
            if not lines or not self._guessed:
                return
            top = min(int(self.scroll_offset.y), len(lines) - 1)
            bottom = min(top + max(view, 1) - 1, len(lines) - 1)
            wrong = self._count(range(lines[top][0], lines[bottom][0] + 1))
            if not wrong:
                return
            self._rebuild_lines(wrong)

    def _settle_around(self, index: int) -> None:
        """Count the option at ``index`` and the options a screen above it, so scrolling to it is exact."""
        if not self._guessed:
            return
        view = max(1, self.scrollable_content_region.height)
        heights = self.line_cache.heights
        wrong = self._count([index])
        above = heights.get(index, 1)
        first = index
        while first > 0 and above < view:
            first -= 1
            wrong.update(self._count([first]))
            above += heights.get(first, 1)
        self._rebuild_lines(wrong)

    def render_lines(self, crop):  # type: ignore[no-untyped-def]
        bottom = self.max_scroll_y
        at_end = bottom > 0 and int(self.scroll_offset.y) >= bottom
        self.place_lines()
        self._settle_view()
        for _ in range(SETTLE_ROUNDS):
            # Scrolled to the end (the scrollbar dragged down, ctrl+end): the rows placed or counted on the way
            # moved the end, so follow it, as far as the last row, counted.
            if not at_end or int(self.scroll_offset.y) == self.max_scroll_y:
                break
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
            self.place_lines()
            self._settle_view()
        return super().render_lines(crop)

    def scroll_to_highlight(self, top: bool = False) -> None:
        highlighted = self.highlighted
        if highlighted is not None and self.is_mounted and self.scrollable_content_region:
            self.place_lines()
            self._settle_around(highlighted)
        super().scroll_to_highlight(top)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The height for ``height: auto``, from guesses where nothing was counted yet.

        With a ``max-height`` that Textual will apply, the options are added up only until they pass it (a
        set-up list of 3,333 notes at most 40% of the screen high added up 3,333 guesses, several times per
        open). The sum is kept until an option is added, replaced or counted, or the width changes: Textual asks
        again on every layout (six times as the set-up opened)."""
        limit = self._auto_height_limit(container, viewport)
        key = (width, len(self.options), self._heights_changed)
        if limit is None and self._summed is not None and self._summed[0] == key:
            return self._summed[1]
        rules = cast(RulesMap, self.styles)
        padding = self.get_component_styles("option-list--option").padding.width
        get_visual = self.visual_of
        total = 0
        for option in self.options:
            prompt = estimated(option)
            if prompt is None:
                total += get_visual(option).get_height(rules, width - padding)
            else:
                total += prompt.estimate_height(width - padding)
            total += option_divider(option)
            if limit is not None and total > limit:
                return total
        total -= 1 if self.options and option_divider(self.options[-1]) else 0
        if limit is None:
            self._summed = (key, total)
        return total

    def _auto_height_limit(self, container: Size, viewport: Size) -> int | None:
        """A height past which an auto height is certainly cut to ``max-height`` (None: no such height, or not
        certain). Textual skips ``max-height`` only for a relative one inside a container not laid out yet
        (``Widget._get_box_model``), and a height in ``fr`` depends on the siblings: neither gets a limit."""
        max_height = self.styles.max_height
        if max_height is None or max_height.unit == Unit.FRACTION:
            return None
        if container.height == 0 and not max_height.is_cells:
            return None
        return math.ceil(max_height.resolve(container, viewport)) + 1

    # --- reading ---------------------------------------------------------------------------------------

    def guessed_count(self) -> int:
        """How many options are not counted exactly: placed by a guess, or not placed yet (for tests: the list
        did not count every option)."""
        return len(self._guessed) + len(self.options) - self.placed_count()


__all__ = ["Estimated", "LazyOptionList", "Option"]
