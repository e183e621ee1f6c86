"""No module of ``screens/`` or ``room/`` but ``screens/internals.py`` (and ``internals_widgets.py``) reaches into
Textual's or Rich's private API.

Private names change between releases without notice; ``screens/internals.py`` holds every use, each pinned by
``tests/test_internals.py``. This test reads the source of every other module and fails on:

- an import from a private module or of a private name (``from rich._wrap import ...``, ``textual.widgets._x``);
- in a class with a Textual or Rich class among its bases, or mixed into one (``WorkshopScreenMixin``), a method
  named ``_x`` or a use of ``self._x`` / ``super()._x`` where ``_x`` belongs to one of those Textual or Rich
  classes: overriding or reading a private member (including handlers such as ``_on_key``, which Textual calls
  by that private name; the public ``on_key`` does the same job);
- ``something._x`` on any other object when ``_x`` is a private name that Textual or Rich define and this
  project does not (``option._divider``), and ``getattr(obj, "_x")`` with such a name.

A private name this project also defines for itself on another object is not caught by the last rule; the
second catches it on Textual's and Rich's own classes, where a clash is an override whether meant or not.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import re
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import rich
import textual

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("screens", "room")
ALLOWED = {Path("screens/internals.py"), Path("screens/internals_widgets.py")}
EXTERNAL = ("textual", "rich")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _modules(folders: tuple[str, ...]) -> Iterator[tuple[Path, ast.Module]]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path.relative_to(ROOT), ast.parse(path.read_text(encoding="utf-8"))


def _defined_privates(trees: list[ast.Module]) -> set[str]:
    """Private names defined in ``trees`` (functions, classes, assigned attributes and names)."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
    return {name for name in names if _private(name)}


@functools.cache
def _library_privates() -> frozenset[str]:
    """Every private name Textual and Rich define or use as an attribute."""
    trees = []
    for package in (textual, rich):
        for path in Path(package.__file__).parent.rglob("*.py"):
            trees.append(ast.parse(path.read_text(encoding="utf-8")))
    names = _defined_privates(trees)
    for tree in trees:
        names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and _private(n.attr)}
    return frozenset(names)


@functools.cache
def _project_privates() -> frozenset[str]:
    return frozenset(
        _defined_privates(
            [tree for path, tree in _modules(("screens", "room", "workshop", "facilitation", "exports"))]
        )
    )


def _external(cls: type) -> bool:
    return cls.__module__.split(".")[0] in EXTERNAL


@functools.cache
def _members_in_source(cls: type) -> frozenset[str]:
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return frozenset()
    return frozenset(re.findall(r"self\.(_[A-Za-z]\w*)", source))


def _all_subclasses(cls: type) -> list[type]:
    found, todo = [cls], [cls]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.append(sub)
                todo.append(sub)
    return found


def _owner(cls: type, name: str) -> type | None:
    """The Textual or Rich class, among the bases of ``cls`` or of a class it is mixed into, that has ``name``."""
    for user in _all_subclasses(cls):
        for base in user.__mro__:
            if not _external(base):
                continue
            if (
                name in vars(base)
                or name in _members_in_source(base)
                or name in getattr(base, "__slots__", ())
            ):
                return base
    return None


def _module_name(path: Path) -> str:
    parts = list(path.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _named_access(node: ast.AST) -> tuple[ast.expr, str] | None:
    """``(obj, "_x")`` for ``getattr(obj, "_x")``, ``setattr(obj, "_x", ...)`` or ``hasattr(obj, "_x")``."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) >= 2):
        return None
    name = node.args[1]
    if (
        node.func.id in ("getattr", "setattr", "hasattr")
        and isinstance(name, ast.Constant)
        and isinstance(name.value, str)
        and _private(name.value)
    ):
        return node.args[0], name.value
    return None


def _is_self(node: ast.expr) -> bool:
    """``self``, ``cls`` or ``super()``."""
    if isinstance(node, ast.Name):
        return node.id in ("self", "cls")
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def _own_access(node: ast.AST) -> str | None:
    """``_x`` for ``self._x``, ``cls._x``, ``super()._x``, ``getattr(self, "_x")``; else None."""
    if isinstance(node, ast.Attribute) and _private(node.attr) and _is_self(node.value):
        return node.attr
    named = _named_access(node)
    return named[1] if named is not None and _is_self(named[0]) else None


def private_uses() -> list[str]:
    """Every reach into a private Textual or Rich name outside ``screens/internals.py``, as ``path:line: what``."""
    found: list[str] = []
    library, project = _library_privates(), _project_privates()
    for path, tree in _modules(SCANNED):
        if path in ALLOWED:
            continue
        where = f"{path}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                )
                for module in modules:
                    parts = module.split(".")
                    if parts[0] in EXTERNAL and any(_private(p) for p in parts):
                        found.append(f"{where}:{node.lineno}: imports the private module {module}")
                    elif parts[0] in EXTERNAL and isinstance(node, ast.ImportFrom):
                        found += [
                            f"{where}:{node.lineno}: imports the private name {a.name} from {module}"
                            for a in node.names
                            if _private(a.name)
                        ]
            elif isinstance(node, ast.Attribute) and _private(node.attr) and _own_access(node) is None:
                if node.attr in library and node.attr not in project:
                    found.append(
                        f"{where}:{node.lineno}: uses {ast.unparse(node)}, private to Textual or Rich"
                    )
            elif (named := _named_access(node)) and not _is_self(named[0]) and named[1] in library - project:
                found.append(f"{where}:{node.lineno}: reads {named[1]} by name, private to Textual or Rich")
        classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
        if not classes:
            continue
        module = importlib.import_module(_module_name(path))
        for node in classes:
            cls = getattr(module, node.name)
            for inner in ast.walk(node):
                if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef) and _private(inner.name):
                    name, what = inner.name, "overrides"
                else:
                    name, what = _own_access(inner), "uses"
                if name is not None and (owner := _owner(cls, name)) is not None:
                    found.append(
                        f"{where}:{inner.lineno}: {node.name} {what} {name} of {owner.__module__}.{owner.__qualname__}"
                    )
    return sorted(set(found))


def test_no_private_textual_or_rich_name_outside_internals() -> None:
    uses = private_uses()
    assert not uses, "Move these into screens/internals.py (with a pinning test):\n" + "\n".join(uses)


def test_the_scan_finds_each_kind_of_private_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan itself can fail: a module with one use of each kind is reported line by line."""
    package = tmp_path / "scanned_example"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "bad.py").write_text(
        textwrap.dedent("""
        from rich._wrap import divide_line
        from textual.screen import Screen
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option


        class Quiet:
            def _on_screen_resume(self, event): ...


        class Lines(OptionList):
            def _update_lines(self):
                self._line_cache.clear()

            def mine(self):
                self._my_own = 1


        class QuietScreen(Quiet, Screen): ...


        def divider(option: Option) -> bool:
            return option._divider or getattr(option, "_visual") is None
        """)
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "SCANNED", ("scanned_example",))
    _project_privates.cache_clear()
    try:
        found = "\n".join(private_uses())
    finally:
        _project_privates.cache_clear()
    assert "bad.py:2: imports the private module rich._wrap" in found
    assert "bad.py:9: Quiet overrides _on_screen_resume" in found  # mixed into a Screen below
    assert "bad.py:13: Lines overrides _update_lines" in found
    assert "bad.py:14: Lines uses _line_cache" in found
    assert "option._divider" in found and "reads _visual by name" in found
    assert "_my_own" not in found  # the project's own private names are its business
    assert len(found.splitlines()) == 6, found
