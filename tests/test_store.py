"""Tests of the workshop store on real files: round trips, journal replay, checkpoints and backups, damage,
locking, schema versions, failing disks, and the file plain TinyDB reads."""

from __future__ import annotations

import datetime
import errno
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from tinydb import Query, TinyDB

from workshop import paths
from workshop.store import (
    SCHEMA_VERSION,
    DamagedFileError,
    DataDirError,
    InvalidTextError,
    NewerSchemaError,
    Op,
    ReadOnlyError,
    Store,
    StoreError,
    StoreWriteError,
    WorkshopExistsError,
    WorkshopFile,
    WorkshopNotFoundError,
    read_tables,
    restore_backup,
    schema,
)
from workshop.store import file as store_file

# --- helpers ---------------------------------------------------------------------------------------------


def note(n: int, text: str = "", **extra: Any) -> dict[str, Any]:
    return {"id": n, "stage_id": 1, "text": text or f"note {n}", **extra}


def put_note(n: int, text: str = "", **extra: Any) -> Op:
    return Op.put("notes", n, note(n, text, **extra))


def files(folder: Path) -> dict[str, bytes]:
    """Every file in the folder with its bytes, to prove that something left the disk untouched."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def write_raw(path: Path, data: Any, *, seq: int = 0, version: int = 1) -> None:
    tables = dict(data)
    tables["_meta"] = {"1": {"schema_version": version, "journal_seq": seq}}
    path.write_text(json.dumps(tables), encoding="utf-8")


def journal_line(seq: int, *ops: Op) -> bytes:
    return json.dumps({"seq": seq, "ops": [op.to_json() for op in ops]}).encode() + b"\n"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path)


HOLDER = """
import sys
from workshop.store import Op, WorkshopFile
wf = WorkshopFile.open(sys.argv[1], mode="write")
wf.commit([Op.put("notes", 99, {"id": 99, "text": "from the other window"})])
print("ready", flush=True)
sys.stdin.read()
wf.close()
"""


@contextmanager
def held_elsewhere(path: Path) -> Iterator[int]:
    """Another process holds the workshop open for writing, as a second window of the app would."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield proc.pid
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        assert proc.wait(timeout=20) == 0


@contextmanager
def failing_writes(
    monkeypatch: pytest.MonkeyPatch, code: int = errno.ENOSPC, let_through: int = 0
) -> Iterator[None]:
    """Make ``os.write`` fail like a full disk, optionally after writing ``let_through`` bytes (a partial write)."""
    real_write = os.write
    budget = [let_through]

    def fake_write(fd: int, data: Any) -> int:
        if budget[0] > 0:
            chunk = bytes(data[: budget[0]])
            budget[0] -= len(chunk)
            return real_write(fd, chunk)
        raise OSError(code, os.strerror(code))

    with monkeypatch.context() as m:
        m.setattr(os, "write", fake_write)
        yield


# --- round trips -----------------------------------------------------------------------------------------


def test_create_commit_reopen_round_trip(store: Store, tmp_path: Path) -> None:
    with store.create("acme") as wf:
        assert not wf.read_only and wf.read_only_reason is None
        assert wf.workshop_id == "acme" and wf.path == tmp_path / "acme.json"
        wf.commit([Op.put("info", 1, {"id": 1, "title": "Offsite"}), put_note(1), put_note(2, "two")])
        wf.commit([Op.delete("notes", 1), Op.put("votes", 7, {"id": 7, "note_id": 2})])
        assert wf.tables() == {
            "info": {1: {"id": 1, "title": "Offsite"}},
            "notes": {2: note(2, "two")},
            "votes": {7: {"id": 7, "note_id": 2}},
        }
        assert wf.table("missing") == {}
    assert (tmp_path / "acme.journal").read_bytes().count(b"\n") == 2  # close leaves the journal as it is
    with store.open("acme") as wf:
        assert wf.table("notes") == {2: note(2, "two")}
        assert sorted(wf.tables()) == ["info", "notes", "votes"]
        assert wf.checkpoint()
    on_disk = json.loads((tmp_path / "acme.json").read_text(encoding="utf-8"))
    assert on_disk["notes"] == {"2": note(2, "two")}
    assert on_disk["_meta"]["1"] == {"schema_version": SCHEMA_VERSION, "journal_seq": 2}
    assert (tmp_path / "acme.journal").read_bytes() == b""


def test_commit_accepts_any_iterable_and_string_ids_in_docs(store: Store) -> None:
    with store.create("w") as wf:
        wf.commit(put_note(n) for n in (1, 2))  # type: ignore[arg-type]
        wf.commit([Op.put("info", 1, {"id": "w", "title": "The workshop's own id is a str"})])
        wf.commit([])
        assert sorted(wf.table("notes")) == [1, 2] and wf.table("info")[1]["id"] == "w"


def test_commit_copies_documents_and_converts_tuples(store: Store) -> None:
    doc = {"id": 1, "text": "a", "merged_from": (3, 4), "data": {"pair": (1, (2, 3))}}
    with store.create("w") as wf:
        wf.commit([Op.put("notes", 1, doc)])
        doc["text"] = "changed by the caller later"
        assert wf.table("notes")[1] == {
            "id": 1,
            "text": "a",
            "merged_from": [3, 4],
            "data": {"pair": [1, [2, 3]]},
        }
    assert store.read_tables("w")["notes"][1]["merged_from"] == [3, 4]


def test_journal_replay_after_a_crash(store: Store, tmp_path: Path) -> None:
    """Copying the files while the writer is open is what a crash leaves: snapshot + journal."""
    wf = store.create("acme")
    wf.commit([put_note(1)])
    wf.commit([put_note(2), Op.put("info", 1, {"id": 1, "title": "T"})])
    wf.commit([Op.delete("notes", 1)])
    lines = (tmp_path / "acme.journal").read_bytes().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3]
    assert json.loads(lines[2]) == {"seq": 3, "ops": [{"op": "delete", "table": "notes", "id": 1}]}
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for name in ("acme.json", "acme.journal"):
        shutil.copy(tmp_path / name, crashed / name)
    wf.close()
    assert read_tables(crashed / "acme.json") == {"notes": {2: note(2)}, "info": {1: {"id": 1, "title": "T"}}}
    journal = (crashed / "acme.journal").read_bytes()
    with WorkshopFile.open(crashed / "acme.json") as copy:
        assert copy.table("notes") == {2: note(2)}
        assert (
            crashed / "acme.journal"
        ).read_bytes() == journal  # replayed in memory; opening never writes it
        assert copy.dirty and copy.backups() == []
        copy.commit([put_note(3)])  # sequence numbers continue after the replayed ones
        assert json.loads((crashed / "acme.journal").read_bytes().splitlines()[-1])["seq"] == 4
        assert copy.checkpoint()
        assert (crashed / "acme.journal").read_bytes() == b""
        assert copy.backups() == [crashed / "acme.json.bak1"]


