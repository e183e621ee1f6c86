"""The facilitator's preferences (theme, saved agenda templates), kept in one small JSON file in the data folder.

It lives in a ``settings/`` sub-folder so it is never mistaken for a workshop file, and is written atomically
(temporary file, fsync, replace) like everything else. A damaged settings file is set aside, never a reason not
to start: preferences are convenience, workshops are what must never be lost.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path
from typing import Any

from facilitation import catalogue
from workshop.store.fsutil import make_folder, write_atomically

SETTINGS_FILE = Path("settings") / "app.json"


class Settings:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / SETTINGS_FILE
        self._data: dict[str, Any] = self._load()

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                self.path.replace(self.path.with_suffix(f".damaged-{int(time.time())}"))
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self) -> None:
        """Write atomically through an exclusive temporary file (``0600``; a link in the way is replaced, never
        followed), in a ``0700`` folder."""
        make_folder(self.path.parent)
        data = json.dumps(self._data, ensure_ascii=False, indent=2).encode("utf-8")
        write_atomically(self.path, data, self.path.with_name(f".{self.path.name}.tmp-"))

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        """Store a preference; a failure to save is reported to the caller as ``OSError``."""
        self._data[key] = value
        self._save()

    # --- agenda templates ------------------------------------------------------------------------------

    def templates(self) -> dict[str, list[catalogue.StageTemplate]]:
        """Built-in templates first, then the facilitator's saved ones (a saved name may shadow none)."""
        found = {name: list(t.stages) for name, t in catalogue.BUILTIN_TEMPLATES.items()}
        for name, stages in (self._data.get("templates") or {}).items():
            try:
                found[name] = [catalogue.StageTemplate.from_dict(s) for s in stages]
            except (KeyError, TypeError, ValueError):
                continue
        return found

    def save_template(self, name: str, stages: list[catalogue.StageTemplate]) -> None:
        saved = dict(self._data.get("templates") or {})
        saved[name] = [s.to_dict() for s in stages]
        self.set("templates", saved)
