"""Columns padded by the app line up in terminal cells when names hold emoji (ZWJ sequences, flags, skin tones).

``str.ljust`` counts characters: "👩‍🚀 Astro" is 11 of them but 8 cells, so the column after it was pushed out of
line by 3. ``screens.widgets.cells`` pads and cuts with Rich's ``cell_len``, the measure Textual draws with.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from screens.widgets.cells import fit, pad, widest
from tests.ui_helpers import screen_text, until
from workshop.session import WorkshopLibrary
from workshop.store import Store

EMOJI_NAMES = ["👩\u200d🚀 Astro", "Ben 🇳🇬", "Chloé 👋🏽", "Dan", "🧑🏿\u200d🦱 Eve", "👨\u200d👩\u200d👧 Fay"]
"""A ZWJ sequence, a flag, a skin tone, plain text, a skin-toned ZWJ sequence, a family of three joined."""

_PIECES = st.sampled_from(["a", "é", "ß", "日", "👩\u200d🚀", "🇳🇬", "👋🏽", "\u0301", " ", "Ω", "🧑🏿\u200d🦱"])


def test_emoji_names_are_measured_in_cells_not_characters() -> None:
    assert [cell_len(n) for n in EMOJI_NAMES] == [8, 6, 8, 3, 6, 6]
    assert widest(EMOJI_NAMES) == 8
    assert pad("👩\u200d🚀 Astro", 10) == "👩\u200d🚀 Astro  "
    assert fit("Ben 🇳🇬", 5) == "Ben …"


@given(st.lists(_PIECES, max_size=12).map("".join), st.integers(0, 30))
def test_pad_and_fit_give_exact_cell_widths(text: str, width: int) -> None:
    assert cell_len(pad(text, width)) == max(width, cell_len(text))
    assert pad(text, width).startswith(text)
    assert cell_len(fit(text, width)) == width


@pytest.fixture
def app(store: Store, clock: FakeClock) -> Iterator[WorkshopApp]:
    library = WorkshopLibrary(store, clock=clock)
    session = library.create("Emoji", participants=EMOJI_NAMES)
    session.agenda.next()
    for text in ("first idea", "second idea"):
        session.notes.add(text)
    session.votes.open(session.workshop.current_stage_id, budget=2, cap=1, anonymous=False)
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def _columns_after_names(
    app: WorkshopApp, after: tuple[str, ...], names: list[str] = EMOJI_NAMES
) -> dict[str, int]:
    """The cell column where each name's row goes on after its padded name (the first of ``after`` found)."""
    found = {}
    for line in screen_text(app).splitlines():
        for name in names:
            if name in line:
                rest = line.index(name) + len(name)
                columns = [line.index(word, rest) for word in after if word in line[rest:]]
                if columns:
                    found[name] = cell_len(line[: min(columns)])
    return found


async def test_the_vote_boards_voter_column_lines_up_with_emoji_names(app: WorkshopApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "StageScreen", "the stage")
        await pilot.press("v")
        await until(pilot, lambda: type(app.screen).__name__ == "VoteBoardScreen", "the board")
        await pilot.pause()
        columns = _columns_after_names(app, ("not yet", "voted"))
        assert set(columns) == set(EMOJI_NAMES) and len(set(columns.values())) == 1, columns


async def test_the_readiness_lists_answer_column_lines_up_with_emoji_names(app: WorkshopApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ == "StageScreen", "the stage")
        app.navigator.readiness()
        await until(pilot, lambda: type(app.screen).__name__ == "ReadinessScreen", "the readiness check")
        await pilot.pause()
        columns = _columns_after_names(app, ("not yet", "answered"))
        assert set(columns) == set(EMOJI_NAMES) and len(set(columns.values())) == 1, columns


async def test_the_stages_agenda_column_lines_up_with_emoji_stage_titles(
    store: Store, clock: FakeClock
) -> None:
    library = WorkshopLibrary(store, clock=clock)
    session = library.create("Emoji agenda", participants=["Ana"])
    stages = session.workshop.agenda()
    titles = ["👩\u200d🚀 Vision", "Strategy 🇳🇬", "Purpose 👋🏽"]
    for stage, title in zip(stages[1:4], titles, strict=True):
        session.agenda.rename(stage.id, title)
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id, clock=clock)
    try:
        async with app.run_test(size=(200, 60)) as pilot:
            await until(pilot, lambda: type(app.screen).__name__ == "StageScreen", "the stage")
            await pilot.pause()
            columns = _columns_after_names(app, (" min",), [*titles, "Launch"])
            assert set(columns) == {*titles, "Launch"} and len(set(columns.values())) == 1, columns
    finally:
        app.close_session()
