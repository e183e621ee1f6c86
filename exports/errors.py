"""The errors an export or an import raises. A module of their own so the command line can catch them without
importing the exporters (the ``open`` command never exports, and starts faster for not loading them)."""

from __future__ import annotations

from pathlib import Path


class InterchangeError(ValueError):
    """An export or import failed for a reason the user can act on; ``str(error)`` is the whole message."""


class ExportError(InterchangeError):
    """A workshop could not be written: the file exists, the folder is missing, the disk refused, or the
    workshop holds a value that JSON in UTF-8 cannot carry."""


class FormatError(InterchangeError):
    """A file (or parsed data) is not a workshop this app can import.

    ``location`` is a JSON-path-like pointer (``notes[3].stage_id``, ``version``, ``line 4, column 7``) so the
    user can find the problem in the file; ``file`` is set when the data came from a file.
    """

    def __init__(self, problem: str, location: str = "", *, file: Path | str | None = None) -> None:
        self.problem = problem
        self.location = location
        self.file = file
        super().__init__(": ".join(str(part) for part in (file, location, problem) if part))

    def with_file(self, file: Path | str) -> FormatError:
        return FormatError(self.problem, self.location, file=file)
