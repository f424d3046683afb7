"""The Record page's grid as plain data: pupils down, statuses across, and the
edits a teacher made turned back into status changes.

The grid editor reports edits by row position and column name, so every
function here works from the frame that was shown, never from a fresh read.
"""

from dataclasses import dataclass

import pandas as pd

from livetrack.calendar import SCHOOL_TIME_ZONE
from livetrack.store.statuses import StatusChange

PUPIL = "Pupil"
EVIDENCE = "Evidence"
NOTE = "Note"
LAST_CHANGE = "Last change"


@dataclass(frozen=True)
class PendingChange:
    """A changed cell, described for the teacher before they save it."""

    pupil: str
    subject: str
    was: str
    now: str
    change: StatusChange


def last_change_text(statuses: pd.DataFrame) -> pd.Series:
    """'Below · Quiz · Ms Patel, 2 Dec': who last changed a status, how and when."""
    when = pd.to_datetime(statuses["changed_at"], utc=True).dt.tz_convert(
        SCHOOL_TIME_ZONE
    )
    text = (
        statuses["status"] + " · " + statuses["evidence"].fillna("no evidence")
        + " · " + statuses["changed_by"].fillna("") + ", " + when.dt.strftime("%-d %b")
    )  # fmt: skip
    return text.where(statuses["changed_at"].notna(), "")


def build_grid(statuses: pd.DataFrame, subjects: list[str]) -> pd.DataFrame:
    """One row per pupil: name, a status per subject, evidence and note to fill in.

    `Last change` names the pupil's most recent change, in the subject when
    there is one subject, across subjects otherwise.
    """
    pupils = statuses.drop_duplicates("pupil_id").set_index("pupil_id")
    wide = statuses.pivot(index="pupil_id", columns="subject", values="status")
    latest = statuses.sort_values("changed_at", na_position="first").drop_duplicates(
        "pupil_id", keep="last"
    )
    latest_text = last_change_text(latest)
    if len(subjects) > 1:
        latest_text = latest["subject"] + ": " + latest_text.where(latest_text != "")
    grid = pd.DataFrame(index=pupils.index)
    grid[PUPIL] = pupils["first_name"] + " " + pupils["legal_last_name"]
    for subject in subjects:
        grid[subject] = wide[subject].reindex(grid.index)
    grid[EVIDENCE] = pd.Series(None, index=grid.index, dtype="str")
    grid[NOTE] = pd.Series(None, index=grid.index, dtype="str")
    grid[LAST_CHANGE] = (
        latest_text.set_axis(latest["pupil_id"]).reindex(grid.index).fillna("")
    )
    return grid.reset_index()


def pending_changes(
    statuses: pd.DataFrame,
    grid: pd.DataFrame,
    edited_rows: dict[int, dict],
    subjects: list[str],
    default_evidence: str | None,
) -> list[PendingChange]:
    """The cells the teacher changed, with the evidence and note to save."""
    cells = statuses.set_index(["pupil_id", "subject"])
    pending = []
    for position, edits in sorted(edited_rows.items()):
        row = grid.iloc[int(position)]
        evidence = edits.get(EVIDENCE) or default_evidence
        note = (edits.get(NOTE) or "").strip() or None
        for subject in subjects:
            now = edits.get(subject)
            if now is None:
                continue
            cell = cells.loc[(row["pupil_id"], subject)]
            if now == cell["status"]:
                continue
            seen = None if pd.isna(cell["change_id"]) else int(cell["change_id"])
            change = StatusChange(
                int(row["pupil_id"]), int(cell["subject_id"]), now, evidence, note, seen
            )
            pending.append(
                PendingChange(row[PUPIL], subject, cell["status"], now, change)
            )
    return pending
