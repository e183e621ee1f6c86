"""The private Textual APIs behind the tick boxes and tables, kept apart from ``screens.internals`` so that the
first frame of ``workshop open`` does not import the widgets they build on.

The same rules as ``screens.internals`` hold here (each use pinned by ``tests/test_internals.py``;
``tests/test_private_apis.py`` allows private names only in these two modules). What is here (Textual 8.2.8):

- ``DrawnButtonCheckbox``, ``selected_values``, ``WholeSelection``: how a checkbox's button is drawn, which values a
  ``SelectionList`` has ticked, an option that keeps its whole prompt (the tick boxes that read ``[x]`` from the
  back of a room).
- ``FixedSizeDataTable``: a ``DataTable`` whose rows are all one line and whose columns have fixed widths, which
  skips ``DataTable``'s measuring of every new cell.

Importing ``Checkbox``, ``SelectionList`` and ``DataTable`` costs about 6 ms of CPU (measured on the sandbox), and
the stage screen that ``workshop open`` draws first uses none of them: the screens that do (set-up, voting, the
action plan, the readiness check) import this module. ``tests/test_startup_imports.py`` keeps them out of start-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from textual.content import Content
from textual.geometry import Size
from textual.visual import VisualType
from textual.widgets import Checkbox, DataTable, SelectionList
from textual.widgets.data_table import CellType, RowKey
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

# --- toggle buttons (textual.widgets._toggle_button, _selection_list) ----------------------------------


class DrawnButtonCheckbox(Checkbox):
    """A ``Checkbox`` whose button is whatever ``button_content`` returns (Textual draws the same ``▐X▌`` on and
    off). ``ToggleButton._button`` is the private property Textual draws the button from; pinned by
    ``tests/test_internals.py``."""

    def button_content(self) -> Content:
        """The button as drawn (default: Textual's)."""
        return super()._button

    @property
    def _button(self) -> Content:
        return self.button_content()


SelectionValue = TypeVar("SelectionValue")


class WholeSelection(Selection[SelectionValue]):
    """A ``Selection`` whose prompt is any visual, kept whole: ``Selection.__init__`` turns its prompt into
    ``Content`` and keeps only the first line. Built as an ``Option``, then given ``Selection``'s own two
    attributes (``_value``, ``_initial_state``). Pinned by ``tests/test_ticks.py``."""

    def __init__(
        self, prompt: VisualType, value: SelectionValue, initial_state: bool = False, id: str | None = None
    ) -> None:
        Option.__init__(self, prompt, id)
        self._value = value
        self._initial_state = initial_state


def selected_values(selection_list: SelectionList[Any]) -> Mapping[Any, None]:
    """The values ticked in ``selection_list``, for a membership test per drawn line (``SelectionList._selected``;
    the public ``selected`` builds a new list on every call)."""
    return selection_list._selected


# --- DataTable's measuring (textual.widgets._data_table) -------------------------------------------------


class FixedSizeDataTable(DataTable[CellType]):
    """A ``DataTable`` whose columns have fixed widths and whose rows are all one line: nothing to measure.

    ``DataTable._update_dimensions`` measures every new cell by drawing it (200 rows took 140 ms); here it only
    sets the scrollable size, from ``_row_label_column_width`` and ``_total_row_height`` as ``DataTable`` does.
    Give every column a ``width`` and no row a height other than 1. Pinned by ``tests/test_internals.py``.
    """

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width, self._total_row_height + header)


__all__ = ["DrawnButtonCheckbox", "FixedSizeDataTable", "WholeSelection", "selected_values"]
