"""The opening preview (issue #14: start-up builds the current stage first): a small file beside the library index
holding what the first frame of ``workshop open`` needs, written with each checkpoint and at close, tied to the
workshop's files; a missing, stale, damaged or hostile preview is never used (start-up reads the workshop)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from facilitation.clock import FakeClock
from facilitation.models import NoteMark
from workshop.session import SessionError, WorkshopLibrary, WorkshopSession, load_workshop
from workshop.session import preview as preview_module
from workshop.session.ledger import OPENING_MESSAGE
from workshop.session.preview import NOTE_COLUMNS, opening_session, preview_of_tables
from workshop.store import Store, WorkshopFile
from workshop.store.preview import preview_path, read_preview


@pytest.fixture
def library(data_dir: Path, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(Store(data_dir), clock=clock)


def _workshop(library: WorkshopLibrary) -> str:
    """A closed workshop on its second stage: three live notes and a deleted one there, two on the first."""
    with library.create("Offsite", participants=["Ana", "Ben"]) as session:
        session.notes.add("first stage 1")
        session.notes.add("first stage 2")
        session.agenda.next()
        ana = session.workshop.active_participants()[0].id
        session.notes.add("here 1", author_id=ana)
        gone = session.notes.add("here, deleted")
        session.notes.add("here 2")
        session.notes.add("here 3")
        session.notes.delete(gone.id)
        return session.workshop.id


def _store(library: WorkshopLibrary) -> Store:
    return library._store


def test_closing_keeps_a_preview_of_the_current_stage(library: WorkshopLibrary) -> None:
    workshop_id = _workshop(library)
    store = _store(library)
    assert preview_path(store.data_dir, workshop_id).is_file()
    assert oct(preview_path(store.data_dir, workshop_id).stat().st_mode & 0o777) == "0o600"
    tables = store.read_preview(workshop_id)
    assert tables is not None
    full = load_workshop(store, workshop_id)
    assert set(tables) == {"info", "participants", "stages", "notes", "columns"}
    assert tables["columns"] == {1: {"notes": list(NOTE_COLUMNS), "earlier": 0}}
    text = NOTE_COLUMNS.index("text")
    assert sorted(row[text] for row in tables["notes"].values()) == ["here 1", "here 2", "here 3"]
    session = opening_session(store, workshop_id)
    assert session is not None
    shown = session.workshop
    assert shown.info() == full.info()
    assert shown.stages == full.stages and shown.participants == full.participants
    assert shown.stage_notes(shown.current_stage_id) == full.stage_notes(full.current_stage_id)  # type: ignore[arg-type]


def test_the_opening_session_is_not_read_only_but_refuses_every_change(library: WorkshopLibrary) -> None:
    workshop_id = _workshop(library)
    session = opening_session(_store(library), workshop_id)
    assert session is not None and session.opening and not session.read_only
    journal = _store(library).path_for(workshop_id).with_suffix(".journal")
    before = journal.read_bytes()
    for change in (
        lambda: session.notes.add("too early"),
        lambda: session.timer.start(),
        lambda: session.agenda.next(),
        lambda: session.log("export.written", "x"),
    ):
        with pytest.raises(SessionError, match="Still opening"):
            change()
    assert journal.read_bytes() == before
    assert not session.checkpoint()
    assert str(OPENING_MESSAGE).startswith("Still opening")


def test_any_commit_makes_the_preview_stale_until_the_next_close(library: WorkshopLibrary) -> None:
    workshop_id = _workshop(library)
    store = _store(library)
    session = library.open(workshop_id)
    assert store.read_preview(workshop_id) is not None  # opening changes nothing
    session.notes.add("after the preview")
    assert store.read_preview(workshop_id) is None  # the journal grew
    assert library.preview(workshop_id) is None
    session.close()
    tables = store.read_preview(workshop_id)
    assert tables is not None
    assert "after the preview" in [n[NOTE_COLUMNS.index("text")] for n in tables["notes"].values()]


def test_moving_to_another_stage_previews_that_stage(library: WorkshopLibrary) -> None:
    workshop_id = _workshop(library)
    with library.open(workshop_id) as session:
        session.agenda.previous()
    preview = library.preview(workshop_id)
    assert preview is not None
    assert sorted(n.text for n in preview.workshop.notes.values()) == ["first stage 1", "first stage 2"]


def test_a_checkpoint_that_empties_the_journal_writes_the_preview(library: WorkshopLibrary) -> None:
    workshop_id = _workshop(library)
    store = _store(library)
    session = library.open(workshop_id)
    session.notes.add("folded in")
    assert store.read_preview(workshop_id) is None
    assert session.checkpoint()
    tables = store.read_preview(workshop_id)  # before any close: written with the snapshot
    assert tables is not None
    assert "folded in" in [n[NOTE_COLUMNS.index("text")] for n in tables["notes"].values()]
    header = json.loads(preview_path(store.data_dir, workshop_id).read_bytes().split(b"\n", 1)[0])
    assert header["files"] == store.identities(workshop_id)
    session.close()


def test_a_crash_between_the_checkpoint_and_its_preview_leaves_a_stale_one(
    library: WorkshopLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot is renamed in place first and the preview written last: a crash in between leaves the older
    preview, which no longer describes the files, so start-up reads the workshop and shows the truth."""
    workshop_id = _workshop(library)
    store = _store(library)
    session = library.open(workshop_id)
    session.notes.add("only in the new snapshot")
    monkeypatch.setattr(WorkshopFile, "_keep_preview", lambda *args, **kwargs: None)  # the crash
    assert session.checkpoint()
    assert store.read_preview(workshop_id) is None
    assert library.preview(workshop_id) is None
    monkeypatch.undo()
    session.close()
    preview = library.preview(workshop_id)
    assert preview is not None
    assert "only in the new snapshot" in [n.text for n in preview.workshop.notes.values()]


