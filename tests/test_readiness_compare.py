"""The start-versus-end comparison of the readiness check (pure, over ``readiness_rounds``)."""

from __future__ import annotations

import pytest

from facilitation.readiness import readiness_rounds
from facilitation.readiness_compare import attitude_level, compare
from workshop.session import WorkshopSession

ALL = ("vision", "strategy", "purpose", "launch", "guide", "adapt")


def scores(*values: int) -> dict[str, int]:
    return dict(zip(ALL, values, strict=True))


def test_compare_pairs_attitudes_and_disciplines(session: WorkshopSession) -> None:
    ana, ben, chloe = (p.id for p in session.workshop.active_participants())
    session.readiness.record(ana, attitude="folly", scores=scores(1, 2, 3, 1, 1, 1))
    session.readiness.record(ben, attitude="fearful", scores=scores(2, 2, 3, 5, 1, 2))
    session.readiness.record(chloe, attitude="fearful", scores=scores(3, 2, 3, 2, 1, 3))
    session.readiness.record(ana, attitude="formulating", scores=scores(3, 2, 3, 2, 2, 1), round="end")
    session.readiness.record(ben, attitude="forging", scores=scores(3, 2, 4, 3, 2, 3), round="end")

    start, end = readiness_rounds(session.workshop)
    result = compare(start, end)

    assert [(a.name, a.start, a.end, a.change) for a in result.attitudes] == [
        ("Folly", 1, 0, -1),
        ("Fearful", 2, 0, -2),
        ("Flippant", 0, 0, 0),
        ("Formulating", 0, 1, 1),
        ("Forging", 0, 1, 1),
        ("Fusing", 0, 0, 0),
    ]
    assert result.start_level == pytest.approx(5 / 3)
    assert result.end_level == pytest.approx(4.5)
    assert result.level_change == pytest.approx(4.5 - 5 / 3)
    by_key = {d.key: d for d in result.disciplines}
    assert by_key["vision"].median_change == 1.0  # 2 → 3
    assert by_key["vision"].spread_change == -2  # 1–3 → 3–3
    assert by_key["strategy"].median_change == 0.0
    assert by_key["launch"].spread_change == -3  # 1–5 → 2–3
    assert by_key["purpose"].spread_change == 1  # 3–3 → 3–4
    assert result.improved == ("Vision", "Purpose", "Launch", "Guide")  # Adapt: median 2 both times
    assert result.declined == ()
    assert "Vision" in result.converged and "Purpose" in result.diverged
    sentence = result.sentence
    assert sentence.startswith("3 answers at the start, 2 answers at the end")
    assert "toward Fusing" in sentence and "rated higher: Vision" in sentence


def test_compare_with_missing_scores_says_nothing_about_them(session: WorkshopSession) -> None:
    ana, ben, _ = (p.id for p in session.workshop.active_participants())
    session.readiness.record(ana, attitude="fusing", scores={"vision": 4})
    session.readiness.record(ben, attitude=None, scores={"strategy": 2}, round="end")
    start, end = readiness_rounds(session.workshop)
    result = compare(start, end)
    by_key = {d.key: d for d in result.disciplines}
    assert by_key["vision"].median_change is None and by_key["vision"].spread_change is None
    assert result.end_level is None and result.level_change is None
    assert result.improved == result.declined == ()
    assert "attitudes" not in result.sentence


def test_attitude_level() -> None:
    assert attitude_level([("Folly", 0), ("Fearful", 0)]) is None
    assert attitude_level([("Folly", 1), ("Fearful", 1), ("Flippant", 2)]) == pytest.approx(2.25)


# --- the block-character charts the screens draw these numbers with ---------------------------------------


def test_bars_are_exact_to_an_eighth_and_never_vanish() -> None:
    from screens.charts import bar

    assert bar(4, 4, 10) == "█" * 10
    assert bar(1, 4, 10) == "██▌"  # 2.5 cells
    assert bar(1, 1000, 10) == "▏", "a non-zero value always shows"
    assert bar(0, 4, 10) == "" and bar(3, 0, 10) == ""


def test_range_track_and_scale_line_up() -> None:
    from screens.charts import range_track, scale_labels, spark

    assert scale_labels() == "1     2     3     4     5"
    assert range_track(2, 3, 4) == "······━━━━━━●━━━━━━······"
    assert range_track(2, 2.5, 3) == "······━━━●━━━············"
    assert range_track(None, None, None) == "·" * 25
    assert spark((0, 2, 4, 1, 0)) == "·▅█▃·"
    assert spark((0, 0)) == "··"