def test_journal_lines_already_in_the_snapshot_are_skipped(tmp_path: Path) -> None:
    """A crash between the snapshot's rename and the journal's truncation leaves old lines behind."""
    path = tmp_path / "w.json"
    write_raw(path, {"notes": {"1": note(1, "v2")}}, seq=2)
    (tmp_path / "w.journal").write_bytes(
        journal_line(1, put_note(1, "v1")) + journal_line(2, put_note(1, "v2")) + journal_line(3, put_note(5))
    )
    assert read_tables(path)["notes"] == {1: note(1, "v2"), 5: note(5)}


# --- checkpoints and backups -----------------------------------------------------------------------------


def test_checkpoint_rotates_at_most_five_backups(store: Store, tmp_path: Path) -> None:
    wf = store.create("acme")
    for n in range(1, 9):
        wf.commit([put_note(n)])
        wf.checkpoint()
    backups = wf.backups()
    assert [p.name for p in backups] == [f"acme.json.bak{i}" for i in range(1, 6)]
    seqs = [json.loads(p.read_text(encoding="utf-8"))["_meta"]["1"]["journal_seq"] for p in backups]
    assert seqs == [7, 6, 5, 4, 3]  # newest first; each is the snapshot before the next checkpoint
    assert set(json.loads(backups[0].read_text(encoding="utf-8"))["notes"]) == {str(n) for n in range(1, 8)}
    assert not (tmp_path / "acme.json.bak6").exists()
    wf.checkpoint()  # nothing changed: no new snapshot, no rotation
    assert [
        json.loads(p.read_text(encoding="utf-8"))["_meta"]["1"]["journal_seq"] for p in wf.backups()
    ] == seqs
    wf.close()
    assert store.backups("acme") == backups


