"""Rows measured by counting must be as tall as they are drawn, or rows would overlap or be cut."""

from __future__ import annotations

from typing import cast

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.content import Content
from textual.css.styles import RulesMap, Styles
from textual.style import Style
from textual.visual import RenderOptions

from screens.widgets.rows import Cell, LaterRow, Row, estimated_height, wrapped_height

LETTERS = [*"abcdefghij klmnop   qrst-uvwxyz.,;:!?"]
ALPHABET = st.sampled_from([*LETTERS, "\n", "\t", "🤝", "🚀", "日本", "שלום", "مرحبا", "é", "\u200b", "—"])
TEXTS = st.lists(ALPHABET, max_size=300).map("".join)


RULES = cast(RulesMap, Styles())


def options() -> RenderOptions:
    return RenderOptions(lambda style: style if isinstance(style, Style) else Style.parse(style), RULES)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS.filter(lambda t: "\t" not in t), width=st.integers(min_value=1, max_value=120))
def test_wrapped_height_equals_textual_height(text: str, width: int) -> None:
    assert wrapped_height(text, width) == Content(text).get_height(RULES, width)


@settings(max_examples=300, deadline=None)
@given(
    text=TEXTS,
    width=st.integers(min_value=1, max_value=140),
    cells=st.lists(st.integers(min_value=1, max_value=12), max_size=3),
    gap=st.integers(min_value=0, max_value=2),
)
def test_a_row_draws_as_many_lines_as_it_counts(text: str, width: int, cells: list[int], gap: int) -> None:
    row = Row(
        [Cell(Content(f"{w}" * w), w, "right") for w in cells],
        Content.assemble(("#1 ", "bold"), text),
        gap=gap,
    )
    height = row.get_height(RULES, width)
    strips = row.render_strips(width, None, Style(), options())
    assert len(strips) == height
    assert all(strip.cell_length == max(width, row.fixed + 1) for strip in strips)


def test_cells_sit_on_the_first_line_and_the_body_wraps_under_its_own_column() -> None:
    row = Row([Cell(Content("12."), 4, "right"), Cell(Content("3 dots"), 8, "right")], Content("word " * 10))
    lines = [strip.text for strip in row.render_strips(30, None, Style(), options())]
    assert lines[0].startswith(" 12.   3 dots word word")
    assert all(line.startswith(" " * 14) for line in lines[1:])
    assert len(lines) == row.get_height(RULES, 30) == 4


def test_a_cell_too_long_for_its_column_is_cut_with_an_ellipsis() -> None:
    row = Row([Cell(Content("12,345 dots"), 6)], Content("note"))
    assert row.render_strips(20, None, Style(), options())[0].text.startswith("12,34… note")


def test_a_later_row_guesses_until_it_is_built_and_then_counts() -> None:
    built: list[int] = []

    def build() -> Row:
        built.append(1)
        return Row([Cell(Content("#1"), 3)], Content("word " * 20))

    later = LaterRow(build, fixed=4, length=100)
    assert later.known_height(40) is None
    assert later.estimate_height(40) == 3  # 100 characters over 36 columns
    assert built == []
    assert later.get_height(RULES, 40) == 3
    assert later.known_height(40) == 3
    assert built == [1]


def test_estimates_are_cheap_guesses_in_whole_lines() -> None:
    assert estimated_height("", 10) == 1
    assert estimated_height("x" * 21, 10) == 3
    assert estimated_height("a\nb", 10) == 2
