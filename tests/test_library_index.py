"""The library index: one small summary per workshop, tied to the workshop's files, so listing reads one small
file; a missing, damaged or stale summary falls back to reading the workshop. And ``workshop list --search``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from facilitation.clock import FakeClock
from workshop import records
from workshop.cli import main
from workshop.session import WorkshopLibrary, WorkshopSession, list_workshops, load_workshop, summarise
from workshop.session.listing import summary, summary_of_tables
from workshop.store import Store
from workshop.store.index import Entry, LibraryIndex


@pytest.fixture
def library(data_dir: Path, clock: FakeClock) -> WorkshopLibrary:
    return WorkshopLibrary(Store(data_dir), clock=clock)


def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record which workshops listing reads in full."""
    seen: list[str] = []
    real = Store.read_raw

    def spy(self: Store, workshop_id: str) -> Any:
        seen.append(workshop_id)
        return real(self, workshop_id)

    monkeypatch.setattr(Store, "read_raw", spy)
    return seen


def test_the_summary_from_tables_is_the_summary_of_the_workshop(library: WorkshopLibrary) -> None:
    with library.demo() as session:
        session.notes.delete(session.workshop.live_notes()[0].id)
        workshop_id = session.workshop.id
    store = library._store
    raw, _seq = store.read_raw(workshop_id)
    expected = summarise(load_workshop(store, workshop_id))
    assert summary(workshop_id, summary_of_tables(raw)) == expected
    assert summary(workshop_id, summary_of_tables(store.read_tables(workshop_id))) == expected
    bare = {"info": {1: {"workshop_id": "w"}}, "participants": {1: {"id": 1, "name": "x", "active": False}}}
    assert summary("w", summary_of_tables(bare)) == summarise(
        records.workshop_from_tables(bare, fallback_id="w")
    )


