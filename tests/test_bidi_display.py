"""Text saved before 749a30b may hold a right-to-left override (U+202E) or isolate (U+2067) left open: new text is
closed on the way in, old text must be closed where it is shown, or it turns round what the screen or page prints
after it on the same line (UAX #9 carries it to the end of the paragraph: the terminal's row, the page's block).

The workshop here is written with an open override in every stored text, then its files are edited as an old
version left them (no closer), and every screen and dialog of the sweep in ``test_ui_keys_everywhere`` is drawn.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from facilitation import text
from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from tests.test_ui_keys_everywhere import SCREENS, _open
from tests.ui_helpers import screen_text
from workshop.session import WorkshopLibrary
from workshop.store import Store

MARK = "QQOPENQQ"
RLO, RLI = "\u202e", "\u2067"


def _as_before_749a30b(folder: Path) -> None:
    """Put an unclosed override where ``MARK`` is in every file of the workshop (JSON escapes), as the app
    before 749a30b stored what was typed or pasted."""
    for path in folder.rglob("*"):
        if path.is_file() and b"QQOPENQQ" in (data := path.read_bytes()):
            path.write_bytes(data.replace(b"QQOPENQQ", b"\\u202e"))


def old_workshop(library: WorkshopLibrary) -> str:
    """As ``test_ui_keys_everywhere``'s workshop (a decision, a revealed vote, an open vote), every text open."""
    m = MARK
    session = library.create(
        f"Kick-off {m}2027", participants=[f"Ana {m}Souza", f"Ben{m}", "Chloé"], organisation=f"North{m}wind",
        facilitator=f"Fay {m}Lee", date="2027-01-15",
    )  # fmt: skip
    session.agenda.next()
    vision = session.workshop.current_stage_id
    assert vision is not None
    session.agenda.rename(vision, f"Vision {m}one")
    ana = next(p.id for p in session.workshop.active_participants() if p.name.startswith("Ana"))
    notes = [session.notes.add(f"{m}Customers answer each other", author_id=ana), session.notes.add(f"Stop {m}reports")]
    session.notes.mark(notes[0].id, "decision")
    session.votes.close(session.votes.open(vision, budget=2, cap=1).id)
    session.actions.add(f"Publish {m}the FAQ", owner=f"Ana {m}Souza", due="2027-02-01", measure=f"{m}90 %")
    session.agenda.next()
    for note in (f"Teams find {m}who solved it", "New joiners contribute"):
        session.notes.add(note)
    session.votes.open(session.workshop.current_stage_id, budget=2, cap=1)
    session.agenda.previous()
    workshop_id = session.workshop.id
    session.close()
    return workshop_id


@pytest.fixture
def app(store: Store, data_dir: Path, clock: FakeClock) -> Iterator[WorkshopApp]:
    library = WorkshopLibrary(store, clock=clock)
    workshop_id = old_workshop(library)
    _as_before_749a30b(data_dir)
    app = make_app(library, workshop_id, clock=clock)
    yield app
    app.close_session()


def open_lines(shown: str) -> list[str]:
    """The lines of ``shown`` that leave an embedding, override or isolate open at their end, or open across a
    box-drawing character (a dialog's or a panel's edge: what is drawn beyond it would be turned round)."""
    return [
        line
        for line in shown.splitlines()
        if text.close_bidi(line) != line
        or any(text.bidi_closers(line[:i]) for i, c in enumerate(line) if "\u2500" <= c <= "\u259f")
    ]


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
@pytest.mark.parametrize("name", SCREENS)
async def test_old_text_is_closed_wherever_a_screen_shows_it(app: WorkshopApp, name: str, size: tuple[int, int]) -> None:
    """Dialogs cut the rows under them at other places at each size (the export dialog over the summary's decision
    line and the open-the-room dialog over the stage's note list were the examples: ``OverridesClosedAtCuts``)."""
    async with app.run_test(size=size) as pilot:
        await _open(pilot, app, name)
        shown = screen_text(app)
        assert open_lines(shown) == [], f"the {name} leaves overrides open"
