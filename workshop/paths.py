"""Where workshop files live: ``--data-dir``, else ``WORKSHOP_DATA_DIR``, else the platform's user data folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import platformdirs

from workshop.store.errors import DataDirError

APP_NAME = "six-disciplines-workshop"
ENV_DATA_DIR = "WORKSHOP_DATA_DIR"


def data_dir(override: str | Path | None = None) -> Path:
    """The data folder, created if needed and checked writable (``DataDirError`` with a clear message if not).

    Checked up front so a facilitator learns about an unusable folder before the workshop starts, not at the
    first note.
    """
    if override is not None and str(override) != "":
        folder = Path(override)
    elif os.environ.get(ENV_DATA_DIR):
        folder = Path(os.environ[ENV_DATA_DIR])
    else:
        folder = Path(platformdirs.user_data_dir(APP_NAME))
    folder = folder.expanduser()
    if folder.exists() and not folder.is_dir():
        raise DataDirError(f"The data folder {folder} is not a folder.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DataDirError(f"Cannot create the data folder {folder}: {e.strerror or e}.") from e
    try:
        # A real file, not os.access: root, ACLs, read-only mounts and network shares all answer truthfully.
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise DataDirError(f"Cannot write in the data folder {folder}: {e.strerror or e}.") from e
    return folder.resolve()