def test_a_window_killed_after_a_change_leaves_a_stale_preview(library: WorkshopLibrary) -> None:
    """No close after the last change (SIGKILL, power cut): the journal grew past the preview."""
    workshop_id = _workshop(library)
    session = library.open(workshop_id)
    session.notes.add("typed just before the crash")
    file = session._ledger._file  # the process died here: no close, and its lock went with it
    assert file is not None and file._lock is not None and file._journal is not None
    file._journal.close()
    file._lock.release()
    assert library.preview(workshop_id) is None
    with library.open(workshop_id) as again:
        assert "typed just before the crash" in [n.text for n in again.workshop.live_notes()]


def _set_note(body: dict[str, Any], note_id: str, name: str, value: object) -> None:
    """Set one field of a previewed note, held as a row of values (``NOTE_COLUMNS`` order) or as a document."""
    note = body["notes"][note_id]
    if isinstance(note, list):
        note[NOTE_COLUMNS.index(name)] = value
    else:
        note[name] = value


def _rewrite(path: Path, header: dict[str, object] | None = None, body: bytes | None = None) -> None:
    old_header, _, old_body = path.read_bytes().partition(b"\n")
    new_header = json.dumps(header).encode() if header is not None else old_header
    path.write_bytes(new_header + b"\n" + (old_body if body is None else body))


