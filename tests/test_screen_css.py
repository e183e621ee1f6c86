"""A pushed screen's own stylesheet is added without re-parsing every stylesheet (``screens.internals``).

Textual 8.2.8 re-parses all CSS and restyles every widget the first time each screen class is pushed (20-40 ms
on the first open of the action plan, a vote board, the results). These tests pin what the replacement relies
on and check that each screen still gets its own rules, before and after a theme change.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest
from textual.app import App
from textual.color import Color
from textual.css.stylesheet import Stylesheet

from facilitation.clock import FakeClock
from screens.app import WorkshopApp, make_app
from screens.stage import StageScreen
from screens.theme import THEMES
from workshop.session import WorkshopLibrary, WorkshopSession
from workshop.store import Store

SIZE = (120, 36)


def test_textual_still_loads_a_pushed_screens_css_through_the_hook_we_replace() -> None:
    assert "self._load_screen_css(next_screen)" in inspect.getsource(App.push_screen)
    assert list(inspect.signature(App._load_screen_css).parameters) == ["self", "screen"]
    assert "reparse()" in inspect.getsource(App._load_screen_css), "Textual may no longer need the override"
    assert "_parse_cache" in inspect.getsource(Stylesheet._parse_rules), "parse() must reuse parsed sources"
    assert "_parse_cache.clear()" in inspect.getsource(Stylesheet.set_variables), "a theme change clears it"


@pytest.fixture
def app(store: Store, clock: FakeClock, session: WorkshopSession) -> Iterator[WorkshopApp]:
    workshop_id = session.workshop.id
    session.close()
    app = make_app(WorkshopLibrary(store, clock=clock), workshop_id, clock=clock)
    yield app
    app.close_session()


async def test_each_screen_gets_its_own_rules_without_reparsing_every_stylesheet(
    app: WorkshopApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screens.action_plan import ActionPlanScreen
    from screens.readiness import ReadinessScreen

    reparsed: list[object] = []
    upstream = Stylesheet.reparse

    def counting(self: Stylesheet) -> None:
        reparsed.append(self)
        upstream(self)

    monkeypatch.setattr(Stylesheet, "reparse", counting)
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, StageScreen):
            await pilot.pause()
        stage = app.screen
        stage_title = stage.query_one("#stage-title").styles.background
        reparsed.clear()
        await app.push_screen(ActionPlanScreen())
        await pilot.pause()
        plan = app.screen
        assert reparsed == [], "pushing a screen parsed only its own file"
        assert str(plan.styles.layout.name) == "vertical"  # ActionPlanScreen { layout: vertical; }
        title = plan.query_one("#plan-title")
        assert title.styles.height is not None and title.styles.height.value == 1
        assert title.styles.background == Color.parse(app.theme_variables["panel"])
        assert stage.query_one("#stage-title").styles.background == stage_title, "the stage kept its look"
        await app.pop_screen()
        app.theme = next(t.name for t in THEMES if t.name != app.theme)  # Textual re-parses for the new colours
        await pilot.pause()
        await app.push_screen(ReadinessScreen())
        await pilot.pause()
        people = app.screen.query_one("#people")
        assert people.styles.width is not None and people.styles.width.value == 32
        await app.pop_screen()
        await app.push_screen(ActionPlanScreen())
        await pilot.pause()
        title = app.screen.query_one("#plan-title")
        assert title.styles.background == Color.parse(app.theme_variables["panel"]), "the new theme's colours"