def test_listing_reads_the_index_not_the_workshops(
    library: WorkshopLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = []
    for n in range(3):
        with library.create(f"Workshop {n}", organisation="Northwind") as session:
            session.notes.add("an idea")
            ids.append(session.workshop.id)
    seen = reads(monkeypatch)
    listed = library.list()
    assert seen == [] and {s.id for s in listed} == set(ids)
    assert all(s.notes == 1 and s.organisation == "Northwind" for s in listed)
    entries = LibraryIndex(library.data_dir).entries()
    assert set(entries) == set(ids)
    assert json.loads((library.data_dir / "index" / "library.json").read_text())["workshops"]  # TinyDB layout


def test_a_stale_summary_is_never_shown_and_is_refreshed(
    library: WorkshopLibrary, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with library.create("Offsite") as session:
        workshop_id = session.workshop.id
    session = library.open(workshop_id)
    session.notes.add("typed before a crash")  # the journal grows; nobody closes (the app was killed)
    seen = reads(monkeypatch)
    [listed] = library.list()
    assert listed.notes == 1 and seen == [workshop_id]
    [listed] = library.list()
    assert listed.notes == 1 and seen == [workshop_id]  # refreshed: the second listing reads the index only
    session.notes.add("and another")
    assert library.list()[0].notes == 2 and seen == [workshop_id, workshop_id]
    session.close()
    assert library.list()[0].notes == 2 and len(seen) == 2  # close left a fresh summary


def test_the_workshop_open_in_this_process_is_listed_from_memory_as_it_is_now(
    library: WorkshopLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's own session is summarised from memory: never its journal replayed, whatever changed since the
    last checkpoint, and the figures are those of the files (read afterwards) and of every change so far."""
    with library.create("Offsite", organisation="Northwind") as other:
        other_id = other.workshop.id
    with library.create("Kick-off") as session:
        workshop_id = session.workshop.id
    session = library.open(workshop_id)
    seen = reads(monkeypatch)
    for step in range(4):
        if step == 0:
            session.notes.add("an idea")
        elif step == 1:
            session.notes.add("another idea")
            session.notes.delete(session.workshop.live_notes()[0].id)
        elif step == 2:
            session.agenda.go_to(session.workshop.agenda()[1].id)
        else:
            session.participants.add("Ana")
        listed = {s.id: s for s in library.list(live=session)}
        assert seen == [] and listed[workshop_id] == summarise(session.workshop)
        assert listed[other_id].organisation == "Northwind"
        assert [s.id for s in library.list("kick", live=session)] == [workshop_id]
        assert library.list(live=session) == library.list()  # the files say the same (read in full: stale)
        seen.clear()
    session.close()


def test_a_read_only_or_opening_session_is_not_listed_from_memory(
    library: WorkshopLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    with library.create("Offsite") as session:
        workshop_id = session.workshop.id
    writer = library.open(workshop_id)
    writer.notes.add("typed in the other window")
    reader = library.open(workshop_id)  # another window holds it: read-only, its memory may be behind
    assert reader.read_only
    seen = reads(monkeypatch)
    assert library.list(live=reader)[0].notes == 1 and seen == [workshop_id]
    reader.close()
    writer.close()


def test_a_checkpoint_writes_the_summary_tied_to_its_sequence_number(
    library: WorkshopLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    with library.create("Offsite") as session:
        workshop_id = session.workshop.id
    index = LibraryIndex(library.data_dir)
    session = library.open(workshop_id)
    for i in range(3):
        session.notes.add(f"idea {i}")
    assert session.checkpoint()
    entry = index.entries()[workshop_id]
    snapshot = json.loads((library.data_dir / f"{workshop_id}.json").read_text())
    assert entry.seq == snapshot["_meta"]["1"]["journal_seq"] and entry.summary["notes"] == 3
    seen = reads(monkeypatch)
    assert library.list()[0].notes == 3 and seen == []
    session.close()


@pytest.mark.parametrize("damage", ["missing", "garbage", "wrong shape", "a link"])
def test_a_missing_or_damaged_index_only_costs_reading_the_workshops(
    library: WorkshopLibrary, tmp_path: Path, damage: str
) -> None:
    with library.create("Offsite", organisation="Northwind") as session:
        session.notes.add("an idea")
    index_file = library.data_dir / "index" / "library.json"
    if damage == "missing":
        shutil.rmtree(index_file.parent)
    elif damage == "garbage":
        index_file.write_bytes(b"\x00{not json")
    elif damage == "wrong shape":
        index_file.write_text('{"workshops": {"1": {"id": 5, "files": "x"}}, "other": []}')
    else:
        elsewhere = tmp_path / "elsewhere.json"
        elsewhere.write_text("{}")
        index_file.unlink()
        index_file.symlink_to(elsewhere)
    [listed] = library.list()
    assert listed.title == "Offsite" and listed.notes == 1 and not listed.error
    assert LibraryIndex(library.data_dir).entries().keys() == {listed.id}  # rewritten
    if damage == "a link":
        assert (tmp_path / "elsewhere.json").read_text() == "{}" and not index_file.is_symlink()


def test_an_older_summary_never_replaces_a_newer_one(data_dir: Path) -> None:
    index = LibraryIndex(data_dir)
    index.put([Entry("w", 5, [None, None], {"notes": 5})])
    index.put([Entry("w", 3, [None, None], {"notes": 3})])
    assert index.entries()["w"].summary == {"notes": 5}
    index.put([Entry("w", 6, [None, None], {"notes": 6}), Entry("v", 1, [None, None], {})])
    assert index.entries()["w"].summary == {"notes": 6} and set(index.entries()) == {"w", "v"}


def test_deleting_a_workshop_removes_it_from_the_list_and_purging_from_the_index(
    library: WorkshopLibrary,
) -> None:
    ids = []
    for title in ("Offsite", "Review"):
        with library.create(title) as session:
            ids.append(session.workshop.id)
    assert set(ids) <= LibraryIndex(library.data_dir).entries().keys()
    library.delete(ids[0])  # to the trash: not listed, whatever the index says
    assert [s.id for s in library.list()] == [ids[1]]
    library._store.delete(ids[1])  # deleted for good: its summary goes too
    assert ids[1] not in LibraryIndex(library.data_dir).entries()
    assert library.list() == []


def test_a_damaged_workshop_is_listed_with_its_error_however_old_its_summary(
    library: WorkshopLibrary,
) -> None:
    with library.create("Offsite") as session:
        workshop_id = session.workshop.id
    (library.data_dir / f"{workshop_id}.json").write_bytes(b"garbage")
    [listed] = library.list()
    assert listed.error and "damaged" in listed.error


# --- search ----------------------------------------------------------------------------------------------


def test_search_matches_every_word_ignoring_case_and_accents(library: WorkshopLibrary) -> None:
    for title, organisation, facilitator in [
        ("Strategy offsite", "Northwind", "Maya"),
        ("Café community launch", "Nörd GmbH", "Björn"),
        ("Quarterly review", "Contoso", ""),
    ]:
        library.create(title, organisation=organisation, facilitator=facilitator).close()
    titles = lambda search: sorted(s.title for s in library.list(search))  # noqa: E731
    assert titles("offsite") == ["Strategy offsite"]
    assert titles("north OFF") == ["Strategy offsite"]
    assert titles("cafe nord") == ["Café community launch"]
    assert titles("bjorn") == ["Café community launch"]
    assert titles("maya contoso") == []
    assert titles("") == sorted(["Strategy offsite", "Café community launch", "Quarterly review"])
    assert titles("not started") == []  # every workshop is on its first stage, which has a title


def test_workshop_list_search_on_the_command_line(
    library: WorkshopLibrary, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library.create("Strategy offsite", organisation="Northwind").close()
    library.create("Quarterly review", organisation="Contoso").close()

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        try:
            main(["--data-dir", str(data_dir), *args])
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        return code, capsys.readouterr().out

    code, out = run("list", "--search", "northwind")
    assert code == 0 and "Strategy offsite" in out and "Quarterly review" not in out
    code, out = run("list", "--search", "northwind", "--json")
    assert code == 0 and [s["title"] for s in json.loads(out)] == ["Strategy offsite"]
    code, out = run("list", "--search", "nothing like it")
    assert code == 0 and "No workshop in" in out and "matches “nothing like it”" in out


def test_listing_500_workshops_reads_none_of_them(
    data_dir: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shape of the benchmark, without the clock: 500 workshops, listed from the index alone."""
    store = Store(data_dir)
    library = WorkshopLibrary(store, clock=clock)
    for n in range(499):
        WorkshopSession.create(store, f"Workshop {n}").close()
    WorkshopSession.create(store, "Needle in the haystack").close()
    seen = reads(monkeypatch)
    assert len(list_workshops(store)) == 500 and seen == []
    assert [s.title for s in library.list("haystack needle")] == ["Needle in the haystack"] and seen == []