@pytest.mark.parametrize(
    "damage",
    [
        "missing",
        "empty",
        "no newline",
        "header not json",
        "body not json",
        "body truncated",
        "body NaN",
        "body a list",
        "record id not a number",
        "wrong id in header",
        "another workshop's info",
        "older schema",
        "other format",
        "files of another time",
        "link",
        "folder",
        "note text a number",
        "note of another stage",
        "stage prompts not text",
        "participant name a list",
        "extra table",
        "no current stage",
        "huge number",
        "note row too short",
        "note row too long",
        "columns of another version",
        "columns missing",
        "columns not a record",
    ],
)
def test_a_bad_preview_is_never_used(library: WorkshopLibrary, tmp_path: Path, damage: str) -> None:
    workshop_id = _workshop(library)
    store = _store(library)
    path = preview_path(store.data_dir, workshop_id)
    header = json.loads(path.read_bytes().split(b"\n", 1)[0])
    body = json.loads(path.read_bytes().split(b"\n", 1)[1])
    note_id = next(iter(body["notes"]))
    if damage == "missing":
        path.unlink()
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "no newline":
        path.write_bytes(json.dumps(header).encode())
    elif damage == "header not json":
        _rewrite(path, body=None)
        path.write_bytes(b"{nope\n" + path.read_bytes().split(b"\n", 1)[1])
    elif damage == "body not json":
        _rewrite(path, body=b"\xff\xfe not json")
    elif damage == "body truncated":
        _rewrite(path, body=path.read_bytes().split(b"\n", 1)[1][:-40])
    elif damage == "body NaN":
        _rewrite(path, body=b'{"info": {"1": {"title": NaN}}}')
    elif damage == "body a list":
        _rewrite(path, body=b"[1, 2]")
    elif damage == "record id not a number":
        body["notes"]["x1"] = body["notes"][note_id]
        _rewrite(path, body=json.dumps(body).encode())
    elif damage == "wrong id in header":
        _rewrite(path, {**header, "id": "someone-else"})
    elif damage == "another workshop's info":
        body["info"]["1"]["workshop_id"] = "someone-else"
        _rewrite(path, body=json.dumps(body).encode())
    elif damage == "older schema":
        _rewrite(path, {**header, "schema_version": header["schema_version"] - 1})
    elif damage == "other format":
        _rewrite(path, {**header, "format": 99})
    elif damage == "files of another time":
        _rewrite(path, {**header, "files": [[1, 2, 3, 4], None]})
    elif damage == "link":
        target = tmp_path / "elsewhere.preview"
        target.write_bytes(path.read_bytes())
        path.unlink()
        path.symlink_to(target)
    elif damage == "folder":
        path.unlink()
        path.mkdir()
    elif damage == "note text a number":
        _set_note(body, note_id, "text", 42)
        _rewrite(path, body=json.dumps(body).encode())
    elif damage == "note of another stage":
        _set_note(body, note_id, "stage_id", 1)
        _rewrite(path, body=json.dumps(body).encode())
    elif damage == "stage prompts not text":
        first = next(iter(body["stages"]))
        body["stages"][first]["prompts"] = [{"x": 1}]
        _rewrite(path, body=json.dumps(body).encode())
    elif damage == "participant name a list":
        first = next(iter(body["participants"]))
        body["participants"][first]["name"] = ["Ana"]
        _rewrite(path, body=json.dumps(body).encode())
    elif damage == "extra table":
        body["votes"] = {}
        _rewrite(path, body=json.dumps(body).encode())
    elif damage == "no current stage":
        body["info"]["1"]["current_stage_id"] = 999
        _rewrite(path, body=json.dumps(body).encode())
    elif damage == "huge number":
        raw = path.read_bytes().split(b"\n", 1)[1].replace(b'"position":', b'"position":' + b"9" * 5000 + b",\"x\":", 1)
        _rewrite(path, body=raw)
    elif damage == "note row too short":
        body["notes"][note_id] = body["notes"][note_id][:-1]
        _rewrite(path, body=json.dumps(body).encode())
    elif damage == "note row too long":
        body["notes"][note_id] = [*body["notes"][note_id], None]
        _rewrite(path, body=json.dumps(body).encode())
    elif damage == "columns of another version":
        body["columns"]["1"]["notes"] = list(reversed(NOTE_COLUMNS))
        _rewrite(path, body=json.dumps(body).encode())
    elif damage == "columns missing":
        del body["columns"]
        _rewrite(path, body=json.dumps(body).encode())
    elif damage == "columns not a record":
        body["columns"]["1"] = list(NOTE_COLUMNS)
        _rewrite(path, body=json.dumps(body).encode())
    # The header still names the files as they are (only "files of another time" says otherwise): every
    # damage above is caught by what the preview holds, not by a changed identity.
    assert library.preview(workshop_id) is None
    with library.open(workshop_id) as session:  # and the workshop itself is untouched
        assert len(session.workshop.live_notes()) == 5


