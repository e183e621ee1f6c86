"""The ``workshop`` console script (``[project.scripts]``): loads ``workshop.cli`` with the garbage collector held,
then runs it.

Importing the command's modules (the library, the session, the store, their dataclasses and enums) creates tens
of thousands of long-lived objects; with the collector on, CPython ran young-generation collections over them
all the way (about 5 ms of the 75 ms import, measured on the sandbox). ``workshop.cli.main`` holds the collector
itself from its first line for the app's commands (see its docstring); this covers the import before it.
"""

from __future__ import annotations

import gc
from types import ModuleType


def load_cli() -> ModuleType:
    """``workshop.cli``, imported with the collector held (and left as it was found)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        from workshop import cli
    finally:
        if collecting:
            gc.enable()
    return cli


def main() -> None:
    """The console script: ``workshop.cli.main`` (its exit codes and ``SystemExit``s unchanged)."""
    load_cli().main()