def test_backup_falls_back_to_a_copy_without_hard_links(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(src: Any, dst: Any, **_: Any) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    wf = store.create("w")
    before = (tmp_path / "w.json").read_bytes()
    monkeypatch.setattr(os, "link", no_links)
    wf.commit([put_note(1)])
    wf.checkpoint()
    assert (tmp_path / "w.json.bak1").read_bytes() == before
    wf.close()


def test_commit_never_checkpoints_however_many_changes(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key path only appends to the journal: a checkpoint is due, never run, past the thresholds."""
    monkeypatch.setattr(WorkshopFile, "CHECKPOINT_ENTRIES", 3)
    monkeypatch.setattr(WorkshopFile, "CHECKPOINT_BYTES", 10_000)
    wf = store.create("w")
    snapshot = (tmp_path / "w.json").read_bytes()
    inode = (tmp_path / "w.json").stat().st_ino
    saved: list[int] = []
    real_save = WorkshopFile._save_snapshot

    def spy(self: WorkshopFile, *args: Any) -> None:
        saved.append(args[1])
        real_save(self, *args)

    monkeypatch.setattr(WorkshopFile, "_save_snapshot", spy)
    wf.commit([put_note(1)])
    wf.commit([put_note(2)])
    assert not wf.checkpoint_due and wf.checkpoint(only_if_due=True) is False
    for n in range(3, 60):
        wf.commit([put_note(n, "x" * (30_000 if n == 40 else 10))])
        assert wf.checkpoint_due is (n >= 3)
    assert saved == [] and wf.backups() == []
    assert (tmp_path / "w.json").read_bytes() == snapshot and (tmp_path / "w.json").stat().st_ino == inode
    assert (tmp_path / "w.journal").read_bytes().count(b"\n") == 59
    assert wf.checkpoint(only_if_due=True) is True and saved == [59]
    assert not wf.dirty and not wf.checkpoint_due and (tmp_path / "w.journal").stat().st_size == 0
    assert wf.checkpoint() is False  # nothing changed since
    wf.commit([put_note(60, "y" * 20_000)])
    assert wf.checkpoint_due  # by size, after a single commit
    wf.close()
    assert saved == [59]  # closing does not checkpoint either
    assert len(store.read_tables("w")["notes"]) == 60


def test_failed_checkpoint_loses_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wf = store.create("w")
    real_write_temp = store_file.write_temp

    def full_disk(prefix: Path, data: bytes, **kwargs: Any) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_file, "write_temp", full_disk)
    wf.commit([put_note(1)])
    with pytest.raises(StoreWriteError, match="No space left on device"):
        wf.checkpoint()
    assert wf.dirty
    wf.commit([put_note(2)])  # the journal still takes changes
    wf.close()
    assert read_tables(tmp_path / "w.json")["notes"] == {1: note(1), 2: note(2)}
    monkeypatch.setattr(store_file, "write_temp", real_write_temp)
    with store.open("w") as wf:
        assert wf.table("notes") == {1: note(1), 2: note(2)}
        assert wf.checkpoint() and not wf.dirty


def test_commits_made_while_a_checkpoint_writes_stay_in_the_journal(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkpoint in a worker: commits land while the snapshot is written, and are neither lost nor folded
    into a snapshot that does not hold them (the journal is kept whole; replay skips what the snapshot holds)."""
    wf = store.create("w")
    for n in range(1, 4):
        wf.commit([put_note(n)])
    real_write_temp = store_file.write_temp

    def commit_meanwhile(prefix: Path, data: bytes, **kwargs: Any) -> Path:
        if prefix.name.endswith(".tmp-"):  # the snapshot, not the new journal
            wf.commit([put_note(10)])  # from this thread: the mutex is not held while the snapshot is written
            wf.commit([Op.delete("notes", 1)])
        return real_write_temp(prefix, data, **kwargs)

    monkeypatch.setattr(store_file, "write_temp", commit_meanwhile)
    assert wf.checkpoint()
    monkeypatch.undo()
    on_disk = json.loads((tmp_path / "w.json").read_bytes())
    assert set(on_disk["notes"]) == {"1", "2", "3"} and on_disk["_meta"]["1"]["journal_seq"] == 3
    lines = [json.loads(line) for line in (tmp_path / "w.journal").read_bytes().splitlines()]
    assert [line["seq"] for line in lines] == [1, 2, 3, 4, 5]
    assert wf.dirty and wf.table("notes").keys() == {2, 3, 10}
    wf.commit([put_note(11)])
    assert read_tables(tmp_path / "w.json")["notes"].keys() == {2, 3, 10, 11}
    assert wf.checkpoint()  # nothing committed meanwhile this time: the journal is emptied
    assert (tmp_path / "w.journal").read_bytes() == b"" and not wf.dirty
    wf.commit([put_note(12)])
    wf.close()
    with store.open("w") as again:
        assert again.table("notes").keys() == {2, 3, 10, 11, 12}


def test_a_write_never_waits_for_the_checkpoint_emptying_the_journal(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Emptying the journal (an ``ftruncate``, which can wait for the file system) holds the journal's write lock,
    not the commit mutex: a key handler's ``write`` queues its line meanwhile, and the next ``sync`` writes it into
    the emptied journal, where it is durable and read back on the next open."""
    import threading

    from workshop.store.journal import JournalWriter

    wf = store.create("w")
    for n in range(1, 4):
        wf.commit([put_note(n)])
    truncating = threading.Event()
    release = threading.Event()
    real_drop = JournalWriter.drop_before

    def slow_drop(self: JournalWriter, offset: int) -> bool:
        truncating.set()
        assert release.wait(timeout=60)
        return real_drop(self, offset)

    monkeypatch.setattr(JournalWriter, "drop_before", slow_drop)
    results: list[bool] = []
    worker = threading.Thread(target=lambda: results.append(wf.checkpoint()))
    worker.start()
    try:
        assert truncating.wait(timeout=60)
        # Returns while the journal is being emptied (with the mutex held there, this line would never return).
        assert wf.write([put_note(4)]) == 4
        assert wf.written_seq == 4 and wf.durable_seq == 3
    finally:
        release.set()
        worker.join(timeout=60)
    assert results == [True]
    assert (tmp_path / "w.journal").read_bytes() == b""  # emptied: the queued line is not in it yet
    assert wf.sync() == 4
    lines = [json.loads(line) for line in (tmp_path / "w.journal").read_bytes().splitlines()]
    assert [line["seq"] for line in lines] == [4]
    assert wf.table("notes").keys() == {1, 2, 3, 4}
    shutil.copy2(tmp_path / "w.json", tmp_path / "copy.json")  # what a crash would leave: snapshot + journal
    shutil.copy2(tmp_path / "w.journal", tmp_path / "copy.journal")
    wf.close()
    assert read_tables(tmp_path / "copy.json")["notes"].keys() == {1, 2, 3, 4}


def test_the_journal_is_kept_while_a_line_written_to_it_waits_for_its_fdatasync(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line already in the journal but not yet durable (its ``fdatasync`` running in the sync thread) keeps the
    journal whole at the checkpoint's end: its place counts from the journal's end, and emptying the file under it
    would lose it."""
    import threading

    from workshop.store.journal import JournalWriter

    wf = store.create("w")
    for n in range(1, 4):
        wf.commit([put_note(n)])
    syncing = threading.Event()
    release = threading.Event()
    real_sync_data = JournalWriter.sync_data

    def slow_sync_data(self: JournalWriter) -> None:
        syncing.set()
        assert release.wait(timeout=60)
        real_sync_data(self)

    real_write_temp = store_file.write_temp
    synced: list[int] = []
    sync_thread = threading.Thread(target=lambda: synced.append(wf.sync()))

    def write_meanwhile(prefix: Path, data: Any, **kwargs: Any) -> Path:
        if prefix.name.endswith(".tmp-") and not sync_thread.is_alive() and not synced:
            wf.write([put_note(4)])
            monkeypatch.setattr(JournalWriter, "sync_data", slow_sync_data)
            sync_thread.start()  # writes the line, then waits in its fdatasync
            assert syncing.wait(timeout=60)
        return real_write_temp(prefix, data, **kwargs)

    monkeypatch.setattr(store_file, "write_temp", write_meanwhile)
    try:
        assert wf.checkpoint()
    finally:
        release.set()
        sync_thread.join(timeout=60)
    monkeypatch.undo()
    assert synced == [4]
    lines = [json.loads(line) for line in (tmp_path / "w.journal").read_bytes().splitlines()]
    assert [line["seq"] for line in lines] == [1, 2, 3, 4]
    wf.close()
    with store.open("w") as again:
        assert again.table("notes").keys() == {1, 2, 3, 4}


def test_close_stops_a_checkpoint_that_is_still_encoding(store: Store, tmp_path: Path) -> None:
    """Closing never waits for a whole snapshot: one still being encoded is abandoned, nothing half-written."""
    import threading

    wf = store.create("w")
    for n in range(1, 30):
        wf.commit([put_note(n)])
    snapshot = (tmp_path / "w.json").read_bytes()
    encoding = threading.Event()
    release = threading.Event()
    real_stop = wf._stop_requested

    def slow_stop() -> bool:
        encoding.set()
        release.wait(timeout=60)
        return real_stop()

    wf._stop_requested = slow_stop  # type: ignore[method-assign]
    wf.ENCODE_CHUNK = 5  # type: ignore[misc]
    results: list[bool] = []
    worker = threading.Thread(target=lambda: results.append(wf.checkpoint()))
    worker.start()
    assert encoding.wait(timeout=60)
    closer = threading.Thread(target=wf.close)
    closer.start()
    while not wf._closing:
        pass
    release.set()
    worker.join(timeout=60)
    closer.join(timeout=60)
    assert results == [False] and wf.closed
    assert (tmp_path / "w.json").read_bytes() == snapshot
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
    assert len(store.read_tables("w")["notes"]) == 29


# --- damage ----------------------------------------------------------------------------------------------


def test_torn_last_journal_line_is_dropped(store: Store, tmp_path: Path) -> None:
    store.create("w").close()
    path = tmp_path / "w.json"
    good = journal_line(1, put_note(1)) + journal_line(2, put_note(2))
    torn = journal_line(3, put_note(3))[:-9]
    (tmp_path / "w.journal").write_bytes(good + torn)
    assert read_tables(path)["notes"] == {1: note(1), 2: note(2)}
    assert (tmp_path / "w.journal").read_bytes() == good + torn  # reading never repairs
    with WorkshopFile.open(path, mode="read") as ro:
        assert ro.table("notes") == {1: note(1), 2: note(2)}
    assert (tmp_path / "w.journal").read_bytes() == good + torn
    with WorkshopFile.open(path) as wf:
        assert wf.table("notes") == {1: note(1), 2: note(2)}
        assert (tmp_path / "w.journal").read_bytes() == good  # the writer cut the torn tail off
        wf.commit([put_note(3, "again")])
    assert read_tables(path)["notes"][3] == note(3, "again")


@pytest.mark.parametrize(
    "tail",
    [
        b"{not json}",
        b"\x00\x00\x00\x00",
        b'{"seq": 3, "ops": [{"op": "put"}]}',
        b'{"seq": 3, "ops": [',
        b"\xff",
    ],
)
def test_a_last_line_without_its_newline_is_dropped(tmp_path: Path, tail: bytes) -> None:
    """A crash mid-append leaves the last line without its newline: it was never acknowledged, so it goes."""
    path = tmp_path / "w.json"
    write_raw(path, {})
    (tmp_path / "w.journal").write_bytes(journal_line(1, put_note(1)) + tail)
    assert read_tables(path) == {"notes": {1: note(1)}}


@pytest.mark.parametrize(
    "last",
    [
        b"{not json}\n",
        b"\x00\x00\x00\x00\n",
        b'{"seq": 3, "ops": [{"op": "put"}]}\n',
        b'{"seq": 3, "ops": [{"op": "put", "table": "_meta", "id": 1, "doc": {}}]}\n',
        b'{"seq": 3, "ops": [{"op": "put", "table": "notes", "id": 1, "doc": {"x": 1e999}}]}\n',
        b'{"seq": 0, "ops": []}\n',
        b"\n",
        b"\xff\n",
        b'{"seq": 3, "ops": []},{"seq": 4, "ops": []}\n',
        b'{"seq": 3, "ops": [{"op": "put", "table": "notes", "id": 1, "doc": {"id": 2}}]}\n',
    ],
)
def test_a_complete_but_invalid_last_line_is_damage_with_backups_offered(
    store: Store, tmp_path: Path, last: bytes
) -> None:
    """Only a crash can cut a line short, and it cannot add the newline: a whole line that cannot be read was
    harmed after it was acknowledged, so the workshop is reported damaged (as a damaged snapshot is)."""
    wf = store.create("w")
    wf.commit([put_note(1)])
    wf.checkpoint()  # a backup exists to be offered
    wf.close()
    path = tmp_path / "w.json"
    (tmp_path / "w.journal").write_bytes(journal_line(2, put_note(2)) + last)
    before = files(tmp_path)
    for attempt in (
        lambda: store.open("w"),
        lambda: store.open("w", mode="read"),
        lambda: store.read_tables("w"),
        lambda: read_tables(path),
    ):
        with pytest.raises(DamagedFileError) as caught:
            attempt()
        assert "w.journal" in str(caught.value) and "line 2 of 2" in str(caught.value)
        assert caught.value.backups == [tmp_path / "w.json.bak1"]
        assert "you can restore one" in str(caught.value)
    after = files(tmp_path)
    assert {k: v for k, v in after.items() if k != ".w.lock"} == {
        k: v for k, v in before.items() if k != ".w.lock"
    }


def test_replay_holds_one_line_of_text_at_a_time(tmp_path: Path) -> None:
    """Replaying a journal keeps the bytes read and the entries parsed, and at any moment the text of one line
    only: one string of the whole journal costs four bytes a character as soon as one note holds an emoji."""
    import tracemalloc

    from workshop.store.journal import parse_journal
    from workshop.store.ops import encode_entry

    data = b"".join(
        encode_entry(n, [put_note(n, f"note {n} 🎉 café " * 20), Op.put("events", n, {"id": n, "data": {"n": n}})])
        for n in range(1, 1001)
    )
    tracemalloc.start()
    try:
        contents = parse_journal(data)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(contents.entries) == 1000 and contents.valid_length == len(data)
    assert contents.entries[-1][1][0].doc == note(1000, "note 1000 🎉 café " * 20)
    assert peak - kept < len(data) // 4, f"{peak - kept} bytes held at once beyond the entries ({len(data)} read)"


def test_damaged_middle_journal_line_refuses_to_open(store: Store, tmp_path: Path) -> None:
    store.create("w").close()
    (tmp_path / "w.journal").write_bytes(
        journal_line(1, put_note(1)) + b'{"seq": 2, "ops": [garbage\n' + journal_line(3, put_note(3))
    )
    before = files(tmp_path)
    for attempt in (
        lambda: store.open("w"),
        lambda: store.open("w", mode="read"),
        lambda: store.read_tables("w"),
    ):
        with pytest.raises(DamagedFileError) as caught:
            attempt()
        assert "w.journal" in str(caught.value) and "line 2 of 3" in str(caught.value)
        assert "left untouched" in str(caught.value)
    after = files(tmp_path)
    after.pop(".w.lock", None)
    before.pop(".w.lock", None)
    assert after == before


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (b"this is not json", "not valid JSON"),
        (b"", "not valid JSON"),
        (b'{"_meta": {"1": {"schema_version": 1, "journal_seq": 0}}} trailing', "not valid JSON"),
        (b"\xff\xfe{}", "not valid JSON"),
        (
            b'{"n": {"1": {"x": NaN}}, "_meta": {"1": {"schema_version": 1, "journal_seq": 0}}}',
            "not valid JSON",
        ),
        (b"[1, 2, 3]", "does not hold a set of tables"),
        (b'{"notes": [1, 2]}', "table 'notes' is not a set of records"),
        (b'{"notes": {"one": {}}}', "record id 'one'"),
        (b'{"notes": {"01": {}}}', "record id '01'"),
        (b'{"notes": {"1": "text"}}', "is not an object"),
        (b'{"notes": {}}', "no _meta record"),
        (b'{"_meta": {"1": {"schema_version": "1", "journal_seq": 0}}}', "_meta record is invalid"),
        (b'{"_meta": {"1": {"schema_version": 1, "journal_seq": -1}}}', "_meta record is invalid"),
    ],
)
def test_damaged_main_file_is_named_and_left_untouched(
    store: Store, tmp_path: Path, content: bytes, detail: str
) -> None:
    with store.create("w") as wf:  # so there is a journal and a backup, as in real life
        wf.commit([put_note(1)])
        wf.checkpoint()
        wf.commit([put_note(2)])
    (tmp_path / "w.json").write_bytes(content)
    (tmp_path / ".w.json.tmp-999999").write_bytes(b"left by a crash")
    before = files(tmp_path)
    with pytest.raises(DamagedFileError) as caught:
        store.open("w")
    message = str(caught.value)
    assert str(tmp_path / "w.json") in message and detail in message
    assert "left untouched" in message and "1 backup exists" in message
    assert caught.value.path == tmp_path / "w.json" and caught.value.backups == [tmp_path / "w.json.bak1"]
    assert isinstance(caught.value, StoreError) and caught.value.message == message
    with pytest.raises(DamagedFileError):
        store.read_tables("w")
    assert files(tmp_path) == before  # no repair, no checkpoint, no backup rotation, no cleanup


def test_restore_backup_sets_damage_aside(store: Store, tmp_path: Path) -> None:
    with store.create("w") as wf:
        wf.commit([put_note(1)])
        wf.checkpoint()
        wf.commit([put_note(2)])
        wf.checkpoint()
        wf.commit([put_note(3)])
        wf.checkpoint()
        wf.commit([put_note(4)])  # only in the journal
    # bak1 = notes 1-2, bak2 = note 1
    (tmp_path / "w.json").write_bytes(b"\x00\x00garbage")
    (tmp_path / "w.journal").write_bytes(journal_line(9, put_note(9)))
    with pytest.raises(DamagedFileError) as caught:
        store.open("w")
    assert "3 backups exist" in str(caught.value)
    bak1 = caught.value.backups[0]
    assert bak1 == tmp_path / "w.json.bak1"
    set_aside = store.restore_backup("w", bak1)
    with store.open("w") as wf:
        assert wf.table("notes") == {1: note(1), 2: note(2)}
    names = sorted(p.name for p in set_aside)
    assert names[0].startswith("w.journal.damaged-") and names[1].startswith("w.json.damaged-")
    damaged = next(p for p in set_aside if p.name.startswith("w.json.damaged-"))
    assert damaged.read_bytes() == b"\x00\x00garbage"
    journal_aside = next(p for p in set_aside if p.name.startswith("w.journal.damaged-"))
    assert journal_aside.read_bytes() == journal_line(9, put_note(9))
    assert bak1.exists()  # the backup itself is kept
    assert store.ids() == ["w"]


def test_restore_backup_refuses_a_bad_backup(store: Store, tmp_path: Path) -> None:
    with store.create("w") as wf:
        wf.commit([put_note(1)])
    bad = tmp_path / "w.json.bak1"
    bad.write_bytes(b"{broken")
    before = files(tmp_path)
    with pytest.raises(DamagedFileError) as caught:
        restore_backup(tmp_path / "w.json", bad)
    assert str(bad) in str(caught.value)
    with pytest.raises(WorkshopNotFoundError):
        restore_backup(tmp_path / "w.json", tmp_path / "nope.json.bak3")
    after = files(tmp_path)
    after.pop(".w.lock", None)
    before.pop(".w.lock", None)
    assert after == before


# --- schema versions -------------------------------------------------------------------------------------


def test_newer_schema_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "w.json"
    write_raw(path, {"notes": {"1": note(1)}}, version=SCHEMA_VERSION + 1)
    before = files(tmp_path)
    for mode in ("auto", "read"):
        with pytest.raises(NewerSchemaError) as caught:
            store.open("w", mode=mode)  # type: ignore[arg-type]
        assert str(caught.value) == (
            f"{path} was written by a newer version of Six Disciplines Workshop (schema {SCHEMA_VERSION + 1}); "
            f"this version reads up to schema {SCHEMA_VERSION}."
        )
        assert isinstance(caught.value, StoreError)
    after = files(tmp_path)
    after.pop(".w.lock", None)
    assert after == before


def test_migration_hook_runs_and_is_saved_only_when_writable(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.create("w") as wf:
        wf.commit([put_note(1, "old")])
        wf.checkpoint()
    wf = store.open("w")
    wf.commit([put_note(2, "journaled in schema 1")])
    shutil.copy(tmp_path / "w.journal", tmp_path / "saved.journal")
    wf._journal.close()  # simulate a crash: keep the journal, drop the lock
    wf._lock.release()  # type: ignore[union-attr]

    calls: list[int] = []

    def to_v2(tables: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        calls.append(1)
        for doc in tables.get("notes", {}).values():
            doc["body"] = doc.pop("text")
        return tables

    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(schema, "MIGRATIONS", {1: to_v2})
    before = files(tmp_path)
    with store.open("w", mode="read") as ro:
        assert ro.table("notes")[1] == {"id": 1, "stage_id": 1, "body": "old"}
        assert ro.table("notes")[2]["body"] == "journaled in schema 1"  # replayed before migrating
    assert store.read_tables("w")["notes"][1]["body"] == "old"
    assert files(tmp_path) == before
    with store.open("w") as wf2:
        assert wf2.table("notes")[2]["body"] == "journaled in schema 1"
    on_disk = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))
    assert on_disk["_meta"]["1"]["schema_version"] == 2 and on_disk["notes"]["1"]["body"] == "old"
    backup = json.loads((tmp_path / "w.json.bak1").read_text(encoding="utf-8"))
    assert backup["_meta"]["1"]["schema_version"] == 1 and backup["notes"]["1"]["text"] == "old"
    calls.clear()
    with store.open("w") as wf3:
        assert wf3.table("notes")[1]["body"] == "old"
    assert calls == []  # already at schema 2


def test_upgrade_that_cannot_be_saved(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with store.create("w") as wf:
        wf.commit([put_note(1)])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(schema, "MIGRATIONS", {1: lambda tables: tables})
    before = files(tmp_path)
    with failing_writes(monkeypatch):
        with pytest.raises(StoreWriteError):
            store.open("w", mode="write")
        with store.open("w") as wf:  # auto: shown read-only rather than not at all
            assert wf.read_only and "upgraded file could not be saved" in (wf.read_only_reason or "")
            assert wf.table("notes") == {1: note(1)}
    assert files(tmp_path) == before
    with store.open("w") as wf:
        assert not wf.read_only


# --- locking ---------------------------------------------------------------------------------------------


def test_second_window_gets_read_only(store: Store, tmp_path: Path) -> None:
    with store.create("acme") as wf:
        wf.commit([put_note(1)])
        wf.checkpoint()
    stale = tmp_path / ".acme.json.tmp-424242"
    with held_elsewhere(tmp_path / "acme.json") as pid:
        stale.write_bytes(b"maybe the other window's")
        ro = store.open("acme")
        assert ro.read_only
        assert ro.read_only_reason == (
            f"{tmp_path / 'acme.json'} is open in another Six Disciplines window (pid {pid}); showing it read-only."
        )
        assert ro.table("notes") == {1: note(1), 99: {"id": 99, "text": "from the other window"}}
        before = files(tmp_path)
        with pytest.raises(ReadOnlyError) as caught:
            ro.commit([put_note(2)])
        assert f"pid {pid}" in str(caught.value)
        with pytest.raises(ReadOnlyError):
            ro.checkpoint()
        with pytest.raises(ReadOnlyError):
            ro.write([put_note(3)])  # the group commit's first half refuses too
        assert ro.table("notes") == {1: note(1), 99: {"id": 99, "text": "from the other window"}}
        ro.close()
        with pytest.raises(ReadOnlyError, match="close it there first"):
            store.open("acme", mode="write")
        with pytest.raises(ReadOnlyError, match="before deleting"):
            store.delete("acme")
        with pytest.raises(ReadOnlyError, match="before restoring"):
            store.restore_backup("acme", tmp_path / "acme.json.bak1")
        assert stale.exists()  # never delete a temp file while someone else may be writing it
        assert files(tmp_path) == before
    with store.open("acme") as wf:
        assert not wf.read_only
        assert not stale.exists()  # now we hold the lock: crash leftovers are cleaned
        assert wf.table("notes")[99]["text"] == "from the other window"


def test_same_process_second_open_is_read_only(store: Store, tmp_path: Path) -> None:
    with store.create("w") as wf:
        with store.open("w") as again:
            assert again.read_only
            assert (
                again.read_only_reason is not None and "already open in this window" in again.read_only_reason
            )
        wf.commit([put_note(1)])
    with store.open("w") as wf:
        assert not wf.read_only


def test_read_mode_never_writes(store: Store, tmp_path: Path) -> None:
    with store.create("w") as wf:
        wf.commit([put_note(1)])
        wf.checkpoint()
    (tmp_path / "w.journal").write_bytes(journal_line(2, put_note(2)) + b'{"seq": 3, "op')
    (tmp_path / ".w.json.tmp-1").write_bytes(b"x")
    before = files(tmp_path)
    with store.open("w", mode="read") as ro:
        assert ro.read_only and ro.table("notes") == {1: note(1), 2: note(2)}
        with pytest.raises(ReadOnlyError):
            ro.commit([put_note(3)])
    assert files(tmp_path) == before


def test_reload_catches_up_with_the_writer(store: Store) -> None:
    with store.create("w") as wf, store.open("w", mode="read") as ro:
        wf.commit([put_note(1)])
        assert ro.table("notes") == {}
        ro.reload()
        assert ro.table("notes") == {1: note(1)}


# --- failing disks and folders ---------------------------------------------------------------------------


@pytest.mark.parametrize("let_through", [0, 25])
@pytest.mark.parametrize(
    ("code", "words"), [(errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system")]
)
def test_failed_journal_append_changes_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str, let_through: int
) -> None:
    wf = store.create("w")
    wf.commit([put_note(1)])
    journal_before = (tmp_path / "w.journal").read_bytes()
    with failing_writes(monkeypatch, code, let_through), pytest.raises(StoreWriteError) as caught:
        wf.commit([put_note(2), Op.delete("notes", 1)])
    assert str(caught.value) == f"Could not save to {tmp_path / 'w.json'}: {words}. Nothing was changed."
    assert (tmp_path / "w.journal").read_bytes() == journal_before  # a partial line is cut off again
    assert wf.table("notes") == {1: note(1)}
    assert store.read_tables("w")["notes"] == {1: note(1)}  # what another window reads agrees
    wf.commit([put_note(3)])  # the disk has room again
    wf.close()
    assert store.read_tables("w")["notes"] == {1: note(1), 3: note(3)}


def test_failed_fsync_rolls_the_journal_back(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wf = store.create("w")

    def eio(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fdatasync", eio)
    monkeypatch.setattr(os, "fsync", eio)
    with pytest.raises(StoreWriteError, match="Input/output error"):
        wf.commit([put_note(1)])
    monkeypatch.undo()
    assert (tmp_path / "w.journal").read_bytes() == b""
    assert wf.tables() == {}
    wf.close()


def test_failed_checkpoint_leaves_files_as_they_were(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wf = store.create("w")
    wf.commit([put_note(1)])
    wf.checkpoint()
    wf.commit([put_note(2)])
    main_before = (tmp_path / "w.json").read_bytes()
    journal_before = (tmp_path / "w.journal").read_bytes()
    with failing_writes(monkeypatch, let_through=10), pytest.raises(StoreWriteError) as caught:
        wf.checkpoint()
    assert "No space left on device. Nothing was changed." in str(caught.value)
    assert (tmp_path / "w.json").read_bytes() == main_before
    assert (tmp_path / "w.journal").read_bytes() == journal_before
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
    assert wf.table("notes") == {1: note(1), 2: note(2)} and wf.dirty
    wf.close()
    assert store.read_tables("w")["notes"] == {1: note(1), 2: note(2)}


def test_data_dir_that_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # We run as root, which ignores chmod, so refuse the probe file the way a read-only folder would.
    import tempfile

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied")

    with monkeypatch.context() as m:
        m.setattr(tempfile, "mkstemp", refused)
        with pytest.raises(DataDirError) as caught:
            paths.data_dir(tmp_path / "data")
    assert str(caught.value) == f"Cannot write in the data folder {tmp_path / 'data'}: Permission denied."
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(DataDirError, match="is not a folder"):
        paths.data_dir(tmp_path / "a-file")
    with pytest.raises(DataDirError, match="Cannot create the data folder"):
        paths.data_dir(tmp_path / "a-file" / "sub")


def test_data_dir_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKSHOP_DATA_DIR", str(tmp_path / "from-env"))
    assert paths.data_dir() == (tmp_path / "from-env").resolve()
    assert paths.data_dir(tmp_path / "override") == (tmp_path / "override").resolve()
    assert (tmp_path / "override").is_dir()
    monkeypatch.delenv("WORKSHOP_DATA_DIR")
    monkeypatch.setattr(paths.platformdirs, "user_data_dir", lambda name: str(tmp_path / "platform" / name))
    assert paths.data_dir() == (tmp_path / "platform" / "six-disciplines-workshop").resolve()
    assert not [p for p in (tmp_path / "override").iterdir()]  # the write probe cleans up


def test_folder_that_refuses_the_lock_or_journal(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.create("w") as wf:
        wf.commit([put_note(1)])

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, "Permission denied")

    with monkeypatch.context() as m:
        m.setattr(store_file, "acquire_lock", refused)
        with pytest.raises(
            DataDirError, match=f"Cannot write in the data folder {tmp_path}: Permission denied"
        ):
            store.create("new")
        with pytest.raises(DataDirError):
            store.open("w", mode="write")
        with store.open("w") as ro:
            assert ro.read_only and ro.table("notes") == {1: note(1)}
            assert ro.read_only_reason is not None and "Permission denied" in ro.read_only_reason
    with monkeypatch.context() as m:
        m.setattr(store_file, "JournalWriter", refused)  # lock file exists, but the folder refuses new files
        with pytest.raises(DataDirError):
            store.open("w", mode="write")
        with store.open("w") as ro:
            assert ro.read_only and "Permission denied" in (ro.read_only_reason or "")
    with store.open("w") as wf:  # the lock was released on the way out
        assert not wf.read_only
    assert not store.exists("new")


def test_missing_data_dir(tmp_path: Path) -> None:
    store = Store(tmp_path / "nowhere")
    with pytest.raises(DataDirError, match="does not exist"):
        store.ids()
    with pytest.raises(DataDirError, match="does not exist"):
        store.create("w")
    assert not (tmp_path / "nowhere").exists()  # filelock would have created it


# --- the Store -------------------------------------------------------------------------------------------


def test_ids_exists_and_resolve(store: Store, tmp_path: Path) -> None:
    for workshop_id in ("acme-2024", "acme-2025", "beta"):
        store.create(workshop_id).close()
    with store.open("beta") as wf:
        wf.commit([put_note(1)])
    for junk in (
        ".acme-2024.json.tmp-1",
        "beta.json.bak1",
        "beta.json.damaged-20240101-000000",
        "notes.txt",
        ".hidden.json",
        "bad name.json",
    ):
        (tmp_path / junk).write_text("{}")
    (tmp_path / "folder.json").mkdir()
    assert store.ids() == ["acme-2024", "acme-2025", "beta"]
    assert store.exists("beta") and not store.exists("gamma") and not store.exists("../etc")
    assert store.resolve("beta") == "beta"
    assert store.resolve("b") == "beta"
    assert store.resolve("acme-2025") == "acme-2025"
    with pytest.raises(WorkshopNotFoundError) as caught:
        store.resolve("acme")
    assert str(caught.value) == (
        f"'acme' matches 2 workshops in {tmp_path}: acme-2024, acme-2025. Type more of the id."
    )
    with pytest.raises(WorkshopNotFoundError, match=f"No workshop with id 'zeta' in {tmp_path}."):
        store.resolve("zeta")
    with pytest.raises(WorkshopNotFoundError):
        store.resolve("")
    with pytest.raises(WorkshopNotFoundError, match="No workshop with id 'gamma'"):
        store.open("gamma")
    with pytest.raises(WorkshopNotFoundError):
        store.read_tables("gamma")
    with pytest.raises(WorkshopExistsError, match="already exists"):
        store.create("beta")
    assert store.read_tables("beta") == {"notes": {1: note(1)}}
    for bad in ("", "../x", ".hidden", "a/b", "x.json", "a b", "é"):
        with pytest.raises(ValueError):
            store.path_for(bad)


def test_delete_removes_everything(store: Store, tmp_path: Path) -> None:
    with store.create("gone") as wf:
        wf.commit([put_note(1)])
        wf.checkpoint()
        wf.commit([put_note(2)])
    with store.create("kept") as wf:
        wf.commit([put_note(1)])
        wf.checkpoint()
    (tmp_path / "gone.json.damaged-20240101-000000").write_text("x")
    (tmp_path / ".gone.json.tmp-77").write_text("x")
    store.delete("gone")
    assert store.ids() == ["kept"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".kept.lock",
        "kept.journal",
        "kept.json",
        "kept.json.bak1",
    ]
    with pytest.raises(WorkshopNotFoundError):
        store.delete("gone")
    with store.create("gone") as wf:  # a fresh start, nothing resurrected
        assert wf.tables() == {}


def test_create_sets_an_orphan_journal_aside(store: Store, tmp_path: Path) -> None:
    orphan = journal_line(1, put_note(1, "from a workshop deleted by hand"))
    (tmp_path / "w.journal").write_bytes(orphan)
    with store.create("w") as wf:
        assert wf.tables() == {}
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("w.journal.orphan-")]
    assert len(kept) == 1 and kept[0].read_bytes() == orphan


def test_close_is_idempotent_and_final(store: Store) -> None:
    wf = store.create("w")
    wf.close()
    wf.close()
    assert wf.closed
    with pytest.raises(RuntimeError):
        wf.commit([put_note(1)])


# --- the TinyDB side -------------------------------------------------------------------------------------


def test_plain_tinydb_reads_exactly_what_the_store_holds(store: Store, tmp_path: Path) -> None:
    """The snapshot is TinyDB's own layout: after a checkpoint, TinyDB opened read-only on the file finds every
    table and document the store holds (ids, deletes and unusual text included), and the store's ``_meta``."""
    text = "emoji 👩‍👩‍👧 RTL שלום NUL \x00 LS \u2028 \"quoted\""
    with store.create("w") as wf:
        wf.commit([put_note(1), put_note(5, text), Op.put("votes", 3, {"id": 3, "dots": [5, 5]})])
        wf.commit([Op.delete("notes", 1), put_note(9)])
        wf.checkpoint()
        held = wf.tables()
        with TinyDB(tmp_path / "w.json", access_mode="r") as db:
            assert db.tables() == {"notes", "votes", "_meta"}
            for name, table in held.items():
                assert {doc.doc_id: dict(doc) for doc in db.table(name).all()} == table
            Note = Query()
            assert [doc.doc_id for doc in db.table("notes").search(Note.text == text)] == [5]
            meta = db.table("_meta").get(doc_id=1)
            assert meta is not None and meta["journal_seq"] == 2 and meta["schema_version"] == SCHEMA_VERSION
    assert not list(tmp_path.glob(".w.json.tmp-*"))  # opening read-only left nothing behind


# --- JSON safety -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ({"tags": {"a"}}, "notes #1['tags']: a set cannot be stored"),
        ({"at": datetime.datetime(2024, 1, 1)}, "a datetime cannot be stored"),
        ({"raw": b"bytes"}, "a bytes cannot be stored"),
        ({"tally": {1: 2}}, "notes #1['tally']: key 1 is a int"),
        ({"x": [1.0, float("nan")]}, "notes #1['x'][1]: nan is not a finite number"),
        ({"x": float("inf")}, "inf is not a finite number"),
    ],
)
def test_values_json_cannot_hold_are_refused(
    store: Store, tmp_path: Path, doc: dict[str, Any], words: str
) -> None:
    with store.create("w") as wf:
        with pytest.raises(TypeError) as caught:
            wf.commit([Op.put("notes", 1, doc)])
        assert words in str(caught.value)
        assert wf.tables() == {} and (tmp_path / "w.journal").read_bytes() == b""


def test_lone_surrogates_are_refused_not_written(store: Store, tmp_path: Path) -> None:
    with store.create("w") as wf:
        wf.commit([put_note(1)])
        journal_before = (tmp_path / "w.journal").read_bytes()
        for text in ("broken \ud83d half emoji", "\udc80"):
            with pytest.raises(InvalidTextError) as caught:
                wf.commit([put_note(2), Op.put("notes", 3, {"id": 3, "text": text})])
            assert isinstance(caught.value, ValueError) and isinstance(caught.value, StoreError)
            assert "notes #3" in str(caught.value) and "unpaired surrogate" in str(caught.value)
        with pytest.raises(InvalidTextError, match="notes #3"):
            wf.write([put_note(2), Op.put("notes", 3, {"id": 3, "text": "\ud800"})])  # the group commit too
        assert (tmp_path / "w.journal").read_bytes() == journal_before
        assert wf.table("notes") == {1: note(1)}
    assert store.read_tables("w") == {"notes": {1: note(1)}}


def test_text_survives_exactly(store: Store) -> None:
    text = (
        "emoji 👩‍👩‍👧 RTL שלום مرحبا NUL \x00 ESC \x1b[0m BEL \x07 LS \u2028 PS \u2029 FFFF \uffff tab\tnl\n"
    )
    with store.create("w") as wf:
        wf.commit([put_note(1, text), Op.put("notes", 2, {"id": 2, text: text})])
    assert store.read_tables("w")["notes"] == {1: note(1, text), 2: {"id": 2, text: text}}


def test_ops_validate_and_round_trip() -> None:
    op = put_note(3, "x")
    assert Op.from_json(json.loads(json.dumps(op.to_json()))) == op
    assert Op.from_json(Op.delete("votes", 4).to_json()) == Op.delete("votes", 4)
    with pytest.raises(ValueError, match="_meta"):
        Op.put("_meta", 1, {})
    with pytest.raises(ValueError):
        Op.delete("", 1)
    with pytest.raises(TypeError):
        Op.put("notes", True, {})
    with pytest.raises(TypeError):
        Op.put("notes", "1", {})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Op.put("notes", 1, ["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="says id 2"):
        Op.put("notes", 1, {"id": 2})
    for junk in ([], {"op": "drop", "table": "t", "id": 1}, {"op": "put", "table": "t", "id": 1}):
        with pytest.raises((ValueError, TypeError)):
            Op.from_json(junk)


def test_opening_and_writing_a_workshop_does_not_load_tinydb(tmp_path: Path) -> None:
    """TinyDB is the file format (plain TinyDB opens a workshop file); the store reads and writes the file
    itself, so ``workshop open`` does not pay for importing TinyDB."""
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from workshop.session import WorkshopLibrary
        from workshop.store import Store

        library = WorkshopLibrary(Store(Path(sys.argv[1])))
        session = library.create("Offsite", participants=["Ana"])
        session.notes.add("a note")
        session.close()
        session = library.open(session.workshop.id)
        session.notes.add("another")
        session.close()
        assert "tinydb" not in sys.modules, sorted(m for m in sys.modules if "tinydb" in m)
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_a_snapshot_is_written_from_its_pieces_byte_for_byte(tmp_path: Path) -> None:
    """The checkpoint writes the snapshot's encoded pieces one after another (never one joined copy held under the
    interpreter lock): the file is the same bytes as ``encode`` of the tables, also across the writer's 1 MiB
    ``fdatasync`` steps, with text that needs escaping and pieces of every size."""
    from workshop.store import fsutil
    from workshop.store.ops import encode, encode_table_parts, encode_tables

    tables = {
        "notes": {str(n): note(n, "é🤝\"\\\n" * (n % 7) + "x" * (n * 97 % 3000)) for n in range(1, 2000)},
        "empty": {},
        "_meta": {"1": {"schema_version": 1, "journal_seq": 7}},
    }
    parts = encode_table_parts(tables, "test", chunk=7)
    assert len(parts) > 100 and b"".join(parts) == encode(tables, "test") == encode_tables(tables, "test")
    assert sum(map(len, parts)) > 2 * fsutil.SYNC_PIECE  # crosses the 1 MiB steps
    for data in (parts, b"".join(parts), []):
        temp = fsutil.write_temp(tmp_path / ".pieces.tmp-", data)
        assert temp.read_bytes() == b"".join(data if isinstance(data, list) else [data])
        temp.unlink()
