"""A whole workshop driven from the keyboard with Pilot, as a facilitator runs it, then reopened in a new app.

Home → set-up (details, three participants) → the readiness check → the six disciplines (notes typed with and
without an author prefix; the timer, delete and undo, move, merge and decide in Vision; a dot vote in Strategy)
→ the action plan (a decision turned into an action due "+2w") → finish → quit. A second app then opens the same
workshop with the clock an hour on and finds everything as it was left, on disk and on screen.

Time never passes by sleeping: the test moves the ``FakeClock`` and asks the stage screen to redraw
(``refresh_clock``, which is what its 0.25 s interval calls). ``pilot.pause()`` only lets messages settle.

Every command is a ``pilot.press``. Text (titles, names, notes, a due date) is typed by ``type_text``: the same
key events ``pilot.press`` sends, posted in one go, because ``pilot.press`` waits for the app to go idle after
every key (about 70 ms), which for the ~200 characters typed here would double the test's time.
"""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date, timedelta

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select

from facilitation.clock import FakeClock
from facilitation.models import Workshop
from screens.action_plan import ActionFormScreen, ActionPlanScreen
from screens.app import WorkshopApp, make_app
from screens.dialogs import ChooseScreen, ConfirmScreen, TextEntryScreen
from screens.home import HomeScreen
from screens.readiness import ReadinessEntryScreen, ReadinessScreen
from screens.setup import NewWorkshopScreen, SetupScreen
from screens.stage import NoteInput, StageScreen
from screens.voting.ballot import ParticipantBallotScreen
from screens.voting.board import VoteBoardScreen
from screens.voting.results import VoteResultsScreen
from screens.voting.setup import VoteSetupScreen
from screens.widgets import AgendaStrip, NoteList, TimerDisplay
from tests.ui_helpers import messages, screen_text, session_of
from workshop.session import WorkshopLibrary
from workshop.store import Store

SIZE = (120, 36)
DISCIPLINES = ("Vision", "Strategy", "Purpose", "Launch", "Guide", "Adapt")
SHORT_NOTES = {  # two notes per stage after Strategy: one with Ana's prefix, one anonymous
    "Purpose": ("Ana: Why join", "Own goals"),
    "Launch": ("Ana: Seed it", "Find allies"),
    "Guide": ("Ana: Moderate", "Few rules"),
    "Adapt": ("Ana: New KPIs", "Review often"),
}


# --- helpers -----------------------------------------------------------------------------------------------


def stage_screen(app: WorkshopApp) -> StageScreen:
    screen = app.screen
    assert isinstance(screen, StageScreen), f"expected the stage screen, got {screen!r}"
    return screen


def stage_ids(ws: Workshop) -> dict[str, int]:
    return {s.title: s.id for s in ws.agenda()}


def notes_of(ws: Workshop, stage_title: str) -> list[tuple[str, str]]:
    """(author or "", text) of a stage's live notes, in display order."""
    return [(ws.participant_name(n.author_id), n.text) for n in ws.stage_notes(stage_ids(ws)[stage_title])]


def listed(app: WorkshopApp) -> list[int]:
    """The note ids the stage screen's list shows."""
    return stage_screen(app).query_one(NoteList).note_ids


def highlighted_note(app: WorkshopApp) -> int | None:
    return stage_screen(app).query_one(NoteList).selected_note_id


def focused_id(app: WorkshopApp) -> str | None:
    return app.focused.id if app.focused is not None else None


