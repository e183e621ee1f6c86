"""The action plan as PDF: the Word plan converted by LibreOffice, when it is installed.

LibreOffice's ``soffice --headless --convert-to pdf`` lays the ``.docx`` out as Word would (with Carlito, the
metric twin of Calibri, where it is installed) and keeps the document's title and author in the PDF's metadata.
It runs with a throw-away user profile, so a LibreOffice window the user has open neither blocks nor changes it.
Without ``soffice`` on the PATH (or in the usual macOS and Windows install folders) the export says in one line how
to get it, before any file is written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from exports import docx_export
from exports.common import check_target, write_atomically
from exports.errors import ExportError
from facilitation.models import Workshop

INSTALL_HINT = (
    "PDF export needs LibreOffice, which was not found: install it (Debian/Ubuntu: "
    "apt install libreoffice-writer-nogui; macOS: brew install --cask libreoffice; Windows: libreoffice.org) "
    "so that soffice is on the PATH, or export the Word plan (--format docx) and save it as PDF yourself."
)
CANDIDATES = (
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)
TIMEOUT_SECONDS = 300
"""LibreOffice converts the demo plan in about 3 s and a 20,000-note plan in about a minute on a slow laptop."""


def converter() -> str:
    """The ``soffice`` program to run; raises ``ExportError`` (with ``INSTALL_HINT``) when there is none."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for candidate in CANDIDATES:
        if os.path.isfile(candidate):
            return candidate
    raise ExportError(INSTALL_HINT)


def convert(docx: Path, folder: Path) -> Path:
    """Convert ``docx`` to PDF in ``folder`` with LibreOffice; returns the PDF's path.

    Raises ``ExportError`` when LibreOffice is missing, fails, or takes longer than ``TIMEOUT_SECONDS``.
    """
    program = converter()
    profile = folder / "libreoffice-profile"
    command = [
        program,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        str(folder),
        str(docx),
    ]
    try:
        result = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise ExportError(f"LibreOffice took longer than {TIMEOUT_SECONDS} s to make the PDF") from None
    except OSError as error:
        raise ExportError(f"LibreOffice could not be started: {error.strerror or error}") from None
    pdf = folder / f"{docx.stem}.pdf"
    if result.returncode != 0 or not pdf.is_file():
        detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()
        raise ExportError("LibreOffice could not make the PDF" + (f": {detail[-1]}" if detail else ""))
    return pdf


def render(workshop: Workshop, *, now: float | None = None) -> bytes:
    """The PDF's bytes: the Word plan (``docx_export.render``) converted by LibreOffice."""
    with tempfile.TemporaryDirectory(prefix="workshop-pdf-") as temporary:
        folder = Path(temporary)
        docx = folder / "action-plan.docx"
        docx.write_bytes(docx_export.render(workshop, now=now))
        return convert(docx, folder).read_bytes()


def write_file(workshop: Workshop, path: Path, *, force: bool = False, now: float | None = None) -> Path:
    """Write the PDF action plan atomically; an existing file is kept unless ``force``."""
    check_target(path, force=force)
    return write_atomically(Path(path), render(workshop, now=now), force=force)
