"""What holds the event loop: every callback it runs, timed, named by what it runs (a benchmark's probe).

``LoopProbe`` wraps ``asyncio.events.Handle._run`` (every ready callback and timer of an asyncio loop goes
through it, also a task's steps) while installed and records, for each callback, when it started and ended
(``time.perf_counter``) and the CPU time the loop's thread spent in it (``time.thread_time``: other processes on a
busy machine do not count, so figures compare between runs on a loaded and a quiet machine). Callbacks that took
at least ``threshold`` seconds of that CPU are also named by what they ran: a task's step by its coroutine's
qualified name and whose it is (``task RequestResponseCycle.run_asgi``: a phone's request in uvicorn; ``task
MessagePump._process_messages(StageScreen)``: a screen's messages; ``task Timer._run_timer(Screen._on_timer_update)``:
a frame drawn; ``task LiveHub._rounds``: the room's live pages), other callbacks by their function's name.

``waited(windows)`` says, for each (start, end) window in which something waited (a request from its round's end
to its 2xx, a key from Enter to its list showing the note), how much loop CPU ran in it and in how many callbacks;
``during(windows)`` sums the named slow callbacks in them. Cost: two clock pairs per callback (about 1 µs).
"""

from __future__ import annotations

import bisect
import time
from asyncio import events
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from benchmarks.workload import percentile


def describe(callback: Callable[..., Any]) -> str:
    """A short name for what a loop callback runs (see the module's docstring)."""
    owner = getattr(callback, "__self__", None)
    get_coro = getattr(owner, "get_coro", None)
    if get_coro is not None:  # a task's step or wake-up
        coro = get_coro()
        name: str = "task " + getattr(coro, "__qualname__", type(coro).__name__)
        frame = getattr(coro, "cr_frame", None)
        this = frame.f_locals.get("self") if frame is not None else None
        if this is not None:  # whose task: a Textual timer's callback, a message pump's class
            inner = getattr(this, "_callback", None)
            what = getattr(inner, "__qualname__", None) if inner is not None else type(this).__name__
            name += f"({what})"
        return name
    named = getattr(callback, "__qualname__", None)
    if named is None:
        inner = getattr(callback, "func", None)  # functools.partial
        named = getattr(inner, "__qualname__", None) or type(callback).__name__
    return str(named)


class LoopProbe:
    """Times the loop's callbacks while installed (``install``/``uninstall``; one probe at a time)."""

    def __init__(self, threshold: float = 0.001) -> None:
        self.threshold = threshold
        self.spans: list[tuple[float, float, float]] = []
        """(start, end, CPU seconds) of every callback, in the order they ran."""
        self.slow: list[tuple[float, float, float, str]] = []
        """(start, end, CPU seconds, name) of each callback that took at least ``threshold`` seconds of CPU."""
        self._original: Callable[[events.Handle], None] | None = None

    def install(self) -> None:
        original = self._original = events.Handle._run
        probe = self
        wall, cpu = time.perf_counter, time.thread_time

        def timed(handle: events.Handle) -> None:
            started, cpu_started = wall(), cpu()
            try:
                original(handle)
            finally:
                spent = cpu() - cpu_started
                ended = wall()
                probe.spans.append((started, ended, spent))
                if spent >= probe.threshold:
                    probe.slow.append((started, ended, spent, describe(handle._callback)))  # type: ignore[attr-defined]

        events.Handle._run = timed  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        if self._original is not None:
            events.Handle._run = self._original  # type: ignore[method-assign,assignment]
            self._original = None

    def waited(self, windows: Iterable[tuple[float, float]]) -> list[tuple[float, int]]:
        """For each window: the loop's CPU seconds in callbacks that started inside it, and how many there were."""
        starts = [start for start, _, _ in self.spans]
        result = []
        for begin, end in windows:
            first, last = bisect.bisect_left(starts, begin), bisect.bisect_left(starts, end)
            result.append((sum(cpu for _, _, cpu in self.spans[first:last]), last - first))
        return result

    def during(self, windows: Iterable[tuple[float, float]]) -> dict[str, tuple[float, int]]:
        """Per name: the CPU seconds of slow callbacks that started inside ``windows`` (a callback counted once per
        window it started in) and how many, largest first."""
        starts = [start for start, _, _, _ in self.slow]
        totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
        for begin, end in windows:
            for _, _, cpu, name in self.slow[
                bisect.bisect_left(starts, begin) : bisect.bisect_left(starts, end)
            ]:
                totals[name][0] += cpu
                totals[name][1] += 1
        return {
            name: (seconds, int(count))
            for name, (seconds, count) in sorted(totals.items(), key=lambda item: -item[1][0])
        }

    def longest(self, count: int = 5) -> list[tuple[float, str]]:
        """The ``count`` callbacks that took the most CPU: (seconds, name)."""
        return sorted(((cpu, name) for _, _, cpu, name in self.slow), reverse=True)[:count]


