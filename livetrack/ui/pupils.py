"""Pupils as a leader's table shows them: named where the scope allows, else by code."""

import pandas as pd

from livetrack.domain import SEND_PROVISIONS, year_group_label
from livetrack.scope import Scope


def pupil_labels(pupils: pd.DataFrame, scope: Scope) -> pd.Series:
    """'Cian Bell', or 'Pupil 10' where names may not be shown."""
    codes = "Pupil " + pupils["pupil_id"].astype(str)
    if not scope.names_visible:
        return codes
    names = pupils["first_name"] + " " + pupils["last_name"]
    return names.where(names.notna(), codes)


def pupil_table(pupils: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """One row per pupil with their statuses and context, for leaders to read."""
    return pd.DataFrame(
        {
            "Pupil": pupil_labels(pupils, scope),
            "Year": pupils["year_group"].map(year_group_label),
            "Class": pupils["class_name"],
            "Below in": pupils["below_subjects"].map(_subjects),
            "Above in": pupils["above_subjects"].map(_subjects),
            "Attendance": pupils["attendance_percent"].map(_attendance),
            "Negative incidents (6 weeks)": pupils["negative_recent"],
            "SEND": pupils["send"].map(SEND_PROVISIONS),
            "PP": pupils["pupil_premium"].map({True: "Yes", False: "No"}),
        }
    )


def _subjects(subjects) -> str:
    if subjects is None or (not hasattr(subjects, "__len__") and pd.isna(subjects)):
        return ""
    return ", ".join(subjects)


def _attendance(percent) -> str:
    return "no data" if pd.isna(percent) else f"{percent:.1f}%"
