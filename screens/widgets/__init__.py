"""Reusable widgets for the workshop screens: each draws one piece of session state and nothing else."""

from screens.widgets.agenda_strip import AgendaStrip, StageMark, drawn_drift, stage_marks
from screens.widgets.key_bar import KeyBar
from screens.widgets.note_list import NoteList, note_prompt
from screens.widgets.timer_display import TimerDisplay

__all__ = [
    "AgendaStrip",
    "KeyBar",
    "NoteList",
    "StageMark",
    "TimerDisplay",
    "drawn_drift",
    "note_prompt",
    "stage_marks",
]
