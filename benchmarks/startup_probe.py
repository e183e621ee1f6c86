"""A child process for the start-up benchmark: prints READY the moment the app can take input, then exits.

``python benchmarks/startup_probe.py bare`` starts a bare Textual app showing one Static (the baseline);
``python benchmarks/startup_probe.py open DATA_DIR ID`` runs the real ``workshop --data-dir DATA_DIR open ID``
path (the CLI, the library, the app, the stage screen) headless, and reports once the stage screen has mounted
(notes listed, note field focused) and the next refresh has been drawn: the same point as for the bare app. ``--rss`` also prints the peak resident memory.
Just before READY each prints ``CPU <ms>``, the process's CPU time so far (user and system, from its start): on a
machine shared with other work the wall time varies with the load, the CPU time much less.

The app is made as ``run_app`` makes it for ``workshop open`` (``quick_start``): when the workshop's opening preview
is fresh, READY is the stage screen drawn from it, and the whole workshop is read after it. ``--full`` then also
prints FULL once the whole workshop is in and drawn (at once after READY when there was no preview) and exits
only then.
"""

from __future__ import annotations

import contextlib
import gc
import resource
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any


def peak_rss_mb() -> float:
    """This process's own peak resident memory. Not ``ru_maxrss``: on Linux it survives ``exec``, so a child
    started by a large parent reports the parent's peak. ``VmHWM`` belongs to the new address space."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _done(app: Any, rss: bool, *, full: bool = False) -> None:
    print(f"CPU {time.process_time() * 1000:.1f}", flush=True)  # this process's CPU time so far, in ms
    print("READY", flush=True)
    if rss:
        print(f"RSS {peak_rss_mb():.1f}", flush=True)
    if full and getattr(app, "opening", False):
        return  # FULL comes once the whole workshop is in (open_workshop's hook)
    if full:
        print("FULL", flush=True)
    app.exit()


def bare(rss: bool) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Hello")

        def on_mount(self) -> None:
            self.call_after_refresh(_done, self, rss)

    Bare().run(headless=True, size=(120, 36))


def open_workshop(data_dir: str, workshop_id: str, rss: bool, *, full: bool = False) -> None:
    from workshop import console

    cli: Any = console.load_cli()  # what the console script (workshop.console.main) does before calling main()
    gc.disable()  # main()'s first line; the app modules are imported after it, as in the real path
    import screens.app
    from screens.stage import StageScreen

    if full:
        # FULL: the whole workshop read and swapped in under the screen drawn from its preview, and drawn.
        read = screens.app.WorkshopApp.on_workshop_read

        def on_workshop_read(app: Any, message: Any) -> None:
            read(app, message)
            app.call_after_refresh(lambda: (print("FULL", flush=True), app.exit()))

        screens.app.WorkshopApp.on_workshop_read = on_workshop_read  # type: ignore[method-assign]

    # Ready, as for the bare app: the screen's on_mount has run (notes listed, note field focused) and the
    # next refresh is done. Polled with a Pilot instead, the probe would change what it measures: every
    # ``pilot.pause()`` forces a screen update.
    mount_stage = StageScreen.on_mount

    def on_mount(screen: StageScreen) -> None:
        mount_stage(screen)
        screen.app.call_after_refresh(partial(_done, full=full), screen.app, rss)

    StageScreen.on_mount = on_mount  # type: ignore[method-assign]

    def run_headless(library: Any, workshop_id: str | None, exporter: Any = None) -> None:
        # As run_app builds it (quick_start: the first frame from the workshop's opening preview when it is fresh).
        app = screens.app.make_app(library, workshop_id, exporter=exporter, quick_start=True)
        app.run(headless=True, size=(120, 36))
        app.close_session()

    screens.app.run_app = run_headless  # type: ignore[assignment]
    cli.has_terminal = lambda: True  # the probe's output is a pipe to the benchmark; the app runs headless
    sys.argv = ["workshop", "--data-dir", data_dir, "open", workshop_id]
    with contextlib.suppress(SystemExit):
        cli.main()  # the console script's own call, as `workshop --data-dir DIR open ID` runs it


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    want_rss = "--rss" in sys.argv
    want_full = "--full" in sys.argv
    args = [a for a in sys.argv[1:] if a not in ("--rss", "--full")]
    if args[0] == "bare":
        bare(want_rss)
    else:
        open_workshop(args[1], args[2], want_rss, full=want_full)
