"""App-wide behaviour: the theme choice persists, start-up lands on the right screen, the stack stays simple."""

from __future__ import annotations

from pathlib import Path

from textual.color import Color

from facilitation.clock import FakeClock
from screens.app import make_app
from screens.home import HomeScreen
from screens.stage import StageScreen
from screens.theme import DEFAULT_THEME
from workshop.session import WorkshopLibrary
from workshop.store import Store


async def test_theme_choice_persists_and_applies_at_start(data_dir: Path, clock: FakeClock) -> None:
    app = make_app(WorkshopLibrary(Store(data_dir), clock=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == DEFAULT_THEME
        app.theme = "projector"
        await pilot.pause()
    again = make_app(WorkshopLibrary(Store(data_dir), clock=clock))
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert again.theme == "projector"
        assert again.screen.styles.background == Color.parse("#FFFFFF")
        assert again.has_class("-light-mode") and again.has_class("-theme-projector")


async def test_unknown_saved_theme_falls_back(data_dir: Path, clock: FakeClock) -> None:
    library = WorkshopLibrary(Store(data_dir), clock=clock)
    library.settings.set("theme", "no-such-theme")
    app = make_app(library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME


async def test_open_id_starts_on_the_stage_and_home_replaces_it(data_dir: Path, clock: FakeClock) -> None:
    library = WorkshopLibrary(Store(data_dir), clock=clock)
    session = library.create("Offsite", participants=["Ana"])
    workshop_id = session.workshop.id
    session.close()
    app = make_app(library, workshop_id)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StageScreen)
        assert len(app.screen_stack) == 2  # the empty base, and the stage
        app.close_session()
        app.navigator.home()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and len(app.screen_stack) == 2


async def test_open_unknown_id_lands_home_with_a_message(data_dir: Path, clock: FakeClock) -> None:
    app = make_app(WorkshopLibrary(Store(data_dir), clock=clock), "nope")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("No workshop with id 'nope'" in str(n.message) for n in app._notifications)
