"""Where workshop files live: ``--data-dir``, else ``WORKSHOP_DATA_DIR``, else the platform's user data folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import platformdirs

from workshop.store.errors import DataDirError
from workshop.store.fsutil import make_folder

APP_NAME = "six-disciplines-workshop"
ENV_DATA_DIR = "WORKSHOP_DATA_DIR"


def data_dir(override: str | Path | None = None, *, writable: bool = True) -> Path:
    """The data folder, resolved (``DataDirError`` with a clear message if it cannot be used).

    A missing folder is created (and missing parents), as ``0700`` whatever the umask. ``writable=True``
    (commands that change workshops, and the app) also checks up front that it can be written, so a facilitator
    learns about an unusable folder before the workshop starts, not at the first note. ``writable=False`` (``list``, ``show``,
    ``export``) only needs a folder it can read: an archive on a read-only disk can still be listed, shown and
    exported elsewhere. The folder itself may be a symbolic link (to a synced or encrypted folder, say): the
    user chose it; the store refuses links only *inside* it.
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
        make_folder(folder)
    except OSError as e:
        raise DataDirError(f"Cannot create the data folder {folder}: {e.strerror or e}.") from e
    if not writable:
        return folder.resolve()
    try:
        # A real file, not os.access: root, ACLs, read-only mounts and network shares all answer truthfully.
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise DataDirError(f"Cannot write in the data folder {folder}: {e.strerror or e}.") from e
    return folder.resolve()
