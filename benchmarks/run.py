"""Run every benchmark and print one table: each figure, its target from the issue, and pass/fail.

``python benchmarks/run.py`` (about two minutes). The figures are this machine's; README's Performance section
records the latest run and the machine it ran on. Nothing here runs in the test suite.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import (
    export_bench,
    export_command_bench,
    follow_bench,
    phone_change_bench,
    room_bench,
    room_push_probe,
    screens_bench,
    session_bench,
    store_bench,
    ui_bench,
    vote_bench,
)
from benchmarks.session_bench import print_rows


def machine() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}, {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"


def main() -> int:
    print(f"Six Disciplines Workshop benchmarks on {machine()}\n")
    rows = [
        *ui_bench.run(),
        *screens_bench.run(),
        *vote_bench.run(),
        *session_bench.run(),
        *store_bench.run(),
        *export_bench.run(),
        *export_command_bench.run(),
        *room_bench.run(),
        *phone_change_bench.run(),
        *room_push_probe.run(),
        *follow_bench.run(),
    ]
    print_rows(rows)
    failed = [row for row in rows if row[3] is False]
    print(
        f"\n{len(rows) - len(failed)} of {len(rows)} figures pass"
        + ("." if not failed else "; see FAIL rows.")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
