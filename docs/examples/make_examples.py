"""Rebuild the example exports in this folder from the built-in demo workshop.

    python docs/examples/make_examples.py

The demo is built on a fixed clock (it starts at 09:00 UTC on 25 November 2026 and runs its scripted 35 minutes),
in a throw-away data folder, with the fixed id ``demo`` instead of its random one, and exported in UTC with the
clock stopped at the demo's end. Running the script again therefore writes the same files (but for the PDF, which
LibreOffice stamps with the time it was made; it is rebuilt only where ``soffice`` is installed): a change in them is a
change in the exporters (or the demo), which is what a reviewer should see in the diff.
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
import time
from pathlib import Path
from unittest import mock

from exports import FILE_NAMES, export_workshop
from facilitation.clock import FakeClock
from facilitation.export_formats import FORMAT_KEYS
from workshop.demo import build_demo
from workshop.store import Store

START = 1_795_597_200.0
"""2026-11-25 09:00:00 UTC."""
HERE = Path(__file__).resolve().parent
FORMATS = FORMAT_KEYS
"""``pdf`` needs LibreOffice (``soffice``); without it the other files are rebuilt and the PDF is left as it is."""


def main() -> list[Path]:
    os.environ["TZ"] = "UTC"  # the documents show local times: make "local" the same on every machine
    time.tzset()
    clock = FakeClock(wall=START)
    with tempfile.TemporaryDirectory() as data_dir:
        session = build_demo(Store(Path(data_dir)), clock=clock)
        try:
            workshop = copy.deepcopy(session.workshop)
        finally:
            session.close()
    workshop.id = "demo"
    # The exporters stamp "generated at" and the zip entries with the current time: stop it at the demo's end.
    formats = [fmt for fmt in FORMATS if fmt != "pdf" or shutil.which("soffice")]
    with mock.patch("time.time", return_value=clock.wall()):
        paths = export_workshop(workshop, formats, HERE, force=True)
    expected = [HERE / FILE_NAMES[fmt].format(id="demo") for fmt in formats]
    expected.insert(expected.index(HERE / "demo-actions.csv") + 1, HERE / "demo-notes.csv")
    assert paths == expected, paths
    return paths


if __name__ == "__main__":
    for path in main():
        print(path.relative_to(HERE.parent.parent))
