"""The pupil profile: one pupil's whole picture over time, for a SEND review or an
EHC plan application, on screen and as a PDF.
"""

from dataclasses import dataclass

import pandas as pd

from livetrack.domain import SEND_PROVISIONS, year_group_label
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.interventions import load_actions, load_interventions
from livetrack.store.profile import (
    load_pupil,
    load_pupil_attendance,
    load_pupil_behaviour,
    load_pupil_changes,
    load_pupil_timeline,
)


@dataclass(frozen=True)
class PupilProfile:
    """Everything the profile shows of one pupil, read through one scope."""

    pupil: dict
    timeline: pd.DataFrame
    changes: pd.DataFrame
    attendance: pd.DataFrame
    behaviour: pd.DataFrame
    interventions: pd.DataFrame
    actions: pd.DataFrame

    @property
    def title(self) -> str:
        return pupil_title(self.pupil)


def load_profile(
    store: Store, scope: Scope, pupil_id: int, academic_year: str
) -> PupilProfile:
    """A pupil's profile; NotAllowed (before anything is read) when out of reach."""
    pupil = load_pupil(store, scope, pupil_id)
    return PupilProfile(
        pupil=pupil,
        timeline=load_pupil_timeline(store, scope, pupil_id, academic_year),
        changes=load_pupil_changes(store, scope, pupil_id),
        attendance=load_pupil_attendance(store, scope, pupil_id),
        behaviour=load_pupil_behaviour(store, scope, pupil_id),
        interventions=load_interventions(store, scope, pupil_id=pupil_id),
        actions=load_actions(store, scope, pupil_id),
    )


def pupil_title(pupil: dict) -> str:
    """'Amy Adams' where names may be seen, otherwise 'Pupil 12'."""
    if isinstance(pupil.get("first_name"), str):
        return f"{pupil['first_name']} {pupil['last_name']}"
    return f"Pupil {pupil['id']}"


def pupil_facts(pupil: dict) -> list[tuple[str, str]]:
    """The pupil's details as label and words, SEND need only where it was read."""
    send = SEND_PROVISIONS.get(pupil["send"], pupil["send"])
    if isinstance(pupil.get("primary_need"), str):
        send += f" (primary need {pupil['primary_need']})"
    flags = [
        words for column, words in (
            ("pupil_premium", "Pupil premium"), ("fsm", "Free school meals"),
            ("eal", "EAL"), ("looked_after", "Looked after"),
        ) if pupil.get(column)
    ]  # fmt: skip
    facts = [
        ("Year group", year_group_label(int(pupil["year_group"]))),
        ("Class", pupil.get("class_name") or "none"),
        ("SEND", send),
        ("Other", ", ".join(flags) or "none recorded"),
    ]
    if pd.notna(pupil.get("left_on")):
        facts.append(("Left", f"{pd.Timestamp(pupil['left_on']):%-d %B %Y}"))
    return facts


def status_timeline(timeline: pd.DataFrame) -> pd.DataFrame:
    """Subjects down, points across (oldest first, now last), statuses in the cells."""
    if timeline.empty:
        return pd.DataFrame(columns=["Subject"])
    points = list(dict.fromkeys(timeline.sort_values("moment")["point"]))
    table = timeline.pivot_table(
        index=["position", "subject"], columns="point", values="status",
        aggfunc="last",
    )  # fmt: skip
    table = table.reindex(columns=points).fillna("–").reset_index(level="position")
    table = table.drop(columns="position").reset_index()
    table.columns.name = None
    return table.rename(columns={"subject": "Subject"})


def context_over_time(timeline: pd.DataFrame) -> pd.DataFrame:
    """Attendance to date and behaviour counts at each point of the timeline."""
    if timeline.empty:
        return pd.DataFrame(columns=["Point", "Attendance %", "Negative", "Positive"])
    by_point = timeline.sort_values("moment").drop_duplicates("point")
    return pd.DataFrame(
        {
            "Point": by_point["point"],
            "Attendance %": by_point["attendance_percent"],
            "Negative": by_point["negative_incidents"].astype(int),
            "Positive": by_point["positive_incidents"].astype(int),
        }
    ).reset_index(drop=True)