def test_deleting_or_trashing_a_workshop_removes_its_preview(library: WorkshopLibrary) -> None:
    first = _workshop(library)
    second = _workshop(library)
    store = _store(library)
    library.purge(first)
    assert not preview_path(store.data_dir, first).exists()
    library.delete(second)
    assert not preview_path(store.data_dir, second).exists()
    library.restore_from_trash(second)
    assert library.preview(second) is None  # restored files: read in full, and previewed again at close
    with library.open(second):
        pass
    assert library.preview(second) is not None


def test_a_store_without_a_previewer_keeps_none(data_dir: Path) -> None:
    store = Store(data_dir)
    with WorkshopSession.create(store, "Plain", participants=["Ana"]) as session:
        workshop_id = session.workshop.id
    assert not preview_path(data_dir, workshop_id).exists()
    assert read_preview(data_dir, workshop_id, store.identities(workshop_id)) is None


def test_a_folder_that_cannot_be_written_only_costs_the_preview(library: WorkshopLibrary) -> None:
    workshop_id = _workshop(library)
    store = _store(library)
    path = preview_path(store.data_dir, workshop_id)
    path.unlink()
    index = path.parent
    os.chmod(index, 0o500)
    try:
        if os.access(index, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with library.open(workshop_id) as session:
            session.notes.add("saved all the same")
        assert not path.exists()
    finally:
        os.chmod(index, 0o700)
    with library.open(workshop_id) as session:
        assert "saved all the same" in [n.text for n in session.workshop.live_notes()]


def test_the_previewer_picks_only_the_current_stage_and_nothing_without_one() -> None:
    tables = {
        "info": {"1": {"workshop_id": "w", "title": "W", "current_stage_id": 2}},
        "stages": {"1": {"id": 1}, "2": {"id": 2}},
        "participants": {"1": {"id": 1, "name": "Ana"}},
        "notes": {
            "1": {"id": 1, "stage_id": 1, "deleted_at": None},
            "2": {"id": 2, "stage_id": 2, "deleted_at": None},
            "3": {"id": 3, "stage_id": 2, "deleted_at": 5.0},
        },
        "votes": {"1": {"id": 1}},
        "_meta": {"1": {"schema_version": 1, "journal_seq": 0}},
    }
    preview = preview_of_tables(tables)
    assert preview is not None
    assert set(preview) == {"info", "participants", "stages", "notes", "columns"}
    assert list(preview["notes"]) == ["2"]
    assert preview["notes"]["2"] == tables["notes"]["2"]  # not every field: kept as its document
    tables["info"]["1"]["current_stage_id"] = None
    assert preview_of_tables(tables) is None
    tables["info"]["1"]["current_stage_id"] = 7
    assert preview_of_tables(tables) is None


def test_notes_previewed_as_rows_or_documents_open_as_the_full_workshop_has_them(
    library: WorkshopLibrary,
) -> None:
    """Rows of values for notes holding every field (a mark among them), the document for one that does not (a
    field this version does not know, another one missing), and an older preview with documents only: each
    opens as the whole workshop reads it."""
    with library.create("Rows", participants=["Ana"]) as session:
        ana = session.workshop.active_participants()[0].id
        plain = session.notes.add("plain", author_id=ana)
        marked = session.notes.add("marked")
        session.notes.mark(marked.id, NoteMark.DECISION)
        odd = session.notes.add("odd")
        workshop_id = session.workshop.id
    store = _store(library)
    path = preview_path(store.data_dir, workshop_id)
    body = json.loads(path.read_bytes().split(b"\n", 1)[1])
    assert all(isinstance(row, list) for row in body["notes"].values())
    full = load_workshop(store, workshop_id)
    odd_doc = full.notes[odd.id].to_dict()
    del odd_doc["hidden"]  # missing: takes its default
    odd_doc["colour"] = "red"  # unknown to this version: ignored
    body["notes"][str(odd.id)] = odd_doc
    _rewrite(path, body=json.dumps(body).encode())
    session = opening_session(store, workshop_id)
    assert session is not None
    shown = session.workshop.notes
    assert shown == {n.id: n for n in full.live_notes()}
    assert shown[marked.id].mark is NoteMark.DECISION and shown[plain.id].author_id == ana
    # A preview written before rows (documents only, no columns table) still opens.
    body["notes"] = {str(n.id): n.to_dict() for n in full.live_notes()}
    del body["columns"]
    _rewrite(path, body=json.dumps(body).encode())
    older = opening_session(store, workshop_id)
    assert older is not None and older.workshop.notes == shown


NOTE_VALUES = [
    # (field, value, whether the stage screen can draw the note as the whole workshop has it)
    ("stage_id", 1, False),  # another stage's
    ("deleted_at", 5.0, False),
    ("text", 42, False),
    ("text", None, False),
    ("text", ["a"], False),
    ("author_id", "Ana", False),
    ("author_id", 1.5, False),
    ("author_id", None, True),  # anonymous
    ("position", True, False),
    ("position", "1", False),
    ("position", None, False),
    ("position", 7, True),
    ("position", 2.5, True),
    ("co_author_ids", [1, "2"], False),
    ("co_author_ids", [True], False),
    ("co_author_ids", [1.0], False),
    ("co_author_ids", {}, False),
    ("co_author_ids", None, False),
    ("co_author_ids", [], True),
    ("co_author_ids", [1, 2], True),
]


@pytest.mark.parametrize("form", ["row", "document"])
@pytest.mark.parametrize(("name", "value", "drawable"), NOTE_VALUES)
def test_a_previewed_note_is_used_only_when_the_stage_screen_can_draw_it(
    library: WorkshopLibrary, form: str, name: str, value: object, drawable: bool
) -> None:
    """Every note a preview holds is checked as it is read, a row of values as a document: one whose shown
    fields are not what the whole workshop's would be sends start-up to the full read; one that is, is used."""
    workshop_id = _workshop(library)
    store = _store(library)
    path = preview_path(store.data_dir, workshop_id)
    body = json.loads(path.read_bytes().split(b"\n", 1)[1])
    assert all(isinstance(row, list) for row in body["notes"].values())
    note_id = list(body["notes"])[-1]  # the newest: notes before it are read first
    if form == "document":
        body["notes"][note_id] = dict(zip(NOTE_COLUMNS, body["notes"][note_id], strict=True))
    _set_note(body, note_id, name, value)
    _rewrite(path, body=json.dumps(body).encode())
    session = opening_session(store, workshop_id)
    if not drawable:
        assert session is None and library.preview(workshop_id) is None
        return
    assert session is not None
    note = session.workshop.notes[int(note_id)]
    assert getattr(note, name) == value and type(getattr(note, name)) is type(value)
    assert len(session.workshop.notes) == 3


def _big_stage(library: WorkshopLibrary, notes: int) -> str:
    """Closed on its second stage of ``notes`` notes, the oldest of them reordered to the end (the newest in the
    stage's order is then not the one added last), and a deleted one; one note on the first stage."""
    with library.create("Big", participants=["Ana"]) as session:
        session.notes.add("first stage")
        session.agenda.next()
        added = [session.notes.add(f"note {i}") for i in range(notes)]
        session.notes.reorder(added[0].id, notes)  # to the end: the newest in the stage's display order
        session.notes.delete(added[1].id)
        return session.workshop.id


def test_a_big_stage_is_previewed_by_its_newest_notes_and_counts_the_rest(
    library: WorkshopLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview holds the newest ``PREVIEW_NOTES`` live notes in the stage's display order (position, then
    id), not the last added, and counts the earlier live ones; the opening session holds exactly those notes and
    says how many of the current stage it does not hold (0 for any other stage)."""
    monkeypatch.setattr(preview_module, "PREVIEW_NOTES", 10)
    workshop_id = _big_stage(library, 25)
    store = _store(library)
    tables = store.read_preview(workshop_id)
    assert tables is not None
    assert tables["columns"][1]["earlier"] == 24 - 10  # 25 notes, one deleted
    full = load_workshop(store, workshop_id)
    stage = full.current_stage_id
    assert stage is not None
    newest = full.stage_notes(stage)[-10:]
    assert newest[-1].text == "note 0"  # reordered to the end
    session = opening_session(store, workshop_id)
    assert session is not None
    assert session.workshop.stage_notes(stage) == newest
    assert session.unread_notes(stage) == 14
    assert session.unread_notes(stage - 1) == 0 and session.unread_notes(None) == 0
    with library.open(workshop_id) as whole:  # a whole workshop holds every note: nothing unread
        assert whole.unread_notes(stage) == 0


def test_a_stage_within_the_preview_keeps_every_note_and_an_older_preview_counts_none(
    library: WorkshopLibrary,
) -> None:
    workshop_id = _workshop(library)
    store = _store(library)
    path = preview_path(store.data_dir, workshop_id)
    body = json.loads(path.read_bytes().split(b"\n", 1)[1])
    assert body["columns"]["1"]["earlier"] == 0 and len(body["notes"]) == 3
    del body["columns"]["1"]["earlier"]  # as written before the preview held only the newest notes
    _rewrite(path, body=json.dumps(body).encode())
    session = opening_session(store, workshop_id)
    assert session is not None and len(session.workshop.notes) == 3
    assert session.unread_notes(session.workshop.current_stage_id) == 0


@pytest.mark.parametrize("earlier", [-1, True, 1.5, "3", None, [2]])
def test_a_preview_whose_count_of_earlier_notes_is_not_a_count_is_never_used(
    library: WorkshopLibrary, earlier: object
) -> None:
    workshop_id = _workshop(library)
    store = _store(library)
    path = preview_path(store.data_dir, workshop_id)
    body = json.loads(path.read_bytes().split(b"\n", 1)[1])
    body["columns"]["1"]["earlier"] = earlier
    _rewrite(path, body=json.dumps(body).encode())
    assert opening_session(store, workshop_id) is None


def test_a_position_that_is_not_a_number_keeps_every_note_in_the_preview(monkeypatch: pytest.MonkeyPatch) -> None:
    """The newest notes cannot be told apart: the preview keeps them all (and the opening refuses such a note, so
    start-up reads the workshop in full), never a preview that fails to be written."""
    monkeypatch.setattr(preview_module, "PREVIEW_NOTES", 2)
    notes = {str(i): {"id": i, "stage_id": 2, "deleted_at": None, "position": i} for i in range(1, 6)}
    notes["3"]["position"] = None
    tables = {
        "info": {"1": {"workshop_id": "w", "title": "W", "current_stage_id": 2}},
        "stages": {"2": {"id": 2}},
        "notes": notes,
    }
    preview = preview_of_tables(tables)
    assert preview is not None
    assert sorted(preview["notes"]) == ["1", "2", "3", "4", "5"]
    assert preview["columns"]["1"]["earlier"] == 0
    notes["3"]["position"] = 3
    preview = preview_of_tables(tables)
    assert preview is not None
    assert sorted(preview["notes"]) == ["4", "5"] and preview["columns"]["1"]["earlier"] == 3
