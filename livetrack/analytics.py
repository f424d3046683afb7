"""Figures from frames: shares of Above, On and Below with the n behind them.

Pure functions over the counts the store returns, so each can be checked by
hand on a few rows.
"""

import pandas as pd

from livetrack.calendar import HALF_TERMS
from livetrack.domain import STATUSES

SMALL_GROUP_PUPILS = 5
"""A group with fewer pupils than this is too small to read as a finding."""
LEFT_OUT = f"under {SMALL_GROUP_PUPILS}"
"""In place of a count a figures-only role may not see: its group is too small."""

COUNT_COLUMNS = {"Below": "below", "On": "on", "Above": "above"}


def add_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """The counts with `pct_above`, `pct_on` and `pct_below` (0-100) beside them."""
    shares = counts.copy()
    total = shares["total"].where(shares["total"] > 0)
    for column in COUNT_COLUMNS.values():
        shares[f"pct_{column}"] = (100 * shares[column] / total).round(1)
    return shares


def shares_long(counts: pd.DataFrame, label: str) -> pd.DataFrame:
    """One row per group and status: count, percent and the group's n, for charts."""
    shares = add_shares(counts)
    rows = []
    for status in STATUSES:
        column = COUNT_COLUMNS[status]
        rows.append(
            pd.DataFrame(
                {
                    label: shares[label],
                    "status": status,
                    "count": shares[column],
                    "percent": shares[f"pct_{column}"],
                    "n": shares["total"],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def overall_shares(counts: pd.DataFrame) -> dict[str, tuple[int, float]]:
    """The count and percent of each status across every row of `counts`."""
    total = int(counts["total"].sum())
    result = {}
    for status, column in COUNT_COLUMNS.items():
        count = int(counts[column].sum())
        result[status] = (count, round(100 * count / total, 1) if total else 0.0)
    return result


def format_share(count: int, total: int) -> str:
    """'14% (57 of 410)': a share always with its n."""
    if total == 0:
        return "no pupils"
    return f"{100 * count / total:.0f}% ({count:,} of {total:,})"


def is_too_small(pupils) -> bool:
    """Whether a group is too small to read as a finding."""
    return int(pupils) < SMALL_GROUP_PUPILS


# Group gaps: each characteristic's group against the pupils it is compared
# with, as (label, fact column, group value, comparison value).
GAPS = [
    ("Pupil premium", "pupil_premium", True, False),
    ("SEN support", "send", "K", "N"),
    ("EHC plan", "send", "E", "N"),
    ("EAL", "eal", True, False),
    ("Girls against boys", "sex", "F", "M"),
    ("Looked after", "looked_after", True, False),
]
GAP_COLUMNS = [
    "gap", "group_pupils", "group_below", "group_above", "others_pupils",
    "others_below", "others_above", "below_gap", "above_gap", "too_small",
]  # fmt: skip


def group_gaps(counts_by: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each group's % Below and % Above beside those it is compared with.

    `counts_by` maps a fact column to its counts (from count_facts by that
    column). Gaps are in percentage points, group minus comparison; a gap
    is never drawn from a side of fewer than SMALL_GROUP_PUPILS pupils.
    """
    rows = []
    for label, column, group, others in GAPS:
        counts = add_shares(counts_by[column]).set_index(column)
        mine, theirs = _side(counts, group), _side(counts, others)
        too_small = is_too_small(mine["pupils"]) or is_too_small(theirs["pupils"])
        rows.append(
            [label, mine["pupils"], mine["pct_below"], mine["pct_above"],
             theirs["pupils"], theirs["pct_below"], theirs["pct_above"],
             None if too_small else round(mine["pct_below"] - theirs["pct_below"], 1),
             None if too_small else round(mine["pct_above"] - theirs["pct_above"], 1),
             too_small]
        )  # fmt: skip
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def _side(counts: pd.DataFrame, value) -> dict:
    if value not in counts.index:
        return {"pupils": 0, "pct_below": float("nan"), "pct_above": float("nan")}
    row = counts.loc[value]
    return {k: row[k] for k in ("pupils", "pct_below", "pct_above")}


def change_since(
    now: pd.DataFrame, before: pd.DataFrame | None, keys: list[str]
) -> pd.DataFrame:
    """Shares now beside the same groups' shares before, and the change in points."""
    shares = add_shares(now)
    if before is None or before.empty:
        for column in COUNT_COLUMNS.values():
            shares[f"change_{column}"] = float("nan")
        return shares
    earlier = add_shares(before)[keys + [f"pct_{c}" for c in COUNT_COLUMNS.values()]]
    merged = shares.merge(earlier, on=keys, how="left", suffixes=("", "_before"))
    for column in COUNT_COLUMNS.values():
        merged[f"change_{column}"] = (
            merged[f"pct_{column}"] - merged[f"pct_{column}_before"]
        ).round(1)
    return merged


# The concern list: points for each reason a pupil needs a closer look.
BELOW_SUBJECT_POINTS = 2
PERSISTENT_ABSENCE_POINTS = 3
SEVERE_ABSENCE_POINTS = 4
RISING_BEHAVIOUR_POINTS = 2
SEND_POINTS = 1
CONCERN_THRESHOLD_POINTS = 3
RISING_BEHAVIOUR_MIN_INCIDENTS = 2


def concern_reasons(pupil: dict) -> list[tuple[int, str]]:
    """Each reason a pupil is of concern, with its points, in plain words."""
    reasons = []
    if pupil["below"]:
        subjects = ", ".join(pupil["below_subjects"])
        reasons.append((
            BELOW_SUBJECT_POINTS * int(pupil["below"]),
            f"Below in {_count(pupil['below'], 'subject')} ({subjects})",
        ))  # fmt: skip
    band, attendance = pupil["attendance_band"], pupil["attendance_percent"]
    if band == "severe":
        reasons.append((SEVERE_ABSENCE_POINTS, f"severe absence ({attendance:.1f}%)"))
    elif band == "persistent":
        reasons.append(
            (PERSISTENT_ABSENCE_POINTS, f"persistent absence ({attendance:.1f}%)")
        )
    recent, before = int(pupil["negative_recent"]), int(pupil["negative_before"])
    if recent >= RISING_BEHAVIOUR_MIN_INCIDENTS and recent > before:
        reasons.append((
            RISING_BEHAVIOUR_POINTS,
            f"behaviour incidents rising ({recent} in the last six weeks, "
            f"{before} in the six before)",
        ))  # fmt: skip
    if pupil["send"] in ("K", "E"):
        reasons.append((SEND_POINTS, SEND_WORDS[pupil["send"]]))
    return reasons


SEND_WORDS = {"K": "SEN support", "E": "EHC plan"}


def concern_list(pupils: pd.DataFrame) -> pd.DataFrame:
    """Pupils ranked by their concern points, each with the reasons in words.

    SEND alone never puts a pupil on the list: it only adds to another reason.
    """
    rows = []
    for pupil in pupils.to_dict("records"):
        reasons = concern_reasons(pupil)
        points = sum(p for p, _ in reasons)
        if points >= CONCERN_THRESHOLD_POINTS and points > _send_points(reasons):
            why = "; ".join(text for _, text in reasons)
            rows.append({**pupil, "points": points, "why": why[0].upper() + why[1:]})
    ranked = pd.DataFrame(rows, columns=[*pupils.columns, "points", "why"])
    return ranked.sort_values(
        ["points", "below"], ascending=False, kind="stable"
    ).reset_index(drop=True)


def _send_points(reasons: list[tuple[int, str]]) -> int:
    return sum(p for p, text in reasons if text in SEND_WORDS.values())


def _count(n, noun: str) -> str:
    return f"{int(n)} {noun}{'' if int(n) == 1 else 's'}"


HALF_TERM_ORDER = {code: position for position, (code, _) in enumerate(HALF_TERMS)}


def latest_snapshot(snapshots: pd.DataFrame, school_id: int) -> pd.Series | None:
    """A school's most recent half-term snapshot, by the calendar, not the clock."""
    own = snapshots[snapshots["school_id"] == school_id]
    if own.empty:
        return None
    order = own["academic_year"] + own["half_term"].map(HALF_TERM_ORDER).astype(str)
    return own.loc[order.idxmax()]