async def type_text(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` into the focused widget: one key event per character, as ``pilot.press`` makes them.

    The events go to the app's queue in order, ahead of any key pressed next, so they reach the widget that has
    focus now; one wait for idle afterwards instead of one per character.
    """
    app = pilot.app
    for character in text:
        key = events.Key(_character_to_key(character), character)
        key.set_sender(app)
        app.post_message(key)
    await pilot.pause()


async def type_note(pilot: Pilot[None], text: str) -> None:
    """Type ``text`` in the quick-entry field (``i`` focuses it if needed) and press Enter."""
    if not isinstance(pilot.app.screen.focused, NoteInput):
        await pilot.press("i")
    assert isinstance(pilot.app.screen.focused, NoteInput)
    await type_text(pilot, text)
    await pilot.press("enter")
    await pilot.pause()


async def next_stage(pilot: Pilot[None], expect_question: str) -> None:
    """``n`` on the notes list, and yes to the question (the stage's time is not up yet)."""
    app = pilot.app
    assert isinstance(app, WorkshopApp)
    if isinstance(app.screen.focused, NoteInput):
        await pilot.press("escape")
    await pilot.press("n")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ConfirmScreen), dialog
    assert expect_question in dialog.question, dialog.question
    await pilot.press("y")
    await pilot.pause()
    assert isinstance(app.screen, StageScreen)


async def choose(pilot: Pilot[None], label: str) -> None:
    """In the ChooseScreen on top, move down to the option whose label starts with ``label`` and press Enter."""
    dialog = pilot.app.screen
    assert isinstance(dialog, ChooseScreen), dialog
    labels = [choice_label for choice_label, _ in dialog.choices]
    index = next(i for i, text in enumerate(labels) if text.startswith(label))
    await pilot.press(*["down"] * index, "enter")
    await pilot.pause()


def workshop_state(ws: Workshop) -> dict[str, object]:
    """Everything a workshop holds, to compare the state before quitting with the reopened one."""
    return copy.deepcopy(
        {
            "info": ws.info(),
            "participants": ws.participants,
            "stages": ws.stages,
            "notes": ws.notes,
            "ballots": ws.ballots,
            "votes": ws.votes,
            "actions": ws.actions,
            "readiness": ws.readiness,
            "events": ws.events,
        }
    )


# --- the test ------------------------------------------------------------------------------------------------


async def test_a_whole_workshop_from_the_keyboard_then_reopened(store: Store, clock: FakeClock) -> None:
    library = WorkshopLibrary(store, clock=clock)
    app = make_app(library, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        # 1. Home, then the set-up of a new workshop: details, three participants, create, run.
        assert isinstance(app.screen, HomeScreen) and app.session is None
        await pilot.press("n")
        draft = app.screen
        assert isinstance(draft, NewWorkshopScreen)
        for field, value in (("title", "Offsite"), ("organisation", "Northwind"), ("facilitator", "Maya")):
            assert focused_id(app) == field
            await type_text(pilot, value)
            await pilot.press("enter")
        assert focused_id(app) == "date"
        await pilot.press("enter")  # today, as it is filled in
        assert focused_id(app) == "participants"
        await pilot.press("a")  # one name per line
        assert isinstance(app.screen, TextEntryScreen)
        for name in ("Ana", "Ben", "Chloé"):
            await type_text(pilot, name)
            await pilot.press("enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        people_list = draft.query_one("#participants", OptionList)
        shown = [str(people_list.get_option_at_index(i).prompt) for i in range(people_list.option_count)]
        assert shown == ["Ana", "Ben", "Chloé"]
        assert library.list() == [], "nothing is created before ctrl+s"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        [summary] = library.list()
        assert (summary.title, summary.organisation) == ("Offsite", "Northwind")
        ws = session_of(app).workshop
        workshop_id = ws.id
        assert ws.facilitator == "Maya" and ws.date == "2027-01-15"
        people = {p.name: p.id for p in ws.active_participants()}
        assert list(people) == ["Ana", "Ben", "Chloé"]
        ids = stage_ids(ws)
        assert list(ids) == ["Readiness check", *DISCIPLINES, "Action plan"]
        await pilot.press("f5")
        await pilot.pause()
        stage = stage_screen(app)
        timer = stage.query_one(TimerDisplay)
        assert session_of(app).stage().title == "Readiness check"

        # 2. The readiness check: Ana answers privately, the facilitator types Ben's; r shows the result.
        await pilot.press("k")
        await pilot.pause()
        check = app.screen
        assert isinstance(check, ReadinessScreen)
        await pilot.press("n")  # the next participant who has not answered: Ana
        await pilot.pause()
        entry = app.screen
        assert isinstance(entry, ReadinessEntryScreen) and entry.private
        assert entry.participant_id == people["Ana"]
        await pilot.press(*"2321332", "enter")  # Fearful; 3 2 1 3 3 2
        await pilot.pause()
        assert app.screen is check
        await pilot.press("down", "f")  # Ben, facilitator entry
        await pilot.pause()
        entry = app.screen
        assert isinstance(entry, ReadinessEntryScreen) and not entry.private
        assert entry.participant_id == people["Ben"]
        await pilot.press(*"5335331", "enter")  # Forging; 3 3 5 3 3 1
        await pilot.pause()
        assert app.screen is check
        text = screen_text(app)
        assert "2 of 3 answered" in text and "hidden until everyone has answered" in text
        await pilot.press("r")
        await pilot.pause()
        text = screen_text(app)
        assert "Attitude the room sees today (2 answers)" in text
        purpose = next(line for line in text.splitlines() if "Purpose" in line and "median" in line)
        assert "range 1–5" in purpose
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is stage
        await next_stage(pilot, "Readiness check: its timer never started")
        assert session_of(app).stage().title == "Vision"

        # 3a. Vision: notes, move, merge, decision, delete and undo, and the timer.
        await type_note(pilot, "Ana: Open by default")
        await type_note(pilot, "Ask the crowd")
        await type_note(pilot, "Ben: Ask peers")
        await type_note(pilot, "Cut wait 30%")
        ws = session_of(app).workshop
        assert notes_of(ws, "Vision") == [
            ("Ana", "Open by default"),
            ("", "Ask the crowd"),
            ("Ben", "Ask peers"),
            ("", "Cut wait 30%"),
        ]
        open_note, crowd, peers, wait = listed(app)
        assert highlighted_note(app) == wait

        await pilot.press("escape", "m")  # move "Cut wait 30%" to Strategy
        await pilot.pause()
        await choose(pilot, "Strategy")
        assert listed(app) == [open_note, crowd, peers]
        assert ws.notes[wait].stage_id == ids["Strategy"]
        assert highlighted_note(app) == peers

        await pilot.press("up", "g")  # merge "Ask peers" into "Ask the crowd"
        await pilot.pause()
        await choose(pilot, f"#{peers} ")
        assert listed(app) == [open_note, crowd]
        assert ws.notes[crowd].text == "Ask the crowd\nAsk peers"
        assert ws.notes[crowd].merged_from == [peers] and ws.notes[peers].deleted

        await pilot.press("x")  # the merged note is a decision
        assert ws.notes[crowd].mark == "decision"
        assert "DECISION" in str(stage.query_one(NoteList).get_option_at_index(1).prompt)

        await pilot.press("up", "d")  # delete "Open by default", then undo
        await pilot.pause()
        assert listed(app) == [crowd] and ws.notes[open_note].deleted
        assert any(f"Note #{open_note} deleted — press u to undo." in m for m in messages(app))
        await pilot.press("u")
        await pilot.pause()
        assert listed(app) == [open_note, crowd] and not ws.notes[open_note].deleted

        assert timer.digits == "20:00" and timer.has_class("-idle")
        await pilot.press("space")  # start
        clock.advance(65)
        stage.refresh_clock()
        assert timer.digits == "18:55" and timer.has_class("-running")
        await pilot.press("space")  # pause
        clock.advance(100)  # a paused timer does not count this
        stage.refresh_clock()
        assert timer.digits == "18:55" and timer.has_class("-paused")
        await pilot.press("plus")  # +1 min
        assert timer.digits == "19:55"
        await pilot.press("right_square_bracket")  # +5 min
        assert timer.digits == "24:55"
        vision_timer = session_of(app).timer.of(ids["Vision"])
        assert (vision_timer.status, vision_timer.elapsed, vision_timer.extended_seconds) == (
            "paused",
            65,
            360,
        )
        assert vision_timer.remaining == 24 * 60 + 55
        assert "PAUSED · 20 min + 6 min added" in timer.status
        await next_stage(pilot, "Vision still has 24:55 left")
        assert session_of(app).stage().title == "Strategy"

        # 3b. Strategy: the moved note is here; two more notes, and a dot vote with one dot each.
        assert listed(app) == [wait]
        await type_note(pilot, "Ana: Track it")
        await type_note(pilot, "Pick a metric")
        track, metric = listed(app)[1:]
        await pilot.press("escape", "v")
        await pilot.pause()
        assert isinstance(app.screen, VoteSetupScreen)
        await pilot.press("ctrl+s")  # the defaults: every note, 1 dot each for 3 notes
        await pilot.pause()
        board = app.screen
        assert isinstance(board, VoteBoardScreen)
        ballot = session_of(app).votes.ballot(board.ballot_id)
        assert (ballot.note_ids, ballot.budget, ballot.mode) == ([wait, track, metric], 1, "private")
        for name, keys in (("Ana", ["plus"]), ("Ben", ["down", "plus"]), ("Chloé", ["down", "plus"])):
            await pilot.press("n")  # the next participant who has not voted
            await pilot.pause()
            ballot_screen = app.screen
            assert isinstance(ballot_screen, ParticipantBallotScreen) and ballot_screen.voter_name == name
            await pilot.press(*keys, "enter")
            await pilot.pause()
            assert app.screen is board
        assert "3 of 3 have voted" in screen_text(app)
        await pilot.press("r")  # everyone voted: revealed without a question
        await pilot.pause()
        assert isinstance(app.screen, VoteResultsScreen)
        result = session_of(app).votes.result(board.ballot_id)
        assert [(r.note_id, r.dots) for r in result.ranked] == [(track, 2), (wait, 1), (metric, 0)]
        await pilot.press("x")  # the top note is a decision
        await pilot.pause()
        assert ws.notes[track].mark == "decision"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is stage
        assert "DECISION" in str(stage.query_one(NoteList).get_option_at_index(1).prompt)
        await next_stage(pilot, "Strategy: its timer never started")

        # 3c. Purpose … Adapt: two notes each, one from Ana and one anonymous.
        for title, (from_ana, anonymous) in SHORT_NOTES.items():
            assert session_of(app).stage().title == title
            await type_note(pilot, from_ana)
            await type_note(pilot, anonymous)
            assert stage.query_one(NoteList).note_count == 2
            await next_stage(pilot, f"{title}: its timer never started")

        # 4. The action plan: the Vision decision becomes an action for Ben, due in two weeks.
        assert session_of(app).stage().title == "Action plan"
        assert "Press o for the action plan" in screen_text(app)
        await pilot.press("space")
        clock.advance(300)
        stage.refresh_clock()
        assert timer.digits == "15:00"
        await pilot.press("o")
        await pilot.pause()
        plan = app.screen
        assert isinstance(plan, ActionPlanScreen)
        candidates = plan.query_one("#candidates", OptionList)
        assert [candidates.get_option_at_index(i).id for i in range(candidates.option_count)] == [
            f"n{crowd}",
            f"n{track}",
            f"n{wait}",
        ], "decisions and top-voted notes, in agenda order"
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionFormScreen)
        assert form.query_one("#title", Input).value == "Ask the crowd"
        await pilot.press("tab")
        assert focused_id(app) == "owner"
        await pilot.press("enter")  # open the owner list: Nobody yet, Ana, Ben, Chloé
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert form.query_one("#owner", Select).value == "Ben"
        await pilot.press("tab", "tab")
        assert focused_id(app) == "due"
        await type_text(pilot, "+2w")
        await pilot.press("tab")
        assert focused_id(app) == "measure"
        await type_text(pilot, "Monthly")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is plan
        (action,) = session_of(app).workshop.ordered_actions()
        due = (date.fromtimestamp(clock.wall()) + timedelta(weeks=2)).isoformat()
        assert (action.title, action.owner, action.owner_id, action.due, action.measure) == (
            "Ask the crowd",
            "Ben",
            people["Ben"],
            due,
            "Monthly",
        )
        assert (action.source_note_id, action.source_stage_id) == (crowd, ids["Vision"])
        assert plan.row_fields(0)[:4] == ["1", "Ask the crowd", "Ben", due]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is stage

        # 5. Finish the last stage, then quit.
        await next_stage(pilot, "Action plan still has 15:00 left. Finish the stage and end the workshop's")
        assert any("That was the last stage" in m for m in messages(app))
        assert session_of(app).stage().title == "Action plan"
        assert timer.has_class("-finished")
        marks = stage.query_one("#agenda-strip", AgendaStrip).marks
        assert [m.state for m in marks] == ["done"] * 7 + ["current"]
        before = workshop_state(session_of(app).workshop)
        await pilot.press("ctrl+q")
    assert app.session is None, "quitting closes the workshop file"

    # A new app, an hour later, in a new process: the workshop is exactly as it was left.
    clock.advance(3600)
    clock.restart()
    again = make_app(library, workshop_id, clock=clock)
    async with again.run_test(size=SIZE) as pilot:
        stage = stage_screen(again)
        ws = session_of(again).workshop
        assert workshop_state(ws) == before

        # The current stage and every timer.
        assert ws.current_stage is not None and ws.current_stage.title == "Action plan"
        assert "Action plan" in str(stage.query_one("#stage-title").render())
        timers = {title: session_of(again).timer.of(stage_id) for title, stage_id in ids.items()}
        assert {t.status.value for t in timers.values()} == {"finished"}
        assert (timers["Readiness check"].elapsed, timers["Readiness check"].started_at) == (0, None)
        assert (timers["Vision"].elapsed, timers["Vision"].extended_seconds) == (65, 360)
        assert timers["Strategy"].elapsed == 0
        assert timers["Action plan"].elapsed == 300, "a finished timer does not count the hour since"
        display = stage.query_one(TimerDisplay)
        assert display.digits == "15:00" and display.has_class("-finished")
        assert "STAGE FINISHED · 15:00 were left of 20 min" in display.status
        marks = stage.query_one("#agenda-strip", AgendaStrip).marks
        assert [m.state for m in marks] == ["done"] * 7 + ["current"]

        # Every note with its author, text and stage: the moved one, the merged one, the undone delete.
        assert notes_of(ws, "Readiness check") == []
        assert notes_of(ws, "Vision") == [("Ana", "Open by default"), ("", "Ask the crowd\nAsk peers")]
        assert notes_of(ws, "Strategy") == [("", "Cut wait 30%"), ("Ana", "Track it"), ("", "Pick a metric")]
        for title, (from_ana, anonymous) in SHORT_NOTES.items():
            assert notes_of(ws, title) == [("Ana", from_ana.removeprefix("Ana: ")), ("", anonymous)]
        assert notes_of(ws, "Action plan") == []
        assert ws.notes[open_note].deleted_at is None, "the undone delete stays undone"
        assert ws.notes[peers].deleted and ws.notes[peers].stage_id == ids["Vision"], "merged away"
        assert ws.notes[crowd].merged_from == [peers]
        assert {n.id: n.mark for n in ws.live_notes() if n.mark} == {crowd: "decision", track: "decision"}
        assert len(ws.live_notes()) == 2 + 3 + 2 * len(SHORT_NOTES)

        # The readiness answers.
        answers = {
            ws.participant_name(r.participant_id): (r.round, r.attitude, r.scores)
            for r in ws.readiness.values()
        }
        assert answers == {
            "Ana": (
                "start",
                "fearful",
                {"vision": 3, "strategy": 2, "purpose": 1, "launch": 3, "guide": 3, "adapt": 2},
            ),
            "Ben": (
                "start",
                "forging",
                {"vision": 3, "strategy": 3, "purpose": 5, "launch": 3, "guide": 3, "adapt": 1},
            ),
        }

        # The vote and the action.
        (ballot,) = ws.ballots.values()
        assert ballot.status == "closed" and sorted(ballot.submitted) == sorted(people.values())
        (action,) = ws.actions.values()
        assert (action.title, action.owner, action.due, action.status) == (
            "Ask the crowd",
            "Ben",
            due,
            "open",
        )

        # The minutes: every change left one event.
        assert Counter(e.kind for e in ws.events) == {
            "workshop.created": 1,
            "readiness.recorded": 2,
            "readiness.shown": 1,  # r showed the result to the room before everyone had answered
            "stage.entered": 7,
            "timer.finish": 8,
            "note.added": 4 + 2 + 2 * len(SHORT_NOTES),
            "note.moved": 1,
            "note.merged": 1,
            "note.marked": 2,
            "note.deleted": 1,
            "note.undone": 1,
            "timer.start": 2,
            "timer.pause": 1,
            "timer.extend": 2,
            "vote.opened": 1,
            "vote.cast": 3,
            "vote.submitted": 3,
            "vote.revealed": 1,
            "action.added": 1,
        }
        assert ws.events[0].kind == "workshop.created" and ws.events[-1].kind == "timer.finish"

        # The action plan shows the action as it was saved.
        await pilot.press("o")
        await pilot.pause()
        plan = again.screen
        assert isinstance(plan, ActionPlanScreen)
        assert plan.row_fields(0)[:4] == ["1", "Ask the crowd", "Ben", due]
        await pilot.press("escape", "ctrl+q")
    assert again.session is None