def report(probe: LoopProbe, windows: list[tuple[float, float]], top: int = 5) -> str:
    """One line: the loop CPU each wait sat behind (median, p95, in ms; and callbacks), then the slow callbacks
    inside the waits by name (CPU ms summed over every wait, and how many)."""
    if not windows:
        return "no waits"
    waited = probe.waited(windows)
    cpu = [seconds * 1000 for seconds, _ in waited]
    turns = [count for _, count in waited]
    parts = [
        f"{name} {seconds * 1000:.0f} ms/{count}"
        for name, (seconds, count) in list(probe.during(windows).items())[:top]
    ]
    return (
        f"loop CPU per wait median {percentile(cpu, 50):.1f}, p95 {percentile(cpu, 95):.1f} ms in "
        f"{percentile(turns, 50):.0f}/{percentile(turns, 95):.0f} callbacks ({len(windows)} waits); in them: "
        + (", ".join(parts) or "nothing slow")
    )


class WakeWatch:
    """What woke a process while it was meant to be idle, counted (a benchmark's probe; ``with WakeWatch() as w``).

    On a virtual machine whose idle CPU halts, an idle process's CPU is mostly (its wake-ups) x (a cost per
    wake-up the host sets, which moves over the day): the counts are the figure that does not depend on the host.
    ``loop_wakes``: the event loop's waits in ``select`` that ended (the window's own sleep is one of them);
    ``woke_for``: what the loop ran on each of those wake-ups, by name (``describe``: a Textual timer's callback, a
    task's coroutine), each name counted once per wake-up; ``thread_wakes``: the other threads' voluntary context
    switches (``/proc/self/task/*/status``: one per time a thread slept and was woken), by thread name; ``cpu``:
    the process's CPU seconds (every thread), ``seconds`` the window's wall time. Cost: a few microseconds per
    callback while installed."""

    def __init__(self) -> None:
        self.loop_wakes = 0
        self.woke_for: dict[str, int] = defaultdict(int)
        self.thread_wakes: dict[str, int] = {}
        self.cpu = 0.0
        self.seconds = 0.0
        self._names: set[str] = set()

    def __enter__(self) -> WakeWatch:
        import asyncio

        from benchmarks.follow_bench import thread_switches

        self._selector = asyncio.get_running_loop()._selector  # type: ignore[attr-defined]
        select = self._selector.select
        watch = self

        def counting_select(timeout: float | None = None) -> Any:
            if timeout is None or timeout > 0:  # nothing was ready: the loop sleeps, and this wakes it
                watch._close_wake()
                ready = select(timeout)
                watch.loop_wakes += 1
                return ready
            return select(timeout)

        self._selector.select = counting_select
        original = self._run = events.Handle._run

        def named_run(handle: events.Handle) -> None:
            watch._names.add(describe(handle._callback))  # type: ignore[attr-defined]
            original(handle)

        events.Handle._run = named_run  # type: ignore[method-assign,assignment]
        self._switches = thread_switches()
        self._started = time.process_time(), time.perf_counter()
        return self

    def _close_wake(self) -> None:
        for name in self._names:
            self.woke_for[name] += 1
        self._names.clear()

    def __exit__(self, *_exc: object) -> None:
        from benchmarks.follow_bench import thread_switches

        self.cpu = time.process_time() - self._started[0]
        self.seconds = time.perf_counter() - self._started[1]
        del self._selector.select
        events.Handle._run = self._run  # type: ignore[method-assign]
        self._names.clear()  # what ran after the last wake-up is the window's own end
        switches = thread_switches()
        self.thread_wakes = {
            name: count - self._switches.get(name, 0)
            for name, count in sorted(switches.items())
            if name != "main" and count - self._switches.get(name, 0)
        }

    @property
    def percent(self) -> float:
        """The process's CPU in the window, in % of one core."""
        return self.cpu / self.seconds * 100 if self.seconds else 0.0

    def summary(self) -> str:
        """One line: CPU %, loop wake-ups a second, what they ran (most first), the threads' wake-ups."""
        woke = ", ".join(f"{name} {count}" for name, count in sorted(self.woke_for.items(), key=lambda i: -i[1]))
        threads = ", ".join(f"{name} {count}" for name, count in self.thread_wakes.items()) or "none"
        return (
            f"{self.percent:.2f} % in {self.seconds:.0f} s, loop woke {self.loop_wakes} times "
            f"({woke or 'for nothing'}); threads woke {threads}"
        )
