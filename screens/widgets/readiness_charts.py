"""The readiness check's charts as Rich ``Text``: the same drawing on the facilitator's screen and the projector.

The spread of attitudes as bars and, per discipline, the median and range on a 1–5 scale in block characters, with
the disciplines the room disagrees on most flagged; and the start of the workshop against its end. The numbers come
from ``facilitation.readiness`` (and ``readiness_compare``), as in the exports.
"""

from __future__ import annotations

from rich.text import Text

from facilitation import text
from facilitation.readiness import DisciplineScore, ReadinessRound
from facilitation.readiness_compare import ReadinessComparison
from screens.charts import bar, range_track, scale_labels, spark
from screens.widgets.cells import pad

LABEL_WIDTH = 14
ATTITUDE_BAR = 26


def attitude_chart(rnd: ReadinessRound, accent: str = "bold") -> Text:
    """One bar per attitude, least to most ready, with the count; the most named is pointed out."""
    chart = Text()
    chart.append(
        f"Attitude the room sees today ({text.plural(rnd.attitude_answers, 'answer')})", style="bold"
    )
    if rnd.caveat:
        chart.append(f"  ⚠ {rnd.caveat}", style="bold reverse")
    chart.append("\n")
    top = max((count for _, count in rnd.attitudes), default=0)
    for name, count in rnd.attitudes:
        chart.append(f"  {pad(name, LABEL_WIDTH - 2)}")
        drawn = bar(count, top, ATTITUDE_BAR)
        chart.append(drawn or "·", style=accent if drawn else "dim")
        chart.append(" " * (ATTITUDE_BAR - len(drawn or "·") + 1))
        chart.append(f"{count:>2}", style="bold")
        if name in rnd.most_named:
            chart.append("  ◀ most named", style="bold")
        chart.append("\n")
    return chart


def track_text(score: DisciplineScore, style: str) -> Text:
    """The 1–5 track with the range and median in ``style`` and the rest of the scale faint."""
    track = Text()
    for cell in range_track(score.minimum, score.median, score.maximum):
        track.append(cell, style="dim" if cell == "·" else style)
    return track


def _score_notes(score: DisciplineScore) -> str:
    if score.count == 0:
        return "no scores"
    return f"median {score.median_text:<3}  range {score.range_text:<3}  {spark(score.histogram)}"


def discipline_chart(rnd: ReadinessRound, accent: str = "bold") -> Text:
    """Per discipline, on a 1–5 scale: ``━`` the range of scores, ``●`` the median; disagreement flagged."""
    chart = Text()
    chart.append("Score per discipline", style="bold")
    chart.append("  ● median  ━ range  ▁▅█ how many gave 1…5\n")
    chart.append(" " * LABEL_WIDTH + scale_labels(), style="bold")
    chart.append("   1 absent … 5 a strength\n")
    for score in rnd.disciplines:
        chart.append(f"  {pad(score.title, LABEL_WIDTH - 2)}")
        chart.append_text(track_text(score, accent))
        chart.append(f"  {_score_notes(score)}")
        if score.title in rnd.disagreement:
            chart.append("  ⚠ disagree", style="bold reverse")
        chart.append("\n")
    if rnd.disagreement:
        chart.append(
            f"The room disagrees most on {', '.join(rnd.disagreement)}: worth a conversation before voting.\n",
            style="bold",
        )
    return chart


def _change(value: float | None, *, unit: str = "") -> tuple[str, str]:
    if value is None:
        return "", ""
    if abs(value) < 0.05:
        return "  = same", ""
    arrow = "▲" if value > 0 else "▼"
    return f"  {arrow} {value:+g}{unit}", "bold"


def comparison_chart(comparison: ReadinessComparison, accent: str = "bold") -> Text:
    """Start against end: attitude counts side by side, and each discipline's two tracks one above the other."""
    chart = Text()
    chart.append("Start → end of the workshop\n", style="bold underline")
    chart.append(comparison.sentence + "\n\n")
    chart.append(f"{'Attitudes':<{LABEL_WIDTH}}start    end\n", style="bold")
    for change in comparison.attitudes:
        chart.append(f"  {pad(change.name, LABEL_WIDTH - 2)}{change.start:>5}  → {change.end:>3}")
        chart.append(*_change(change.change))
        chart.append("\n")
    if comparison.start_level is not None and comparison.end_level is not None:
        chart.append(
            f"  on the ladder from 1 (Folly) to 6 (Fusing): {comparison.start_level:.1f} → {comparison.end_level:.1f}"
        )
        delta = comparison.level_change or 0.0
        chart.append(*_change(round(delta, 1)))
        chart.append("\n")
    chart.append("\n")
    chart.append(f"{'Disciplines':<{LABEL_WIDTH + 6}}" + scale_labels() + "\n", style="bold")
    for discipline in comparison.disciplines:
        for when, answers in (("start", discipline.start), ("end", discipline.end)):
            title = discipline.title if when == "start" else ""
            chart.append(f"  {pad(title, LABEL_WIDTH - 2)}")
            chart.append(f"{when:<6}", style="dim" if when == "start" else "bold")
            chart.append_text(track_text(answers, "" if when == "start" else accent))
            chart.append(f"  {answers.median_text or '–'}")
            if when == "end":
                chart.append(*_change(discipline.median_change))
                spread = discipline.spread_change
                if spread:
                    chart.append("  · less agreement" if spread > 0 else "  · more agreement")
            chart.append("\n")
    return chart
