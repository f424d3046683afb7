"""Whether interventions worked: pupils with one against similar pupils without.

For each intervention in a subject, the baseline is the last snapshot taken
on or before the day it started. At every later point (each later snapshot,
and the live statuses now where the caller adds them) the pupils who had an
intervention are compared with the pupils who, at that baseline, were in the
same subject, the same year group and the same status, and who had no
intervention in that subject before the later point. The figure is the share
On or Above at the later point, each with its n. Pupils missing at the later
point (left, or the subject no longer tracked) are in neither group.

Pure functions over frames, so every figure can be counted by hand.
"""

import pandas as pd

from livetrack.analytics import SMALL_GROUP_PUPILS, is_too_small

ON_OR_ABOVE = ("On", "Above")
IMPACT_COLUMNS = [
    "baseline", "later", "subject_id", "subject", "year_group", "start_status",
    "with_pupils", "with_on_or_above", "with_pct",
    "without_pupils", "without_on_or_above", "without_pct",
    "difference", "too_small",
]  # fmt: skip


def as_dates(days: pd.Series) -> pd.Series:
    """Dates, timestamps or text as plain dates, so they compare with each other."""
    return pd.to_datetime(days).dt.date


def ordered_points(history: pd.DataFrame) -> list[tuple[str, object]]:
    """Each point of the history (a snapshot, or now) with its date, oldest first."""
    points = history[["point", "moment"]].drop_duplicates("point")
    points = points.sort_values("moment", kind="stable")
    return list(zip(points["point"], points["moment"]))


def baseline_of(points: list[tuple[str, object]], starts_on) -> str | None:
    """The last point on or before a start date; None when it started before all."""
    before = [point for point, moment in points if moment <= starts_on]
    return before[-1] if before else None


def compare_impact(history: pd.DataFrame, starts: pd.DataFrame) -> pd.DataFrame:
    """With against without, by baseline, later point, subject, year and status.

    `history` has one row per pupil per subject per point: pupil_id,
    subject_id, subject, year_group, status, point and moment (a date).
    `starts` has one row per intervention: pupil_id, subject_id, starts_on.
    A side of fewer than SMALL_GROUP_PUPILS pupils leaves `difference` empty
    and `too_small` true.
    """
    history = history.assign(moment=as_dates(history["moment"]))
    points = ordered_points(history)
    starts = starts.assign(starts_on=as_dates(starts["starts_on"]))
    starts = starts.assign(
        baseline=[baseline_of(points, day) for day in starts["starts_on"]]
    ).dropna(subset=["baseline"])
    rows = []
    for (baseline, subject_id), started in starts.groupby(["baseline", "subject_id"]):
        at_start = history[
            (history["point"] == baseline) & (history["subject_id"] == subject_id)
        ]
        for later, moment in _points_after(points, baseline):
            cohort = _cohort(history, starts, at_start, started, later, moment)
            rows += _cells(cohort, baseline, later)
    return pd.DataFrame(rows, columns=IMPACT_COLUMNS)


def _points_after(points, baseline: str):
    names = [point for point, _ in points]
    return points[names.index(baseline) + 1 :]


def _cohort(history, starts, at_start, started, later, moment) -> pd.DataFrame:
    """The baseline's pupils with their later status and their side, or dropped."""
    subject_id = at_start["subject_id"].iloc[0] if len(at_start) else None
    at_later = history[
        (history["point"] == later) & (history["subject_id"] == subject_id)
    ].set_index("pupil_id")["status"]
    treated = set(started["pupil_id"])
    had_one = set(
        starts[(starts["subject_id"] == subject_id) & (starts["starts_on"] < moment)][
            "pupil_id"
        ]
    )
    cohort = at_start.assign(later_status=at_start["pupil_id"].map(at_later))
    cohort = cohort.dropna(subset=["later_status"])
    side = cohort["pupil_id"].map(
        lambda pupil: "with" if pupil in treated else (
            None if pupil in had_one else "without"
        )
    )  # fmt: skip
    return cohort.assign(side=side).dropna(subset=["side"])


def _cells(cohort: pd.DataFrame, baseline: str, later: str) -> list[list]:
    rows = []
    for (year_group, status), cell in cohort.groupby(["year_group", "status"]):
        with_side = _side(cell[cell["side"] == "with"])
        if not with_side[0]:
            continue
        without_side = _side(cell[cell["side"] == "without"])
        too_small = is_too_small(with_side[0]) or is_too_small(without_side[0])
        difference = None if too_small else round(with_side[2] - without_side[2], 1)
        rows.append([
            baseline, later, cell["subject_id"].iloc[0], cell["subject"].iloc[0],
            year_group, status, *with_side, *without_side, difference, too_small,
        ])  # fmt: skip
    return rows


def _side(pupils: pd.DataFrame) -> tuple[int, int, float | None]:
    """How many pupils, how many On or Above later, and that as a percent."""
    pupils = pupils.drop_duplicates("pupil_id")
    count = len(pupils)
    on_or_above = int(pupils["later_status"].isin(ON_OR_ABOVE).sum())
    return count, on_or_above, round(100 * on_or_above / count, 1) if count else None


def describe_side(pupils: int, on_or_above: int) -> str:
    """'60% (3 of 5)', or 'too small to read (n = 2)' under SMALL_GROUP_PUPILS."""
    if pupils == 0:
        return "no pupils"
    share = f"{100 * on_or_above / pupils:.0f}% ({on_or_above} of {pupils})"
    if is_too_small(pupils):
        return f"too small to read (n = {pupils}; n < {SMALL_GROUP_PUPILS})"
    return share
