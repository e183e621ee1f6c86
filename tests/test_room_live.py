"""Live pages send only what changed: a change reaches each device as the operations on its own page (a note added
is one list entry, drawn once for the whole room), a whole page only on a new connection or another frame; silent
brainstorming and hidden notes never reach anyone else's stream."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from room.devices import Device
from room.live import MAX_QUEUED, Block, Items, LiveHub, LivePage, diff, page_digest
from room.room import Refused, Room
from room.web import RoomWeb
from tests.room_helpers import make_room
from workshop.session import WorkshopSession

Stream = AsyncIterator[bytes]


async def _events(stream: Stream) -> list[tuple[str, str]]:
    """Every event a stream has queued, as (name, data), up to its next keep-alive comment (the hub's keep-alive is
    made short in these tests, so a stream with nothing to send says so at once)."""
    got: list[tuple[str, str]] = []
    while True:
        chunk = (await asyncio.wait_for(stream.__anext__(), 10)).decode()
        if chunk.startswith(":"):
            return got
        for event in chunk.split("\n\n"):
            lines = event.split("\n")
            if lines[0].startswith("event: "):
                data = "\n".join(line[6:] for line in lines[1:] if line.startswith("data: "))
                if lines[0] == "event: page":  # the whole part, as one JSON string on one line
                    assert len(lines) == 2
                    data = json.loads(data)
                got.append((lines[0][7:], data))


def _ops(events: list[tuple[str, str]]) -> list[list[Any]]:
    assert [name for name, _ in events] == ["patch"] * len(events), events
    return [op for _, data in events for op in json.loads(data)]


class Live:
    """Three phones (Ana, Ben, Chloé) with a live page open, read in-process."""

    def __init__(self, session: WorkshopSession) -> None:
        self.session = session
        self.room: Room
        self.web: RoomWeb
        self.room, self.web, _ = make_room(session)
        self.web.hub.keepalive = 0.01
        self.devices: list[Device] = [
            self.room.join("K7PQ3X", p.id, "127.0.0.1").device for p in session.workshop.active_participants()
        ]
        self.streams: list[Stream] = [self.web.hub.stream(d) for d in self.devices]

    async def start(self) -> list[list[tuple[str, str]]]:
        return [await _events(s) for s in self.streams]

    async def round(self) -> list[list[tuple[str, str]]]:
        """One round of the hub (as after a change), then what each phone received."""
        self.web.hub._flush()
        return [await _events(s) for s in self.streams]

    async def close(self) -> None:
        for stream in self.streams:
            await stream.aclose()  # type: ignore[attr-defined]


async def test_a_note_added_reaches_every_phone_as_one_entry_drawn_once(session: WorkshopSession) -> None:
    session.agenda.go_to(2)
    for i in range(30):
        session.notes.add(f"Earlier idea {i}: a long enough sentence to make a whole page heavy")
    live = Live(session)
    try:
        first = await live.start()
        assert all([name for name, _ in got] == ["page"] for got in first), "a new connection gets the whole page"
        assert all("Earlier idea 29" in got[0][1] for got in first)
        drawn, queued = live.web.drawer.room.drawn, live.web.hub.queued_bytes
        note = await live.room.add_note(live.devices[1], "Customers <b>answer</b> each other first")
        got = await live.round()
        assert live.web.drawer.room.drawn == drawn + 1, "the new entry is drawn once for the whole room"
        last = max(n for n in session.workshop.notes if n != note)
        for events in got:
            (op,) = _ops(events)
            assert op[:3] == ["insert", "live-room", f"room-{last}"]
            assert "Customers &lt;b&gt;answer&lt;/b&gt; each other first" in op[3] and "<b>" not in op[3]
        per_phone = (live.web.hub.queued_bytes - queued) / 3
        assert per_phone < 400, f"{per_phone} bytes per phone for one note (the whole page is {len(first[0][0][1])})"

        session.notes.edit(note, "Customers answer each other, then us")
        for events in await live.round():
            assert _ops(events) == [["replace", f"room-{note}", _entry(live.web, note)]]
    finally:
        await live.close()


def _entry(web: RoomWeb, note_id: int) -> str:
    return dict(web.drawer.room.items.items)[f"room-{note_id}"]


async def test_silent_brainstorming_reaches_only_its_author_and_a_withdrawal_too(session: WorkshopSession) -> None:
    session.agenda.go_to(2)
    session.notes.set_silent(True)
    live = Live(session)
    ana, ben, _ = live.devices
    try:
        await live.start()
        patches = live.web.hub.patches
        note = await live.room.add_note(ana, "Ana's secret idea")
        got = await live.round()
        assert got[1] == got[2] == [], "nothing at all reaches the others: not even a sign that something changed"
        assert live.web.hub.patches == patches + 1
        ops = _ops(got[0])
        assert ops[-1][:3] == ["insert", "live-mine", None] and "Ana&#39;s secret idea" in ops[-1][3]
        assert any(op[:2] == ["replace", "live-mine-head"] for op in ops)

        await live.room.edit_note(ana, note, "Ana's better idea")
        got = await live.round()
        assert got[1] == got[2] == []
        assert _ops(got[0])[0][:2] == ["replace", f"mine-{note}"] and "better idea" in _ops(got[0])[0][2]

        await live.room.withdraw_note(ana, note)
        got = await live.round()
        assert got[1] == got[2] == []
        assert ["remove", f"mine-{note}"] in _ops(got[0])

        kept = await live.room.add_note(ben, "Ben's idea for the reveal")
        await live.round()
        session.notes.reveal()
        for events in await live.round():
            assert any(op[:2] == ["insert", "live-room"] and "Ben&#39;s idea" in op[3] for op in _ops(events))
        del kept
    finally:
        await live.close()


async def test_a_hidden_note_is_explained_to_its_author_only_and_comes_back_with_a_line(
    session: WorkshopSession,
) -> None:
    session.agenda.go_to(2)
    session.notes.add("A kind note, so the list is never empty")
    live = Live(session)
    ana, ben, chloe = live.devices
    try:
        await live.start()
        note = await live.room.add_note(ana, "Something rude about Ben")
        await live.round()
        session.notes.hide(note)
        got = await live.round()
        for events in got[1:]:  # the others just lose it: its id, never its text
            assert _ops(events) == [["remove", f"room-{note}"]]
            assert "rude" not in events[0][1]
        ops = _ops(got[0])
        assert ["remove", f"room-{note}"] in ops
        (line,) = [op for op in ops if op[0] == "insert" and op[1] == "live-notices"]
        assert f'id="aside-{note}"' in line[3]
        assert "The facilitator has set your note “Something rude about Ben” aside" in line[3]
        assert "Nobody else sees it." in line[3]

        session.notes.hide(note, False)
        got = await live.round()
        for events in got[1:]:
            (op,) = _ops(events)
            assert op[:2] == ["insert", "live-room"] and "Something rude about Ben" in op[3]
        ops = _ops(got[0])
        assert ["remove", f"aside-{note}"] in ops
        assert any(
            op[:2] == ["insert", "live-notices"] and "has shown your note “Something rude about Ben” to the room again"
            in op[3]
            for op in ops
        )
        assert any(op[:2] == ["insert", "live-room"] for op in ops)

        session.notes.hide(note)  # hidden again: the line says so again; a reload shows the same
        await live.round()
        assert "set your note “Something rude about Ben” aside" in live.web.live_page(ana).html
        for other in (ben, chloe):
            assert "rude" not in live.web.live_page(other).html
    finally:
        await live.close()


async def test_a_reconnecting_phone_gets_the_whole_current_page_and_a_new_stage_is_a_whole_page(
    session: WorkshopSession,
) -> None:
    session.agenda.go_to(2)
    live = Live(session)
    ana = live.devices[0]
    try:
        await live.start()
        await live.streams[0].aclose()  # type: ignore[attr-defined]  # Ana's phone sleeps
        session.notes.add("Said while Ana's phone slept")
        live.web.hub._flush()
        assert len(live.web.hub) == 2
        live.streams[0] = live.web.hub.stream(ana)  # ... and wakes: EventSource connects again
        (event,) = await _events(live.streams[0])
        assert event[0] == "page" and "Said while Ana&#39;s phone slept" in event[1]
        assert event[1] == live.web.live_page(ana).html

        session.agenda.go_to(3)
        for events in await live.round():
            assert [name for name, _ in events] == ["page"]
            assert session.workshop.current_stage.title in events[0][1]  # type: ignore[union-attr]
    finally:
        await live.close()


async def test_a_dot_redraws_the_voters_page_only(session: WorkshopSession) -> None:
    session.agenda.go_to(2)
    live = Live(session)
    ana, ben, _ = live.devices
    notes = [session.notes.add(f"Idea {i}").id for i in range(5)]
    ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=2)
    try:
        assert all("Vote:" in got[0][1] for got in await live.start())
        drawn = live.web.hub.drawn
        await live.room.cast(ana, ballot.id, notes[0])
        got = await live.round()
        assert live.web.hub.drawn == drawn + 1, "only Ana's page is drawn again"
        assert got[1] == got[2] == []
        ops = _ops(got[0])
        assert {op[1] for op in ops} == {"live-vote-head", f"ballot-{notes[0]}"}, "her count and that note only"
        assert any("Your dots: <strong>1</strong>" in op[2] for op in ops)
        await live.room.done(ben, ballot.id, True)  # Ben is done: his page changes, Ana's does not
        got = await live.round()
        assert live.web.hub.drawn == drawn + 2 and got[0] == got[2] == []
        session.notes.add("A note the facilitator typed")  # not on the ballot: no page changes
        assert await live.round() == [[], [], []]
        session.votes.close(ballot.id)  # the reveal: another frame, the whole page, for everyone
        for events in await live.round():
            assert [name for name, _ in events] == ["page"] and "Result:" in events[0][1]
    finally:
        await live.close()


async def test_a_hub_draws_a_device_again_only_when_its_inputs_change() -> None:
    inputs = {1: "a", 2: "b"}
    drawn: list[int] = []

    class Dev:
        def __init__(self, id_: int) -> None:
            self.id = id_
            self.streams = 0

    def render(device: Dev, given: str) -> LivePage:
        drawn.append(device.id)
        return LivePage("notes", (Block("x", f'<p id="x">page {given}</p>'),))

    hub = LiveHub(render, lambda device: True, inputs=lambda device: inputs[device.id], keepalive=0.01)  # type: ignore[arg-type]
    devices = [Dev(1), Dev(2)]
    streams = [hub.stream(d) for d in devices]  # type: ignore[arg-type]
    for stream in streams:
        assert (await _events(stream))[0][0] == "page"
    assert drawn == [1, 2]
    hub._flush()
    assert drawn == [1, 2]
    inputs[2] = "c"
    hub._flush()
    assert drawn == [1, 2, 2]
    assert _ops(await _events(streams[1])) == [["replace", "x", '<p id="x">page c</p>']]
    assert await _events(streams[0]) == []
    for stream in streams:
        await stream.aclose()  # type: ignore[attr-defined]


async def test_a_reader_far_behind_gets_one_whole_page_instead_of_every_patch() -> None:
    count = [0]

    class Dev:
        id = 1
        streams = 0

    def render(device: Dev, given: int) -> LivePage:
        return LivePage("notes", (Block("x", f'<p id="x">{given}</p>'),))

    hub = LiveHub(render, lambda device: True, inputs=lambda device: count[0], keepalive=0.01)  # type: ignore[arg-type]
    stream = hub.stream(Dev())  # type: ignore[arg-type]
    await _events(stream)
    for _ in range(100):  # a phone that stopped reading
        count[0] += 1
        hub._flush()
    got = await _events(stream)
    assert len(got) <= MAX_QUEUED, "never more waiting than a page's worth of patches"
    assert got[0][0] == "page", "the backlog was folded into one whole page"
    assert got[-1] == ("patch", '[["replace","x","<p id=\\"x\\">100</p>"]]'), "and it ends where the page is now"
    await stream.aclose()  # type: ignore[attr-defined]


# --- the operations themselves: applied to the old page they give the new one, whatever changed ---------------


def _page(keys: list[int], texts: dict[int, str], frame: str = "notes") -> LivePage:
    items = tuple((f"n{k}", f'<li id="n{k}">{texts.get(k, "")}</li>') for k in keys)
    return LivePage(
        frame,
        (
            Block("head", f'<h2 id="head">{len(keys)}</h2>'),
            Block("", "<section>"),
            Items("list", '<ul id="list">', "</ul>", items),
            Block("", "</section>"),
        ),
    )


def _apply(page: LivePage, ops: list[str], new: LivePage) -> LivePage:
    """The operations as room.js applies them, on a model of the page: blocks by id, list entries in order."""
    blocks = {p.id: p.html for p in page.parts if isinstance(p, Block) and p.id}
    lists = {p.id: list(p.items) for p in page.parts if isinstance(p, Items)}
    for raw in ops:
        op = json.loads(raw)
        if op[0] == "replace" and op[1] in blocks:
            blocks[op[1]] = op[2]
        elif op[0] == "replace" and op[1] in lists:
            (whole,) = [p for p in new.parts if p.id == op[1]]
            assert op[2] == whole.html
            lists[op[1]] = list(whole.items)  # type: ignore[union-attr]
        elif op[0] == "replace":
            (entries,) = [e for e in lists.values() if any(k == op[1] for k, _ in e)]
            entries[[k for k, _ in entries].index(op[1])] = (op[1], op[2])
        elif op[0] == "remove":
            (entries,) = [e for e in lists.values() if any(k == op[1] for k, _ in e)]
            del entries[[k for k, _ in entries].index(op[1])]
        else:
            assert op[0] == "insert"
            entries = lists[op[1]]
            at = 0 if op[2] is None else [k for k, _ in entries].index(op[2]) + 1
            key = op[3].split('"')[1]
            entries.insert(at, (key, op[3]))
    parts = tuple(
        Block(p.id, blocks[p.id]) if isinstance(p, Block) and p.id else
        Items(p.id, p.open, p.close, tuple(lists[p.id])) if isinstance(p, Items) else p
        for p in page.parts
    )
    return LivePage(page.frame, parts)


@given(
    st.lists(st.integers(0, 30), unique=True, max_size=20),
    st.lists(st.integers(0, 30), unique=True, max_size=20),
    st.dictionaries(st.integers(0, 30), st.text(max_size=8)),
    st.dictionaries(st.integers(0, 30), st.text(max_size=8)),
)
def test_the_operations_turn_the_old_page_into_the_new_one(
    old_keys: list[int], new_keys: list[int], old_texts: dict[int, str], new_texts: dict[int, str]
) -> None:
    old, new = _page(old_keys, old_texts), _page(new_keys, new_texts)
    ops = diff(old, new)
    assert ops is not None
    assert _apply(old, ops, new).html == new.html
    assert diff(new, new) == []


def test_another_frame_or_other_parts_need_the_whole_page() -> None:
    assert diff(_page([1], {}), _page([1], {}, frame="vote")) is None
    shorter = LivePage("notes", _page([1], {}).parts[:2])
    assert diff(_page([1], {}), shorter) is None
    fixed = _page([1], {})
    changed_fixed = LivePage("notes", (fixed.parts[0], Block("", "<section class='x'>"), *fixed.parts[2:]))
    assert diff(fixed, changed_fixed) is None


def test_a_list_shared_by_devices_is_compared_once_per_round() -> None:
    old, new = _page(list(range(10)), {}), _page(list(range(11)), {})
    memo: dict[Any, Any] = {}
    first = diff(old, new, memo)
    assert len(memo) == 1
    assert diff(old, new, memo) == first and len(memo) == 1


async def test_a_page_just_loaded_is_not_sent_again_but_a_changed_one_is(session: WorkshopSession) -> None:
    """The page names the live part it was loaded with (``data-have``): the first connection sends nothing while
    that is still the page (a phone typing at once keeps its field), then patches; a stale one gets the page."""
    session.agenda.go_to(2)
    live = Live(session)
    ana, ben = live.devices[0], live.devices[1]
    loaded = live.web.page("stage.html", device=ana).body.decode()
    have = re.search(r'data-have="([0-9a-f]+)"', loaded)
    assert have and have.group(1) == page_digest(live.web.live_page(ana).html)
    streams = [live.web.hub.stream(ana, have=have.group(1)), live.web.hub.stream(ben, have=have.group(1))]
    try:
        assert await _events(streams[0]) == [], "Ana's page is the page now: nothing to send"
        assert [name for name, _ in await _events(streams[1])] == ["page"], "Ben's is another page (his token)"
        session.notes.add("Said just after Ana's page loaded")
        live.web.hub._flush()
        ops = _ops(await _events(streams[0]))
        assert ops[-1][:2] == ["insert", "live-room"] and "Said just after" in ops[-1][3]
    finally:
        for stream in streams:
            await stream.aclose()  # type: ignore[attr-defined]
        await live.close()


async def test_a_refused_note_page_keeps_its_message_the_stream_sends_no_whole_page(
    session: WorkshopSession,
) -> None:
    """A refusal redraws the page with the message and the typed text put back in the field. That page is still
    the page now: were it named by a digest the hub does not have (its typed text), the stream would send the
    whole page at once and room.js, taking it for a new page, would drop the message before anyone read it."""
    session.agenda.go_to(2)
    live = Live(session)
    ana = live.devices[0]
    for typed, message in [("   ", "cannot be empty"), ("x" * 300_000, "too long")]:
        refused = live.web.refused(None, Refused(409, message), ana, typed=typed)  # type: ignore[arg-type]
        html = refused.body.decode()
        assert message in html and (typed.strip()[:50] in html)
        have = re.search(r'data-have="([0-9a-f]+)"', html)
        assert have
        stream = live.web.hub.stream(ana, have=have.group(1))
        try:
            assert await _events(stream) == [], "the refused page is the page now: nothing to send"
            session.notes.add(f"Said after the refusal of {len(typed)} characters")
            live.web.hub._flush()
            ops = _ops(await _events(stream))  # a patch, not a whole page: the message stays
            assert ops[-1][:2] == ["insert", "live-room"]
        finally:
            await stream.aclose()  # type: ignore[attr-defined]
    await live.close()


async def test_views_drawn_together_equal_views_drawn_alone(session: WorkshopSession) -> None:
    """``views.Shared`` (what a round's views have in common, worked out once) changes no device's view: notes of
    its own in silent mode, a note credited to it, a hidden one, an open ballot with dots, a private result."""
    from room.views import Shared, device_view

    session.agenda.go_to(2)
    live = Live(session)
    ana, ben, chloe = live.devices
    try:
        session.notes.add("Typed by the facilitator for Ana", author_id=ana.participant_id)
        session.notes.set_silent(True)
        mine = await live.room.add_note(ben, "Ben's silent note")
        await live.room.add_note(chloe, "Chloé's silent note")
        session.notes.reveal()
        session.notes.hide(mine)
        await live.room.add_note(ana, "Ana, still hidden in silence")

        def same_views() -> None:
            shared = Shared(session)
            for device in live.devices:
                assert device_view(session, device, shared=shared) == device_view(session, device)

        same_views()
        assert any(n.text == "Ben's silent note" for n in device_view(session, ben).set_aside)
        session.notes.hide(mine, False)
        ballot = session.votes.open(session.workshop.current_stage_id, budget=2, cap=1)
        await live.room.cast(ana, ballot.id, ballot.note_ids[0])
        same_views()
        assert device_view(session, ana).my_dots == {ballot.note_ids[0]: 1}
        session.votes.close(ballot.id)
        same_views()
        assert device_view(session, ana).result_dots == {ballot.note_ids[0]: 1}
        assert device_view(session, ben).result_dots == {}
    finally:
        await live.close()


# --- rounds in slices: the loop is never held for a whole round, and no change is lost ------------------------


def _inserted(events: list[tuple[str, str]], text: str) -> int:
    """How many entries carrying ``text`` a phone was sent (inserted into a list, or in a whole page)."""
    count = 0
    for name, data in events:
        if name == "page":
            count += data.count(text)
        else:
            count += sum(1 for op in json.loads(data) if op[0] == "insert" and text in op[-1])
    return count


async def test_a_round_yields_to_the_loop_between_phones_and_a_change_meanwhile_reaches_every_phone_once(
    session: WorkshopSession,
) -> None:
    session.agenda.go_to(2)
    live = Live(session)
    hub = live.web.hub
    hub.slice_seconds = 0.0  # one phone per slice
    hub.delay = 0.0
    unsubscribe = session.subscribe(lambda _change: hub.changed())
    try:
        await live.start()
        slices, rounds = hub.slices, hub.rounds
        session.notes.add("First idea")  # published: a round is due
        while hub.slices - slices < 1:
            await asyncio.sleep(0)
        assert hub.slices - slices < 3, "this code ran between the round's slices"
        assert hub.busy
        session.notes.add("Second idea, during the round")
        hub.changed()
        hub.changed()  # more changes during the same round: still only one more round
        await hub.settled()
        assert hub.rounds == rounds + 2, "the changes made during a round coalesce into one more round"
        for stream in live.streams:
            got = await _events(stream)
            assert _inserted(got, "First idea") == 1 and _inserted(got, "Second idea, during the round") == 1
        page = live.web.live_page(live.devices[0]).html
        assert page.index("First idea") < page.index("Second idea")
    finally:
        unsubscribe()
        await live.close()


async def test_a_vote_opening_draws_one_ballot_list_for_the_room_and_each_phone_gets_its_own_token(
    session: WorkshopSession,
) -> None:
    session.agenda.go_to(2)
    notes = [session.notes.add(f"Idea {i}").id for i in range(4)]
    live = Live(session)
    ana = live.devices[0]
    ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=2)
    drawer = live.web.drawer
    lists = drawer.ballot_lists
    try:
        first = await live.start()
        assert drawer.ballot_lists == lists + 1, "one list for the three phones with no dots yet"
        for device, events in zip(live.devices, first, strict=True):
            ((name, page),) = events
            assert name == "page" and drawer.mark not in page
            assert set(re.findall(r'name="csrf" value="([^"]+)"', page)) == {device.csrf}
            assert page.count(f'value="{device.csrf}"') == 2 * len(notes) + 1  # two dot forms a note, and done
        await live.room.cast(ana, ballot.id, notes[0])
        got = await live.round()
        assert got[1] == got[2] == []
        assert drawer.ballot_lists == lists + 2, "Ana's dots: her own list"
        sent = "".join(data for _, data in got[0])
        assert drawer.mark not in sent and ana.csrf in sent
        loaded = live.web.page("stage.html", device=ana).body.decode()
        assert drawer.mark not in loaded
        assert set(re.findall(r'name="csrf" value="([^"]+)"', loaded)) == {ana.csrf}
    finally:
        await live.close()


async def test_the_room_times_each_devices_change_from_its_call_to_its_durable_answer(
    session: WorkshopSession,
) -> None:
    """``Room.commit_times`` (the benchmark's breakdown): one triple a change, and only while it is asked for; the
    request's arrival is there when the web layer timed the request (a call of the room's own: None)."""
    session.agenda.go_to(2)
    room, _web, _clock = make_room(session)
    ana = room.join("K7PQ3X", session.workshop.active_participants()[0].id, "127.0.0.1").device
    await room.add_note(ana, "Not timed")
    room.commit_times = []
    published: list[int] = []
    unsubscribe = session.subscribe(lambda change: published.append(len(room.commit_times or [])))
    try:
        await room.add_note(ana, "Timed")
        ((arrived, made, heard),) = room.commit_times
        assert arrived is None and made <= heard
        assert published == [0], "the change was published (durable) before its answer was timed"
    finally:
        unsubscribe()


async def test_idle_live_pages_share_one_keepalive_timer() -> None:
    """Forty idle phones cost the loop one timer, not one per connection: every ``keepalive`` seconds the hub's
    one timer asks each stream for its comment (issue #11: 40 idle live pages under 3 % of a CPU). Each stream used
    to wait for its own timeout (a task and a timer per connection and per wait). A stream with events to send at
    that moment sends them instead; once the room closes, no timer is left."""
    from room.live import KEEPALIVE

    class Dev:
        def __init__(self, id_: int) -> None:
            self.id = id_
            self.streams = 0

    count = [0]

    def render(device: Dev, given: int) -> LivePage:
        return LivePage("notes", (Block("x", f'<p id="x">{given}</p>'),))

    hub = LiveHub(render, lambda device: True, inputs=lambda device: count[0], keepalive=3600)  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    timers: list[str] = []
    call_later = loop.call_later

    def counting(delay: float, callback: Any, *args: Any, **kwargs: Any) -> asyncio.TimerHandle:
        timers.append(getattr(callback, "__qualname__", repr(callback)))
        return call_later(delay, callback, *args, **kwargs)

    loop.call_later = counting  # type: ignore[method-assign]
    try:
        streams = [hub.stream(Dev(i)) for i in range(40)]  # type: ignore[arg-type]
        for stream in streams:
            assert (await stream.__anext__()).startswith(b"retry:")
            assert (await stream.__anext__()).startswith(b"event: page")
        waiting = [asyncio.ensure_future(stream.__anext__()) for stream in streams]
        await asyncio.sleep(0)
        assert not any(w.done() for w in waiting)  # nothing to send: every stream waits
        assert timers == ["LiveHub._ping"], "one keep-alive timer for the whole room"
        hub._ping()  # its time has come (the timer itself is an hour away)
        assert [await w for w in waiting] == [KEEPALIVE] * 40
        count[0] += 1
        hub._flush()  # a change queued for everyone ...
        waiting = [asyncio.ensure_future(stream.__anext__()) for stream in streams]
        hub._ping()  # ... as the keep-alive falls due: the change goes, and no comment besides
        sent = [await w for w in waiting]
        assert all(text.startswith(b"event: patch") for text in sent), sent
        assert timers == ["LiveHub._ping"] * 3  # set again at each ping while phones are connected
        hub.close()
        assert hub._pinger is None
        for stream in streams:
            assert (await stream.__anext__()).startswith(b"event: closed")
    finally:
        loop.call_later = call_later  # type: ignore[method-assign]


# --- what a round costs: each shared thing worked out once, nothing worked out only to be thrown away -------------


def test_a_list_whose_every_entry_changed_is_replaced_whole_without_writing_each_entrys_operation(
    monkeypatch: Any,
) -> None:
    """A ballot whose dots ran out redraws all its entries (each "+ dot" button disabled): one ``replace`` of the
    list goes, and the 400 entries' operations are never written only to be thrown away (they were: 400 JSON
    encodings, 8-12 ms of the loop in room_bench's busiest slices)."""
    import room.live as live_module

    written: list[tuple[Any, ...]] = []
    op = live_module._op

    def counted(*args: Any) -> str:
        written.append(args)
        return op(*args)

    monkeypatch.setattr(live_module, "_op", counted)
    keys = list(range(400))
    old = _page(keys, {k: f"Idea {k} + dot" for k in keys})
    new = _page(keys, {k: f"Idea {k} + dot (disabled)" for k in keys})
    ops = diff(old, new)
    assert ops is not None and len(ops) == 1 and json.loads(ops[0])[:2] == ["replace", "list"], "the whole list"
    assert _apply(old, ops, new).html == new.html
    assert len(written) == 1, f"{len(written)} operations written for one sent"
    written.clear()
    one = _page(keys, {**{k: f"Idea {k} + dot" for k in keys}, 7: "Idea 7 changed"})
    assert diff(old, one) == [_ops_json("replace", "n7", '<li id="n7">Idea 7 changed</li>')]
    assert len(written) == 1, "one entry changed: its own operation, not the list"


def _ops_json(*args: str) -> str:
    return json.dumps(list(args), ensure_ascii=False, separators=(",", ":"))


@given(st.lists(st.one_of(st.none(), st.text()), min_size=1, max_size=4))
def test_an_operation_is_written_as_json_writes_it(args: list[str | None]) -> None:
    from room.live import _op

    assert _op(*args) == json.dumps(args, ensure_ascii=False, separators=(",", ":"))


async def test_a_vote_opening_escapes_the_rooms_shared_ballot_list_once_for_every_phone(
    session: WorkshopSession, monkeypatch: Any
) -> None:
    """At a vote's opening every phone gets a whole page holding the same ballot list (one object for the room):
    its HTML is escaped into JSON once in the round, not once per phone (40 phones on a 400-note ballot: 40
    escapes of ~380 KB). Counted as the characters every JSON string escape of the round was given."""
    import json.encoder

    import room.live as live_module

    session.agenda.go_to(2)
    for i in range(60):
        session.notes.add(f"Idea {i}: a longer line so that the ballot's list is most of every page")
    live = Live(session)
    escaped = [0]

    def counting(escape: Any) -> Any:
        def escape_counted(text: str) -> str:
            escaped[0] += len(text)
            return escape(text)

        return escape_counted

    try:
        await live.start()
        session.votes.open(session.workshop.current_stage_id, budget=3, cap=2)
        monkeypatch.setattr(json.encoder, "encode_basestring", counting(json.encoder.encode_basestring))
        mine = getattr(live_module, "encode_basestring", None)  # (the code before 30 November used json.dumps)
        if mine is not None:
            monkeypatch.setattr(live_module, "encode_basestring", counting(mine))
        got = await live.round()
        in_the_round = escaped[0]
        pages = [page for events in got for name, page in events if name == "page"]
        assert len(pages) == 3
        one_page = len(pages[0])
        assert in_the_round < 1.5 * one_page, f"{in_the_round} characters escaped for three pages of {one_page}"
        for device, page in zip(live.devices, pages, strict=True):
            assert page == live.web.live_page(device).html.replace(live.web.drawer.mark, device.csrf)
    finally:
        await live.close()


async def test_a_phone_out_of_dots_locks_its_ballot_without_the_template_drawing_each_entry_again(
    session: WorkshopSession,
) -> None:
    """Running out of dots disables every "+ dot" on that phone's ballot. The entries are not drawn by the
    template again (30 here, 400 in room_bench: 10-13 ms in one callback of the loop), only the one whose dots
    changed; the rest is the drawing already made with its buttons' locks filled in. Counted as the template's
    entry drawings (``PageDrawer.entries_drawn``); the page says the same as before: every button's state."""
    session.agenda.go_to(2)
    notes = [session.notes.add(f"Idea {i}").id for i in range(30)]
    live = Live(session)
    ana, ben, _ = live.devices
    ballot = session.votes.open(session.workshop.current_stage_id, budget=1, cap=1)
    drawer = live.web.drawer

    def buttons(device: Device) -> tuple[int, int, int, int]:
        html = live.web.live_page(device).html
        take = re.findall(r'<button type="submit" class="secondary"( disabled)? aria-label="Take a dot', html)
        put = re.findall(r'<button type="submit"( disabled)? aria-label="Put a dot', html)
        return take.count(" disabled"), take.count(""), put.count(" disabled"), put.count("")

    try:
        await live.start()
        assert drawer.entries_drawn == len(notes), "one drawing a note for the three phones with no dots"
        assert buttons(ana) == (30, 0, 0, 30)
        await live.room.cast(ana, ballot.id, notes[3])
        got = await live.round()
        assert drawer.entries_drawn == len(notes) + 1, "only the entry with Ana's dot was drawn"
        assert got[1] == got[2] == []
        assert buttons(ana) == (29, 1, 30, 0), "her one dot can come back; no dot can go on"
        assert buttons(ben) == (30, 0, 0, 30)
        await live.room.done(ben, ballot.id, True)
        await live.round()
        assert drawer.entries_drawn == len(notes) + 1, "Ben is done: his list locked, nothing drawn"
        assert buttons(ben) == (30, 0, 30, 0)
        await live.room.retract(ana, ballot.id, notes[3])
        await live.round()
        assert buttons(ana) == (30, 0, 0, 30) and drawer.entries_drawn == len(notes) + 1
    finally:
        await live.close()


async def test_during_a_vote_no_round_lists_the_rooms_notes_for_pages_that_do_not_show_them(
    session: WorkshopSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every phone is on its ballot: each dot is a change, and each round listed the stage's notes again for the
    room's list (``room.views.visible_notes``: 400 in room_bench), which no ballot page shows. Counted."""
    import room.pages

    session.agenda.go_to(2)
    notes = [session.notes.add(f"Idea {i}").id for i in range(5)]
    live = Live(session)
    ana, ben, _ = live.devices
    ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=2)
    listed = [0]
    name = "visible_notes" if hasattr(room.pages, "visible_notes") else "room_notes"  # (before 30 November)
    listing = getattr(room.pages, name)

    def counted(ws: Any) -> Any:
        listed[0] += 1
        return listing(ws)

    monkeypatch.setattr(room.pages, name, counted)
    try:
        await live.start()
        for note_id in notes[:3]:
            await live.room.cast(ana, ballot.id, note_id)
            await live.room.cast(ben, ballot.id, note_id)
            await live.round()
        assert listed[0] == 0, f"the room's notes were listed {listed[0]} times for ballot pages"
        session.votes.close(ballot.id)  # the reveal: back to the notes page, which shows them
        for events in await live.round():
            assert [name for name, _ in events] == ["page"] and "Idea 4" in events[0][1]
        assert listed[0] == 1
    finally:
        await live.close()


async def test_a_note_added_to_a_full_room_looks_at_the_other_notes_without_making_a_view_of_each(
    session: WorkshopSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a change the room's list is worked out again once per round for every phone; each note is looked at
    (its text and credit), but only a new or changed one gets a ``NoteView`` and a drawing (room_bench: 400 notes,
    a ``NoteView`` and a comparison each on every change). Counted as the ``NoteView``s made."""
    import room.pages
    import room.views

    session.agenda.go_to(2)
    for i in range(100):
        session.notes.add(f"Earlier idea {i}")
    live = Live(session)
    made = [0]
    note_view = room.views.NoteView

    def counted(*args: Any, **kwargs: Any) -> Any:
        made[0] += 1
        return note_view(*args, **kwargs)

    monkeypatch.setattr(room.views, "NoteView", counted)
    monkeypatch.setattr(room.pages, "NoteView", counted)
    try:
        await live.start()
        made[0] = 0
        session.notes.add("One more idea")
        got = await live.round()
        assert made[0] == 1, f"{made[0]} note views made for one note added"
        for events in got:
            assert _inserted(events, "One more idea") == 1
        last = max(session.workshop.notes)
        session.notes.edit(last, "One more idea, reworded")
        got = await live.round()
        assert made[0] == 2 and all("One more idea, reworded" in "".join(d for _, d in e) for e in got)
    finally:
        await live.close()


async def test_a_dot_compares_the_ballots_notes_once_for_the_room_not_once_per_phone(
    session: WorkshopSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each dot is a round, and each round every phone's view is compared with the one its page was drawn from.
    The ballot's notes are worked out once a round (``Shared``) and, when equal to the round before's, are the
    same objects, so the phones' views compare them by identity: the notes are compared once for the room, not
    once per phone (room_bench: 40 phones x 400 notes a dot). Counted as ``NoteView`` comparisons."""
    from room.views import NoteView

    session.agenda.go_to(2)
    notes = [session.notes.add(f"Idea {i}").id for i in range(60)]
    live = Live(session)
    ana = live.devices[0]
    ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=2)
    compared = [0]
    equal = NoteView.__eq__

    def counted(self: NoteView, other: object) -> Any:
        compared[0] += 1
        return equal(self, other)

    try:
        await live.start()
        await live.room.cast(ana, ballot.id, notes[0])
        await live.round()
        monkeypatch.setattr(NoteView, "__eq__", counted)
        for note_id in notes[1:3]:
            compared[0] = 0
            await live.room.cast(ana, ballot.id, note_id)
            got = await live.round()
            assert got[1] == got[2] == [] and got[0], "Ana's page only"
            assert compared[0] <= len(notes), f"{compared[0]} note comparisons for one dot on {len(notes)} notes"
    finally:
        await live.close()


async def test_a_slices_cpu_is_the_loops_own_not_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hub's CPU figures (``cpu``, ``longest_slice``: the longest the live pages held the loop, in room_bench's
    row) count the loop's thread only: while a slice runs, the group commit's sync thread may run too, and the
    process's CPU clock counted it as the pages'. Simulated: the process clock runs a second ahead at each read
    (another thread busy), the thread's own clock as it is."""
    import time

    class Dev:
        id = 1
        streams = 0

    count = [0]

    def render(device: Dev, given: int) -> LivePage:
        return LivePage("notes", (Block("x", f'<p id="x">{given}</p>'),))

    hub = LiveHub(render, lambda device: True, inputs=lambda device: count[0], keepalive=0.01)  # type: ignore[arg-type]
    stream = hub.stream(Dev())  # type: ignore[arg-type]
    await _events(stream)
    others = [0.0]

    def process_time() -> float:
        others[0] += 1.0
        return others[0]

    monkeypatch.setattr(time, "process_time", process_time)
    count[0] += 1
    hub._flush()
    assert (await _events(stream))[0][0] == "patch"
    assert hub.longest_slice < 0.5 and hub.cpu < 0.5, (hub.longest_slice, hub.cpu)
    await stream.aclose()  # type: ignore[attr-defined]


async def test_live_events_are_utf8_put_together_once_and_counted_as_sent(session: WorkshopSession) -> None:
    """A stream yields its events as UTF-8 bytes, each whole page put together from its parts' bytes (encoded once
    a round): nothing encodes a 380 KB page again for each phone, neither to count its bytes nor as the response
    writes it (a text chunk is encoded by the response). What the hub counts is what the streams yield."""
    session.agenda.go_to(2)
    for i in range(30):
        session.notes.add(f"Idée {i} − « customers answer each other first »")
    live = Live(session)
    try:
        await live.start()
        queued = live.web.hub.queued_bytes
        session.votes.open(session.workshop.current_stage_id, budget=3, cap=2)
        live.web.hub._flush()
        sent = 0
        for device, stream in zip(live.devices, live.streams, strict=True):
            chunk = await asyncio.wait_for(stream.__anext__(), 10)
            assert isinstance(chunk, bytes), type(chunk)
            sent += len(chunk)
            name, data = chunk.decode().removesuffix("\n\n").split("\n")
            assert name == "event: page"
            page = json.loads(data.removeprefix("data: "))
            assert page == live.web.drawer.for_device(device, live.web.live_page(device).html)
            assert "Idée 29 − « customers" in page and device.csrf in page
        assert live.web.hub.queued_bytes - queued == sent
    finally:
        await live.close()


async def test_a_vote_opening_draws_the_ballot_ahead_in_slices_not_in_one_phones_page(
    session: WorkshopSession,
) -> None:
    """At a vote's opening every voter's page shows the ballot's entries without dots: the round draws them ahead
    in its slices (``LiveHub``'s ``prepare``), at least one a slice, then offers the pages, instead of drawing them
    all for the first phone's page in one piece (room_bench: 400 entries, 10-13 ms in one callback). Counted as
    entries drawn per slice, with slices cut as short as they go (one step each)."""
    session.agenda.go_to(2)
    for i in range(30):
        session.notes.add(f"Idea {i}")
    live = Live(session)
    hub, drawer = live.web.hub, live.web.drawer
    per_slice: list[int] = []
    slice_ = hub._slice

    def counted(waiting: Any, work: Any) -> None:
        drawn = drawer.entries_drawn
        slice_(waiting, work)
        per_slice.append(drawer.entries_drawn - drawn)

    try:
        await live.start()
        hub.slice_seconds = 0.0
        session.votes.open(session.workshop.current_stage_id, budget=3, cap=2)
        hub._slice = counted  # type: ignore[method-assign]
        got = await live.round()
        assert max(per_slice) == 1 and sum(per_slice) == 30, per_slice
        for device, events in zip(live.devices, got, strict=True):
            ((name, page),) = events
            assert name == "page" and page.count('<li id="ballot-') == 30 and device.csrf in page
        per_slice.clear()
        await live.room.cast(live.devices[0], session.workshop.ballots[max(session.workshop.ballots)].id, 1)
        await live.round()
        assert sum(per_slice) <= 1, "later rounds of the same vote draw nothing ahead"
    finally:
        await live.close()
