"""The follower on real files: a writer in this process (or a child process) and a lock-free reader beside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from workshop import follow
from workshop.follow import Entries, Follower, FollowState, FollowStatus, Gone, JournalTail, Reload
from workshop.store import DamagedFileError, Op, Store, WorkshopFile, WorkshopNotFoundError
from workshop.store.file import RawTables
from workshop.store.ops import encode_entry

WAIT = 30.0
"""Upper bound for waiting on a condition; a pass never waits this long."""


@pytest.fixture
def writer(store: Store) -> Iterator[WorkshopFile]:
    file = store.create("ws-1")
    file.commit([Op.put("notes", 1, {"id": 1, "text": "first"})])
    yield file
    file.close()


def note(n: int, text: str = "") -> Op:
    return Op.put("notes", n, {"id": n, "text": text or f"note {n}"})


def test_reads_new_lines_in_order(writer: WorkshopFile) -> None:
    tail = JournalTail(writer.path)
    assert tail.load()["notes"] == {"1": {"id": 1, "text": "first"}}
    assert tail.read() is None
    writer.commit([note(2)])
    writer.commit([note(3), Op.delete("notes", 1)])
    update = tail.read()
    assert isinstance(update, Entries)
    assert [seq for seq, _ in update.lines] == [2, 3]
    assert update.lines[1][1] == [note(3), Op.delete("notes", 1)]
    assert set(tail.tables["notes"]) == {"2", "3"}
    assert tail.read() is None


def test_a_line_still_being_written_is_read_again_never_half(writer: WorkshopFile) -> None:
    tail = JournalTail(writer.path)
    tail.load()
    line = encode_entry(2, [note(2, "a long note " * 50)])
    with open(tail.journal, "ab") as handle:
        handle.write(line[:40])  # the writer is half-way through its append
        handle.flush()
        assert tail.read() is None
        handle.write(line[40:-1])  # everything but the newline
        handle.flush()
        assert tail.read() is None
        handle.write(line[-1:])
        handle.flush()
    update = tail.read()
    assert isinstance(update, Entries)
    assert update.lines == [(2, [note(2, "a long note " * 50)])]


def test_an_unreadable_last_line_waits_and_damage_before_it_is_refused(writer: WorkshopFile) -> None:
    tail = JournalTail(writer.path)
    tail.load()
    with open(tail.journal, "ab") as handle:
        handle.write(b'{"seq": 2, "ops": [tor')  # torn by a crash: its newline never reached the disk
    assert tail.read() is None  # never applied; a new writer cuts it off
    with open(tail.journal, "ab") as handle:
        handle.write(encode_entry(3, [note(3)]))  # a complete line that cannot be read: damage, not a tear
    with pytest.raises(DamagedFileError):
        tail.read()


def test_a_complete_line_that_cannot_be_read_is_damage_and_never_applied(writer: WorkshopFile) -> None:
    """Every line with its newline was acknowledged by the writer: one that cannot be read means harm."""
    tail = JournalTail(writer.path)
    tail.load()
    with open(tail.journal, "ab") as handle:
        handle.write(b'{"seq": 2, "ops": [tor\n')
    with pytest.raises(DamagedFileError):
        tail.read()
    assert set(tail.tables["notes"]) == {"1"}
    assert tail.seq == 1


def test_a_checkpoint_is_followed_by_reloading(writer: WorkshopFile) -> None:
    tail = JournalTail(writer.path)
    tail.load()
    writer.commit([note(2)])
    assert isinstance(tail.read(), Entries)
    writer.checkpoint()  # snapshot replaced, journal emptied
    update = tail.read()
    assert isinstance(update, Reload)
    assert update.ops == []  # nothing new: the snapshot holds what was already shown
    writer.commit([note(3)])
    update = tail.read()
    assert isinstance(update, Entries)
    assert [seq for seq, _ in update.lines] == [3]


def test_lines_folded_into_a_snapshot_before_they_were_read_come_as_a_difference(
    writer: WorkshopFile,
) -> None:
    tail = JournalTail(writer.path)
    tail.load()
    writer.commit([note(2)])
    writer.commit([Op.delete("notes", 1)])
    writer.checkpoint()
    writer.commit([note(4)])  # the new journal may even be longer than what was read of the old one
    update = tail.read()
    assert isinstance(update, Reload)
    assert sorted((op.kind, op.id) for op in update.ops) == [("delete", 1), ("put", 2), ("put", 4)]
    assert set(tail.tables["notes"]) == {"2", "4"}
    writer.commit([note(5)])
    update = tail.read()
    assert isinstance(update, Entries)
    assert [seq for seq, _ in update.lines] == [5]


def test_a_line_cut_back_and_written_again_reloads(writer: WorkshopFile) -> None:
    """A failed append is cut back by the writer and the next commit reuses its seq: never apply both."""
    tail = JournalTail(writer.path)
    tail.load()
    start = tail.journal.stat().st_size
    with open(tail.journal, "ab") as handle:
        handle.write(encode_entry(2, [note(2, "never acknowledged")]))
    assert isinstance(tail.read(), Entries)
    os.truncate(tail.journal, start)
    with open(tail.journal, "ab") as handle:
        handle.write(encode_entry(2, [note(2, "the real one, longer than the other")]))
    update = tail.read()
    assert isinstance(update, Reload)
    assert tail.tables["notes"]["2"]["text"] == "the real one, longer than the other"


def test_unknown_damaged_and_deleted(store: Store, writer: WorkshopFile) -> None:
    with pytest.raises(WorkshopNotFoundError):
        JournalTail(store.path_for("nope")).load()
    tail = JournalTail(writer.path)
    tail.load()
    writer.close()
    store.delete("ws-1")
    assert isinstance(tail.read(), Gone)
    broken = store.data_dir / "broken.json"
    broken.write_text('{"notes": {"1": ', encoding="utf-8")
    with pytest.raises(DamagedFileError):
        JournalTail(broken).load()


# --- the follower and the writer's lock ---------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.batches: list[list[Op]] = []
        self.statuses: list[FollowStatus] = []
        self.changed = threading.Event()

    def apply(self, ops: Sequence[Op]) -> None:
        self.batches.append(list(ops))
        self.changed.set()

    def status(self, status: FollowStatus) -> None:
        self.statuses.append(status)
        self.changed.set()


def test_writer_stopped_and_started_again(store: Store, writer: WorkshopFile) -> None:
    seen = Recorder()
    follower = Follower(writer.path, seen.apply, on_status=seen.status)
    assert follower.status.state is FollowState.FOLLOWING
    writer.commit([note(2)])
    assert follower.poll()
    assert seen.batches == [[note(2)]]
    writer.close()
    follower.poll()
    assert follower.status.state is FollowState.STOPPED
    assert "closed" in follower.status.message
    assert seen.batches == [[note(2)]]  # the last picture stays
    again = store.open("ws-1", mode="write")
    try:
        follower.poll()
        assert follower.status.state is FollowState.FOLLOWING
        again.commit([note(3)])
        follower.poll()
        assert seen.batches[-1] == [note(3)]
    finally:
        again.close()


def test_damage_and_deletion_keep_the_last_picture_and_say_why(store: Store, writer: WorkshopFile) -> None:
    seen = Recorder()
    follower = Follower(writer.path, seen.apply, on_status=seen.status)
    with open(follower.tail.journal, "ab") as handle:
        handle.write(b"not a journal line\n")
    assert follower.poll()
    assert follower.status.state is FollowState.UNREADABLE
    assert "cannot be read now" in follower.status.message and "journal" in follower.status.message
    assert seen.batches == []
    writer.close()
    store.delete("ws-1")
    follower.poll()
    assert follower.status.state is FollowState.GONE
    assert "deleted" in follower.status.message
    assert [s.state for s in seen.statuses] == [FollowState.UNREADABLE, FollowState.GONE]


def test_a_change_this_version_cannot_read_is_reported_not_raised(writer: WorkshopFile) -> None:
    def refuse(ops: object) -> None:
        raise TypeError("Note.__init__() got an unexpected keyword argument")

    follower = Follower(writer.path, refuse)
    writer.commit([note(2)])
    follower.poll()
    assert follower.status.state is FollowState.UNREADABLE
    assert "a change cannot be read" in follower.status.message


WRITER_SCRIPT = """
import sys
from workshop.store import Op, WorkshopFile
f = WorkshopFile.open(sys.argv[1], mode="write")
f.commit([Op.put("notes", 9, {"id": 9, "text": "from the child"})])
print("ready", flush=True)
sys.stdin.read()
"""


def test_a_crashed_writer_is_noticed(store: Store, writer: WorkshopFile) -> None:
    writer.close()
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER_SCRIPT, str(store.path_for("ws-1"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        assert follow.writer_present(store.path_for("ws-1"))
        seen = Recorder()
        follower = Follower(store.path_for("ws-1"), seen.apply)
        assert follower.status.state is FollowState.FOLLOWING
        assert follower.tail.tables["notes"]["9"]["text"] == "from the child"
    finally:
        child.kill()
        child.wait()
    assert not follow.writer_present(store.path_for("ws-1"))  # the owner file is still there; the lock is not
    follower.poll()
    assert follower.status.state is FollowState.STOPPED


def test_a_running_follower_hears_its_writer_crash_without_looking_every_second(
    store: Store, writer: WorkshopFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The follower watches the writer's process (named by its owner file), so a crash wakes it at once: it needs
    no look at the lock every second (a read of ``/proc/locks`` and three ``stat`` calls, the projector's only work
    besides the countdown while nothing changes, issue #14's idle follower). Here looks are an hour apart, and the
    writer's SIGKILL is still noticed; nothing woke the follower before it."""
    monkeypatch.setattr(follow, "WRITER_CHECK_SECONDS", 3600.0)
    monkeypatch.setattr(follow, "WATCHED_WRITER_CHECK_SECONDS", 3600.0)
    writer.close()
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER_SCRIPT, str(store.path_for("ws-1"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    seen = Recorder()
    follower: Follower | None = None
    thread: threading.Thread | None = None
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        assert follow.writer_process(store.path_for("ws-1")) == child.pid
        follower = Follower(store.path_for("ws-1"), seen.apply, on_status=seen.status)
        assert follower.status.state is FollowState.FOLLOWING
        thread = threading.Thread(target=follower.run, args=(lambda fn: fn(),), daemon=True)
        thread.start()
        for _ in range(int(WAIT * 100)):  # the thread has started watching
            if follower._writer_watched:
                break
            threading.Event().wait(0.01)
        assert follower._writer_watched, "the writer's process is watched"
        assert follower.wakeups == 0  # nothing to wake for while the writer changes nothing
        child.kill()
        child.wait()
        while follower.status.state is not FollowState.STOPPED:  # (the dying writer's journal closing may wake
            assert seen.changed.wait(WAIT), "the crash was not noticed"  # it too, as a notice: no count here)
            seen.changed.clear()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if follower is not None:
            follower.stop()
        if thread is not None:
            thread.join(WAIT)
            assert not thread.is_alive()


def test_a_writer_on_another_machine_is_not_watched_as_a_process(store: Store, writer: WorkshopFile) -> None:
    """An owner file that names another machine's process (a shared folder) gives no process to watch: the
    follower then looks at the lock every ``WRITER_CHECK_SECONDS``, as it always did."""
    path = store.path_for("ws-1")
    assert follow.writer_process(path) == os.getpid()
    owner = follow.owner_path(path)
    owner.write_text(json.dumps({"pid": os.getpid(), "host": "another-laptop"}), encoding="utf-8")
    assert follow.writer_process(path) is None
    owner.write_text("not json", encoding="utf-8")
    assert follow.writer_process(path) is None
    owner.unlink()
    assert follow.writer_process(path) is None


def test_following_takes_no_lock_and_writes_nothing(store: Store, writer: WorkshopFile) -> None:
    writer.close()
    snapshot = {name: (store.data_dir / name).stat().st_mtime_ns for name in os.listdir(store.data_dir)}
    follower = Follower(store.path_for("ws-1"), Recorder().apply)
    follower.poll()
    assert sorted(os.listdir(store.data_dir)) == sorted(snapshot)
    assert {name: (store.data_dir / name).stat().st_mtime_ns for name in snapshot} == snapshot
    mine = store.open("ws-1", mode="write")  # the follower never stands in a writer's way
    mine.close()


@pytest.mark.parametrize(
    ("watching", "why"),
    [(True, ""), (False, "no watching"), (False, "no watchdog")],
    ids=["watchdog", "polling", "polling-without-watchdog"],
)
def test_run_in_the_background(
    writer: WorkshopFile, monkeypatch: pytest.MonkeyPatch, watching: bool, why: str
) -> None:
    if why == "no watching":

        def unavailable(self: Follower) -> Iterator[bool]:
            raise OSError("no file watching here")
            yield True  # pragma: no cover

        monkeypatch.setattr(Follower, "_watch", unavailable)
    if why == "no watchdog":  # an install without it: importing it fails
        for name in ("watchdog", "watchdog.events", "watchdog.observers"):
            monkeypatch.setitem(sys.modules, name, None)
    seen = Recorder()
    follower = Follower(writer.path, seen.apply, on_status=seen.status)
    thread = threading.Thread(target=follower.run, args=(lambda fn: fn(),), daemon=True)
    thread.start()
    try:
        for n in range(2, 6):
            seen.changed.clear()
            writer.commit([note(n)])
            while [note(n)] not in seen.batches:
                assert seen.changed.wait(WAIT), f"note {n} never arrived"
                seen.changed.clear()
        writer.checkpoint()
        writer.commit([note(6)])
        while [note(6)] not in seen.batches:
            assert seen.changed.wait(WAIT)
            seen.changed.clear()
        writer.close()
        while follower.status.state is not FollowState.STOPPED:
            assert seen.changed.wait(WAIT)
            seen.changed.clear()
    finally:
        follower.stop()
        thread.join(WAIT)
    assert not thread.is_alive()
    assert follower.polling is not watching
    assert seen.batches == [[note(n)] for n in range(2, 7)]


def test_a_follower_with_nothing_to_follow_sleeps(writer: WorkshopFile, monkeypatch: pytest.MonkeyPatch) -> None:
    """While nothing changes the watching follower never reads the files: once per ``WRITER_CHECK_SECONDS`` it
    looks at the writer's lock and at two ``stat`` results (``look``), and only a notice of a change reads them.
    Its own reads (which the system reports as opens and reads of our files) never wake it, and a change still
    does at once."""
    monkeypatch.setattr(follow, "WRITER_CHECK_SECONDS", 0.2)
    monkeypatch.setattr(follow, "WATCHED_WRITER_CHECK_SECONDS", 0.2)  # this process writes: it is watched
    seen = Recorder()
    follower = Follower(writer.path, seen.apply, on_status=seen.status)
    looks = threading.Semaphore(0)
    reads_in_looks: list[int] = []
    look = follower.look

    def counting_look() -> tuple[list[list[Op]], FollowStatus]:
        before = follower.reads
        found = look()
        reads_in_looks.append(follower.reads - before)
        looks.release()
        return found

    follower.look = counting_look  # type: ignore[method-assign]
    thread = threading.Thread(target=follower.run, args=(lambda fn: fn(),), daemon=True)
    thread.start()
    try:
        writer.commit([note(2)])
        while [note(2)] not in seen.batches:
            assert seen.changed.wait(WAIT), "the change never arrived"
            seen.changed.clear()
        for n in range(3):  # an idle spell of three lock checks
            assert looks.acquire(timeout=WAIT), f"lock check {n + 1} never came"
        idle = list(reads_in_looks)  # looks that ended before the next commit; one running across it may read it
        writer.commit([note(3)])
        while [note(3)] not in seen.batches:
            assert seen.changed.wait(WAIT), "a change after the idle spell never arrived"
            seen.changed.clear()
    finally:
        follower.stop()
        thread.join(WAIT)
    assert not follower.polling
    assert len(idle) >= 3 and not any(idle), f"lock checks read the files: {idle}"
    assert follower.status.state is FollowState.FOLLOWING


def test_a_look_reads_only_files_that_changed(store: Store, writer: WorkshopFile) -> None:
    """``look`` (the wake-up for the lock check) reads nothing while the files are as last read, and reads them
    when they are not: a change whose notice was lost, a line still being written (never shown half), a
    checkpoint; it says when the writer stopped and started again without reading."""
    seen = Recorder()
    follower = Follower(writer.path, seen.apply, on_status=seen.status)

    def look() -> int:
        before = follower.reads
        follower.deliver(*follower.look())
        return follower.reads - before

    assert look() == 0 and seen.batches == []
    writer.commit([note(2)])  # no watcher here: as if its notice were lost
    assert look() == 1 and seen.batches == [[note(2)]]
    assert look() == 0
    line = encode_entry(3, [note(3)])
    with open(follower.tail.journal, "ab") as handle:
        handle.write(line[:20])
        handle.flush()
        assert look() == 1 and seen.batches == [[note(2)]]  # read, nothing shown half
        handle.write(line[20:])
    assert look() == 1 and seen.batches[-1] == [note(3)]  # the line once whole
    writer.close()  # (closing may fold the journal into a new snapshot: then that is read)
    look()
    assert follower.status.state is FollowState.STOPPED
    assert look() == 0 and follower.status.state is FollowState.STOPPED
    again = store.open("ws-1", mode="write")
    try:
        assert look() == 0 and follower.status.state is FollowState.FOLLOWING
        again.checkpoint()
        again.commit([note(4)])
        assert look() == 1 and seen.batches[-1][-1] == note(4)
        assert look() == 0
    finally:
        again.close()


def test_table_diff() -> None:
    before: RawTables = {
        "_meta": {"1": {"journal_seq": 1}},
        "notes": {"1": {"id": 1}, "2": {"id": 2, "t": "a"}},
    }
    after: RawTables = {
        "_meta": {"1": {"journal_seq": 9}},
        "notes": {"2": {"id": 2, "t": "b"}},
        "votes": {"3": {"id": 3}},
    }
    ops = follow.table_diff(before, after)
    assert sorted((op.table, op.kind, op.id) for op in ops) == [
        ("notes", "delete", 1),
        ("notes", "put", 2),
        ("votes", "put", 3),
    ]
    assert follow.table_diff(after, after) == []


def test_data_folder_path(tmp_path: Path) -> None:
    assert not follow.writer_present(tmp_path / "none.json")


def _child_writer(path: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER_SCRIPT, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    return child


def _quit(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.close()  # the child exits at the end of its input; its lock goes with it
    child.wait(timeout=WAIT)


def test_the_window_message_names_the_writer_says_when_it_stopped_and_names_the_next(
    store: Store, writer: WorkshopFile
) -> None:
    """The read-only window's banner (``FollowStatus.window_message``) follows the writers as they come and go:
    never the name of a window that has closed."""
    writer.close()
    path = store.path_for("ws-1")
    first = _child_writer(path)
    try:
        seen = Recorder()
        follower = Follower(path, seen.apply, on_status=seen.status)
        assert follower.status.state is FollowState.FOLLOWING
        assert follower.status.writer == f"(pid {first.pid})"
        assert f"(pid {first.pid})" in follower.status.window_message
        assert "follows it" in follower.status.window_message
        assert follower.status.message == ""  # the projector shows nothing while it follows
    finally:
        _quit(first)
    follower.poll()
    assert follower.status.state is FollowState.STOPPED
    assert str(first.pid) not in follower.status.window_message
    assert "closed the workshop" in follower.status.window_message
    assert "Open the workshop again here" in follower.status.window_message
    assert "closed" in follower.status.message  # and the projector's notice says so too
    second = _child_writer(path)
    try:
        follower.poll()
        assert follower.status.state is FollowState.FOLLOWING
        assert follower.status.writer == f"(pid {second.pid})"
        assert f"(pid {second.pid})" in follower.status.window_message
        assert follower.status.message == ""
        assert [s.writer for s in seen.statuses] == ["", f"(pid {second.pid})"]
    finally:
        _quit(second)


def test_a_new_writer_taking_over_between_two_looks_is_named(store: Store, writer: WorkshopFile) -> None:
    """One window closes and another opens before the follower looks again: it never saw the workshop stopped,
    and it names the new writer all the same (the owner file changed)."""
    writer.close()
    path = store.path_for("ws-1")
    first = _child_writer(path)
    follower = Follower(path, Recorder().apply)
    assert follower.status.writer == f"(pid {first.pid})"
    _quit(first)
    second = _child_writer(path)
    try:
        follower.poll()
        assert follower.status.state is FollowState.FOLLOWING
        assert follower.status.writer == f"(pid {second.pid})"
    finally:
        _quit(second)
