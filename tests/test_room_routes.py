"""The room's pages and refusals, through Starlette's test client (no network): every page, every refusal."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from room.security import JOIN_ALPHABET, code_matches, new_join_code, token_hash
from room.web import DEVICE_COOKIE
from tests.room_helpers import CODE, ORIGIN, Phone, alerts, client, csrf_of, make_room
from workshop.session import WorkshopSession
from workshop.store import Store


@pytest.fixture
def on_stage(session: WorkshopSession) -> WorkshopSession:
    """The session on its first discipline stage (the readiness check comes first)."""
    session.agenda.go_to(2)
    return session


def people(session: WorkshopSession) -> dict[str, int]:
    return {p.name: p.id for p in session.workshop.active_participants()}


# --- joining -------------------------------------------------------------------------------------------------


def test_join_page_lists_names_and_sets_no_device(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    page = client(web).get("/")
    assert page.status_code == 200
    for name in ("Ana", "Ben", "Chloé"):
        assert name in page.text
    assert 'name="code"' in page.text and DEVICE_COOKIE not in page.headers.get("set-cookie", "")


def test_join_with_the_code_gives_a_hashed_httponly_strict_cookie(on_stage: WorkshopSession) -> None:
    room, web, _ = make_room(on_stage)
    phone = Phone(web)
    answer = phone.join(people(on_stage)["Ana"], code=CODE.lower()[:3] + " " + CODE.lower()[3:])
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    token = phone.http.cookies[DEVICE_COOKIE]
    assert len(token) >= 22  # at least 128 bits of URL-safe base64
    (device,) = room.devices.joined()
    assert device.token_hash == token_hash(token) and token not in repr(device)
    assert token not in answer.headers["location"]
    assert token not in phone.refresh()
    assert "Ana" in phone.refresh()


def test_wrong_code_is_refused_and_ten_tries_a_minute_make_the_address_wait(
    on_stage: WorkshopSession,
) -> None:
    _room, web, clock = make_room(on_stage)
    phone = Phone(web)
    for _ in range(10):
        answer = phone.join(1, code="AAAAAA")
        assert answer.status_code == 403
        assert "not right" in alerts(answer.text)[0]
    answer = phone.join(1, code=CODE)  # even the right code waits now
    assert answer.status_code == 429 and "Wait" in alerts(answer.text)[0]
    clock.advance(61)
    assert phone.join(1, code=CODE).status_code == 303


def test_one_device_per_name_and_the_facilitator_can_release_it(on_stage: WorkshopSession) -> None:
    room, web, _ = make_room(on_stage)
    ana = people(on_stage)["Ana"]
    first, second = Phone(web), Phone(web)
    assert first.join(ana).status_code == 303
    answer = second.join(ana)
    assert answer.status_code == 409 and "already joined" in alerts(answer.text)[0]
    assert room.release(ana)
    # the released device's token is revoked: its next form is refused and it is asked to join again
    refused = first.note("still me?")
    assert refused.status_code == 401 and 'name="code"' in refused.text
    assert second.join(ana).status_code == 303


def test_unknown_token_is_treated_as_not_joined(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    phone = Phone(web)
    phone.http.cookies.set(DEVICE_COOKIE, "x" * 43)
    page = phone.http.get("/")
    assert 'name="code"' in page.text
    answer = phone.http.post("/notes", data={"csrf": "x", "text": "hello"})
    assert answer.status_code == 401
    assert not on_stage.workshop.notes


def test_a_new_name_waits_for_the_facilitator_then_becomes_a_participant(on_stage: WorkshopSession) -> None:
    room, web, _ = make_room(on_stage)
    phone = Phone(web)
    assert phone.join("new", new_name="Dev <script>").status_code == 303
    page = phone.refresh()
    assert "Waiting for the facilitator" in page and "Dev &lt;script&gt;" in page and "<script>" not in page
    assert phone.note("too early").status_code == 403
    (device,) = room.devices.pending()
    room.approve(device.id)
    assert "Dev <script>" in people(on_stage)
    assert "Add a note" in phone.refresh()


def test_asking_for_a_name_already_on_the_list_is_refused(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    answer = Phone(web).join("new", new_name="ana")
    assert answer.status_code == 409 and "already on the list" in alerts(answer.text)[0]


def test_locked_room_refuses_new_devices_but_keeps_joined_ones(on_stage: WorkshopSession) -> None:
    room, web, _ = make_room(on_stage)
    ana = Phone(web)
    ana.join(1)
    room.set_locked(True)
    answer = Phone(web).join(2)
    assert answer.status_code == 403 and "locked" in alerts(answer.text)[0]
    assert ana.note("still in").status_code == 303


def test_devices_per_room_limit(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage, max_devices=2)
    assert Phone(web).join(1).status_code == 303
    assert Phone(web).join(2).status_code == 303
    answer = Phone(web).join(3)
    assert answer.status_code == 429 and "full" in alerts(answer.text)[0]


def test_closed_room_ends_every_device_session(on_stage: WorkshopSession) -> None:
    room, web, _ = make_room(on_stage)
    phone = Phone(web)
    phone.join(1)
    room.close()
    assert phone.http.get("/").status_code == 410
    assert phone.note("after").status_code == 410
    assert room.devices.by_token(phone.http.cookies[DEVICE_COOKIE]) is None


# --- request checks ---------------------------------------------------------------------------------------------


def test_wrong_host_is_refused_dns_rebinding(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    page = client(web).get("/", headers={"Host": "attacker.example:8765"})
    assert page.status_code == 421


def test_wrong_origin_is_refused(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    phone = Phone(web)
    phone.join(1)
    answer = phone.http.post(
        "/notes", data={"csrf": phone.csrf, "text": "x"}, headers={"Origin": "http://attacker.example"}
    )
    assert answer.status_code == 403 and "another site" in answer.text
    assert not on_stage.workshop.notes


def test_a_post_without_origin_or_referer_is_refused_but_a_same_origin_referer_passes(
    on_stage: WorkshopSession,
) -> None:
    _room, web, _ = make_room(on_stage)
    phone = Phone(web)
    phone.join(1)
    del phone.http.headers["Origin"]
    assert phone.note("x").status_code == 403
    phone.http.headers["Referer"] = ORIGIN + "/"
    assert phone.note("x").status_code == 303


def test_missing_or_wrong_csrf_token_is_refused(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    phone = Phone(web)
    phone.join(1)
    missing = phone.http.post("/notes", data={"text": "no token"})
    wrong = phone.http.post("/notes", data={"csrf": "guess", "text": "bad token"})
    assert missing.status_code == wrong.status_code == 403
    assert "expired" in alerts(missing.text)[0]
    assert not on_stage.workshop.notes
    # the join form has its own token, bound to a cookie
    fresh = client(web)
    assert fresh.post("/join", data={"code": CODE, "participant": "2"}).status_code == 403


def test_request_size_limit_and_other_body_types(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage, max_body=1000)
    phone = Phone(web)
    phone.join(1)
    answer = phone.note("x" * 2000)
    assert answer.status_code == 413 and "too much" in answer.text
    typed = phone.http.post("/notes", content=b'{"text": "x"}', headers={"Content-Type": "application/json"})
    assert typed.status_code == 415
    assert not on_stage.workshop.notes


def test_notes_per_device_per_window(on_stage: WorkshopSession) -> None:
    _room, web, clock = make_room(on_stage, notes_per_window=3, note_window=10.0)
    phone = Phone(web)
    phone.join(1)
    for i in range(3):
        assert phone.note(f"idea {i}").status_code == 303
    answer = phone.note("one more")
    assert answer.status_code == 429 and "Wait" in alerts(answer.text)[0]
    assert "one more" in answer.text  # what was typed is kept on the page
    clock.advance(10)
    assert phone.note("one more").status_code == 303
    assert len(on_stage.workshop.notes) == 4


def test_note_length_is_the_sessions(on_stage: WorkshopSession) -> None:
    from facilitation.text import MAX_NOTE_CHARS

    _room, web, _ = make_room(on_stage)
    phone = Phone(web)
    phone.join(1)
    answer = phone.note("y" * (MAX_NOTE_CHARS + 1))
    assert answer.status_code == 409 and "at most" in alerts(answer.text)[0]
    empty = phone.note("   ")
    assert empty.status_code == 409 and "cannot be empty" in alerts(empty.text)[0]
    # a phone adds a note with its "Add note" button: it was told to "press Enter" (a new line in its field)
    assert "Enter" not in alerts(empty.text)[0]


def test_no_facilitator_view_and_security_headers(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    http = client(web)
    assert http.get("/facilitator").status_code == 404
    page = http.get("/")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert http.get("/static/room.css").status_code == 200
    assert "http" not in re.sub(r"http://127\.0\.0\.1:8765", "", http.get("/static/room.js").text)


def test_join_code_alphabet_and_constant_time_comparison() -> None:
    for _ in range(50):
        code = new_join_code()
        assert len(code) == 6 and set(code) <= set(JOIN_ALPHABET)
    assert not set("0O1IL") & set(JOIN_ALPHABET)
    assert code_matches("k7p-q3x", "K7PQ3X") and not code_matches("K7PQ3", "K7PQ3X")


# --- notes --------------------------------------------------------------------------------------------------


def test_note_is_durable_before_the_device_is_told_and_text_is_escaped(
    on_stage: WorkshopSession, store: Store
) -> None:
    _room, web, _ = make_room(on_stage)
    phone = Phone(web)
    phone.join(1)
    answer = phone.note('<img src=x onerror="alert(1)"> & more')
    assert answer.status_code == 303 and answer.headers["location"] == "/?saved=note"
    (note,) = on_stage.workshop.notes.values()
    assert note.text == '<img src=x onerror="alert(1)"> & more' and note.author_id == 1
    with WorkshopSession.open(
        store, on_stage.workshop.id, mode="read"
    ) as reader:  # what a restart would read
        assert [n.text for n in reader.workshop.notes.values()] == [note.text]
    page = phone.http.get("/?saved=note").text
    assert "&lt;img src=x" in page and "<img" not in page and "Saved" in page


def test_silent_brainstorming_hides_others_notes_until_the_reveal(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    ana, ben = Phone(web), Phone(web)
    ana.join(1)
    ben.join(2)
    on_stage.notes.set_silent(True)
    assert ana.note("Ana secret idea").status_code == 303
    assert ben.note("Ben idea").status_code == 303
    ana_page, ben_page = ana.refresh(), ben.refresh()
    assert "Ana secret idea" in ana_page and "Ben idea" not in ana_page
    assert "Ben idea" in ben_page and "Ana secret idea" not in ben_page
    assert "Silent brainstorming" in ana_page
    # the room's list is empty: it says why; shared before silent brainstorming began: it says they are not new
    assert "Everyone's new notes stay hidden until the reveal." in ana_page and "shared before" not in ana_page
    hidden_id = next(n.id for n in on_stage.workshop.notes.values() if n.text == "Ana secret idea")
    assert ben.http.get(f"/notes/{hidden_id}").status_code == 404
    assert ana.http.get(f"/notes/{hidden_id}").status_code == 200
    on_stage.notes.reveal()
    assert "Ana secret idea" in ben.refresh()
    assert ben.http.get(f"/notes/{hidden_id}").status_code == 200
    on_stage.notes.set_silent(True)  # a second round: the revealed notes stay, and the page says they are older
    page = ben.refresh()
    assert "Ana secret idea" in page and "These were shared before:" in page


def test_own_notes_can_be_edited_and_withdrawn_until_revealed(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    ana, ben = Phone(web), Phone(web)
    ana.join(1)
    ben.join(2)
    on_stage.notes.set_silent(True)
    ana.note("first draft")
    ana.note("to withdraw")
    first, second = sorted(on_stage.workshop.notes)
    assert ana.http.get(f"/notes/{first}/edit").status_code == 200
    assert ana.post(f"/notes/{first}/edit", text="second draft").status_code == 303
    assert on_stage.workshop.notes[first].text == "second draft"
    assert ben.post(f"/notes/{first}/edit", text="hijack").status_code == 404
    assert ben.post(f"/notes/{second}/withdraw").status_code == 404
    assert ana.post(f"/notes/{second}/withdraw").status_code == 303
    assert on_stage.workshop.notes[second].deleted
    on_stage.notes.reveal()
    late = ana.post(f"/notes/{first}/edit", text="too late")
    assert late.status_code == 409 and "revealed" in alerts(late.text)[0]
    assert ana.http.get(f"/notes/{first}/edit").status_code == 409


def test_anonymous_setting_stores_no_author_but_the_device_keeps_its_note(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    on_stage.notes.set_anonymous(True)
    on_stage.notes.set_silent(True)
    ana = Phone(web)
    ana.join(1)
    ana.note("nobody knows")
    (note,) = on_stage.workshop.notes.values()
    assert note.author_id is None
    assert "nobody knows" in ana.refresh() and "anonymous" in ana.refresh()
    assert ana.post(f"/notes/{note.id}/edit", text="still mine").status_code == 303


# --- votes --------------------------------------------------------------------------------------------------


def _ballot(session: WorkshopSession, phones: list[Phone]) -> tuple[int, list[int]]:
    for i, phone in enumerate(phones):
        phone.note(f"idea {i}")
    ballot = session.votes.open(session.workshop.current_stage_id, budget=3, cap=2)
    return ballot.id, list(ballot.note_ids)


def test_dot_vote_within_budget_and_cap_only_own_dots(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    ana, ben = Phone(web), Phone(web)
    ana.join(1)
    ben.join(2)
    ballot_id, (first, second) = _ballot(on_stage, [ana, ben])
    page = ana.refresh()
    assert "Vote:" in page and "3 dots left" in page
    add = f"/ballots/{ballot_id}/notes/{first}/add"
    assert ana.post(add).status_code == 303
    assert ana.post(add).status_code == 303
    capped = ana.post(add)
    assert capped.status_code == 409 and alerts(capped.text)
    assert ben.post(f"/ballots/{ballot_id}/notes/{second}/add").status_code == 303
    assert "1 dot left" in ana.refresh()
    assert "2 dots left" in ben.refresh()  # Ben sees only his own dot
    assert on_stage.votes.participant_dots(ballot_id, 1) == {first: 2}
    assert ana.post(f"/ballots/{ballot_id}/notes/{first}/remove").status_code == 303
    assert on_stage.votes.participant_dots(ballot_id, 1) == {first: 1}
    # another participant's ballot is never shown
    assert ana.http.get(f"/ballots/{ballot_id}/dots/2").status_code == 403
    assert ana.http.get(f"/ballots/{ballot_id}/dots/1").status_code == 200


def test_done_count_and_results_only_after_the_reveal(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    ana, ben = Phone(web), Phone(web)
    ana.join(1)
    ben.join(2)
    ballot_id, (first, _second) = _ballot(on_stage, [ana, ben])
    ana.post(f"/ballots/{ballot_id}/notes/{first}/add")
    assert ana.post(f"/ballots/{ballot_id}/done", done="1").status_code == 303
    assert on_stage.workshop.ballots[ballot_id].submitted == [1]
    assert "You are done" in ana.refresh()
    assert "Result" not in ben.refresh()
    on_stage.votes.close(ballot_id)
    page = ben.refresh()
    assert "Result:" in page and "1 dot" in page
    assert '<span class="rank">1.</span>' in page and "tied" not in page
    refused = ana.post(f"/ballots/{ballot_id}/notes/{first}/add")
    assert refused.status_code == 409


def test_a_tie_in_the_result_reads_as_a_tie_on_phones(on_stage: WorkshopSession) -> None:
    """The facilitator's screen and the projector show "1=" and "tied" for notes with the same dots; phones showed
    "1." twice, which reads as a misprint or as an order the vote did not give."""
    _room, web, _ = make_room(on_stage)
    ana, ben = Phone(web), Phone(web)
    ana.join(1)
    ben.join(2)
    ballot_id, (first, second) = _ballot(on_stage, [ana, ben])
    ana.post(f"/ballots/{ballot_id}/notes/{first}/add")
    ben.post(f"/ballots/{ballot_id}/notes/{second}/add")
    on_stage.votes.close(ballot_id)
    page = ana.refresh()
    assert page.count('<span class="rank">1=</span>') == 2 and page.count('<span class="hint">tied</span>') == 2


# --- readiness ----------------------------------------------------------------------------------------------


def test_readiness_check_from_a_device_is_private(session: WorkshopSession) -> None:
    _room, web, _ = make_room(session)  # the first stage is the readiness check
    ana, ben = Phone(web), Phone(web)
    ana.join(1)
    ben.join(2)
    assert "Readiness check" in ana.refresh()
    answer = ana.post("/readiness", round="start", attitude="forging", score_vision="4", score_strategy="2")
    assert answer.status_code == 303
    (response,) = session.workshop.readiness.values()
    assert response.attitude == "forging" and response.scores == {"vision": 4, "strategy": 2}
    assert "Your answers are in" in ana.refresh()
    assert "Your answers are in" not in ben.refresh()
    bad = ben.post("/readiness", round="start", score_vision="9")
    assert bad.status_code == 409 and "1 to 5" in alerts(bad.text)[0]
    assert ben.post("/readiness", round="start", score_vision="x").status_code == 400


def test_leave_signs_the_device_out(on_stage: WorkshopSession) -> None:
    room, web, _ = make_room(on_stage)
    phone = Phone(web)
    phone.join(1)
    assert phone.post("/leave").status_code == 303
    assert not room.devices.joined()
    assert 'name="code"' in phone.http.get("/").text


def test_events_needs_a_joined_device(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    assert client(web).get("/events").status_code == 401


def test_csrf_helper_reads_pages(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    assert csrf_of(client(web).get("/").text)


def test_waiting_requests_limit(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage, max_pending=1)
    assert Phone(web).join("new", new_name="Dev").status_code == 303
    answer = Phone(web).join("new", new_name="Emre")
    assert answer.status_code == 429 and "waiting" in alerts(answer.text)[0]
    same = Phone(web).join("new", new_name="dev")
    assert same.status_code in (409, 429)


def test_live_connections_per_device_limit(on_stage: WorkshopSession) -> None:
    room, web, _ = make_room(on_stage, max_streams_per_device=2)
    phone = Phone(web)
    phone.join(1)
    (device,) = room.devices.joined()
    device.streams = 2  # two tabs already follow the room
    assert phone.http.get("/events").status_code == 429


@given(st.text(alphabet=JOIN_ALPHABET, min_size=6, max_size=6), st.sampled_from(["", " ", "-"]))
def test_a_code_typed_in_lower_case_with_a_separator_matches(code: str, separator: str) -> None:
    typed = code[:3].lower() + separator + code[3:].lower()
    assert code_matches(typed, code)
    assert not code_matches(typed[:-1], code)


def test_end_of_workshop_readiness_round_from_devices(on_stage: WorkshopSession) -> None:
    _room, web, _ = make_room(on_stage)
    ana = Phone(web)
    ana.join(1)
    assert "Add a note" in ana.refresh()
    web.readiness_round = "end"  # the facilitator asks the room for the end-of-workshop check
    page = ana.refresh()
    assert "end of the workshop" in page and 'name="round" value="end"' in page
    assert ana.post("/readiness", round="end", attitude="fusing", score_adapt="5").status_code == 303
    (answer,) = on_stage.workshop.readiness.values()
    assert answer.round == "end" and answer.scores == {"adapt": 5}


# --- a note the facilitator hid --------------------------------------------------------------------------------


def test_a_note_the_facilitator_hid_reaches_no_device_by_id_or_otherwise(on_stage: WorkshopSession) -> None:
    """Hidden by the facilitator: gone from every page, its author's too; by id it is 404 for every device, and
    its author can no longer edit or withdraw it. Shown again, it is back."""
    room, web, _ = make_room(on_stage)
    ana, ben = Phone(web), Phone(web)
    ana.join(1)
    ben.join(2)
    on_stage.notes.set_silent(True)
    assert ana.note("Ana draft, still hers").status_code == 303
    on_stage.notes.set_silent(False)
    assert ana.note("Ana says something rude").status_code == 303
    draft, rude = sorted(on_stage.workshop.notes)
    assert "Ana says something rude" in ben.refresh()
    on_stage.notes.hide(rude)
    on_stage.notes.hide(draft)  # even a note still unrevealed, that its author could edit
    for phone in (ana, ben):
        page = phone.refresh()
        if phone is ana:  # its author is told, politely, on her own page only; the notes are on no list
            assert page.count("The facilitator has set your note") == 2
            assert "“Ana says something rude” aside" in page and "“Ana draft, still hers” aside" in page
            page = re.sub(r'<p id="aside-\d+".*?</p>', "", page, flags=re.S)
        assert "Ana says something rude" not in page and "Ana draft" not in page
        for note_id in (rude, draft):
            assert phone.http.get(f"/notes/{note_id}").status_code == 404
            assert phone.http.get(f"/notes/{note_id}/edit").status_code == 404
        device = room.devices.by_token(phone.http.cookies.get("room_device"))
        assert device is not None
        live = web.live_page(device).html
        if phone is ben:
            assert "rude" not in live and "Ana draft" not in live and "set your note" not in live
    assert ana.post(f"/notes/{draft}/edit", text="sneaky edit").status_code == 404
    assert ana.post(f"/notes/{draft}/withdraw").status_code == 404
    assert (
        on_stage.workshop.notes[draft].text == "Ana draft, still hers"
        and not on_stage.workshop.notes[draft].deleted
    )
    on_stage.notes.reveal()  # the reveal never shows what the facilitator hid
    assert "Ana draft" not in ben.refresh()
    on_stage.notes.hide(rude, False)
    assert "Ana says something rude" in ben.refresh()
    assert "shown your note" not in ben.refresh()
    assert "The facilitator has shown your note “Ana says something rude” to the room again." in ana.refresh()
    assert ben.http.get(f"/notes/{rude}").status_code == 200


def test_a_hidden_note_leaves_an_open_vote_on_devices_and_takes_no_dot(on_stage: WorkshopSession) -> None:
    room, web, _ = make_room(on_stage)
    ana = Phone(web)
    ana.join(1)
    keep = on_stage.notes.add("Keep this one").id
    hide = on_stage.notes.add("Hide this one").id
    ballot = on_stage.votes.open(on_stage.workshop.current_stage_id, budget=2, cap=2)
    assert "Hide this one" in ana.refresh()
    assert ana.post(f"/ballots/{ballot.id}/notes/{hide}/add").status_code == 303
    on_stage.notes.hide(hide)
    assert on_stage.votes.participant_dots(ballot.id, 1) == {}, "its dot went back to Ana"
    page = ana.refresh()
    assert "Hide this one" not in page and "Keep this one" in page
    answer = ana.post(f"/ballots/{ballot.id}/notes/{hide}/add")
    assert answer.status_code == 409 and "hidden from the room" in answer.text
    on_stage.votes.close(ballot.id)
    assert "Hide this one" not in ana.refresh()
    del keep, room


def test_every_value_a_page_prints_has_its_right_to_left_overrides_closed() -> None:
    """Text saved before 749a30b may hold an override (U+202E) or isolate (U+2067) left open: a page prints every
    value closed at its end (Jinja's ``finalize``), so it never turns round what the page prints after it; drawn
    markup and numbers pass as they are."""
    from markupsafe import Markup

    from room.web import make_environment

    page = make_environment().from_string("<b>{{ title }}</b> · {{ name }} · {{ drawn }} · {{ count }}")
    shown = page.render(title="Kick-off \u202e2027", name="Ana \u2067Souza", drawn=Markup("<i>x</i>"), count=3)
    assert shown == "<b>Kick-off \u202e2027\u202c</b> · Ana \u2067Souza\u2069 · <i>x</i> · 3"


def test_a_device_the_facilitator_signs_out_is_told_why_once(on_stage: WorkshopSession) -> None:
    """Declined, or its name released for another device, a phone went back to a bare join page (room.js loads
    "/" when its device is signed out): nothing said that the facilitator had done it, so people asked again."""
    room, web, _ = make_room(on_stage)
    asking, ana_phone, leaving = Phone(web), Phone(web), Phone(web)
    assert asking.join("new", new_name="Dev Patel").status_code == 303
    (request,) = room.devices.pending()
    room.deny(request.id)
    page = asking.http.get("/").text
    assert 'name="code"' in page and "did not let this device in as Dev Patel" in page
    assert "did not let" not in asking.http.get("/").text, "said once"

    people_ = people(on_stage)
    assert ana_phone.join(people_["Ana"]).status_code == 303
    assert room.release(people_["Ana"])
    refused = ana_phone.note("still me?")  # without JavaScript: the next form says it
    assert refused.status_code == 401 and "so the name Ana is free for another device" in refused.text
    assert "free for another device" not in ana_phone.http.get("/").text

    assert leaving.join(people_["Ben"]).status_code == 303
    assert leaving.post("/leave").status_code == 303  # leaving on one's own: nothing to explain
    page = leaving.http.get("/").text
    assert 'name="code"' in page and "facilitator" not in page.split("<main", 1)[1].split("<form", 1)[0]


def test_a_timed_form_records_its_arrival_beside_its_change(on_stage: WorkshopSession) -> None:
    """While the room times requests (the benchmark's breakdown), a device's change records when its request
    arrived, so the wait before the session call (reading the body) shows; a change is timed once, an untimed
    request is not timed."""
    room, web, _ = make_room(on_stage)
    ana = Phone(web)
    ana.join(1)
    assert ana.post("/notes", text="Not timed").status_code == 303
    web.timings, room.commit_times = [], []
    assert ana.post("/notes", text="Timed").status_code == 303
    ((arrived, made, heard),) = room.commit_times
    assert arrived is not None and arrived <= made <= heard
    assert len(web.timings) == 1 and web.timings[0] >= heard - arrived
