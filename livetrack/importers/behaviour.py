"""The behaviour import: incidents from an MIS report, each counted once.

A file holds one row per incident: UPN, date, positive or negative,
category and points (and the MIS's own incident id, when the report has
one). Each incident gets a natural key, so a file imported twice, or a
later export that repeats earlier incidents, adds only what is new. Two
identical incidents on one day are two incidents: the key counts them.
"""

import logging
import re
import time
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from livetrack.importers.fields import (
    BadValue,
    Field,
    Mapping,
    read_date,
    read_upn,
    spellings,
    squash,
    whole_number_text,
)
from livetrack.importers.files import Source
from livetrack.importers.pupils import file_name_of
from livetrack.importers.sessions import (
    find_pupils,
    read_label,
    school_with_pupils,
)
from livetrack.importers.table import read_table, rejected, repeated, with_blanks
from livetrack.store import Store
from livetrack.store.behaviour import KEYED_INCIDENT_COLUMNS, add_new_incidents
from livetrack.store.imports import (
    load_column_mapping,
    load_incident_keys,
    load_pupil_names,
    record_import,
    write_column_mapping,
)

log = logging.getLogger(__name__)

KIND = "behaviour"
WHAT = "behaviour file"
MOST_POINTS = 1000

# SIMS calls positive events achievements and negative ones behaviour.
KIND_WORDS = spellings(
    {
        "positive": ("positive", "pos", "p", "achievement", "achievements",
                     "reward", "rewards", "praise", "merit", "merits",
                     "housepoint", "housepoints", "commendation", "good"),
        "negative": ("negative", "neg", "n", "behaviour", "behaviourincident",
                     "incident", "sanction", "sanctions", "concern", "demerit",
                     "demerits", "poor", "bad", "negativebehaviour"),
    }
)  # fmt: skip


def read_kind(text: str) -> str:
    """Positive or negative, from the words an MIS uses (or + and -)."""
    if text.strip() in ("+", "-"):
        return "positive" if text.strip() == "+" else "negative"
    kind = KIND_WORDS.get(squash(text))
    if kind is None:
        raise BadValue("should be Positive or Negative")
    return kind


def read_points(text: str) -> int:
    """Points, a whole number; negative incidents may carry minus points."""
    number = whole_number_text(text.replace("−", "-").lstrip("+"))
    if not re.fullmatch(r"-?\d{1,6}", number) or abs(int(number)) > MOST_POINTS:
        raise BadValue(f"is not a whole number of points (-{MOST_POINTS} to "
                       f"{MOST_POINTS})")  # fmt: skip
    return int(number)


def read_incident_id(text: str) -> str:
    return read_label(text, longest=64)


BEHAVIOUR_FIELDS = [
    Field("upn", "UPN", ("UPN", "Unique Pupil Number", "Pupil UPN", "Student UPN"),
          read_upn),
    Field("occurred_on", "incident date",
          ("Incident Date", "Date", "Event Date", "Date of Incident", "Occurred On",
           "Behaviour Date", "Incident Date/Time", "Date/Time", "Date Time",
           "Achievement Date", "Event Date/Time", "Incident Datetime"),
          read_date),
    Field("kind", "type (positive or negative)",
          ("Type", "Positive/Negative", "Positive or Negative", "Polarity",
           "Incident Type", "Behaviour Type", "Event Type", "Kind",
           "Positive/Negative Type", "Record Type"),
          read_kind),
    Field("category", "category",
          ("Category", "Incident Category", "Behaviour Category", "Reason",
           "Achievement Type", "Behaviour", "Incident", "Category Name"),
          read_label, None),
    Field("points", "points",
          ("Points", "Point", "Points Awarded", "Score", "Value", "Total Points",
           "Point Value"),
          read_points, 0),
    Field("incident_id", "incident id",
          ("Incident ID", "Behaviour ID", "Event ID", "Incident Reference",
           "Record ID", "Incident No", "Achievement ID", "ID"),
          read_incident_id, None),
]  # fmt: skip

PREVIEW_COLUMNS = ["pupil", "positive", "negative", "points", "already_held"]


@dataclass(frozen=True)
class BehaviourSummary:
    school_id: int
    incidents: int
    added: int
    already_held: int
    written: bool

    def __str__(self) -> str:
        if not self.written:
            return (
                f"{self.incidents} incidents, {self.incidents - self.already_held} "
                f"new, {self.already_held} already in LiveTrack"
            )
        return (
            f"{self.incidents} incidents, {self.added} added, "
            f"{self.incidents - self.added} already in LiveTrack"
        )


@dataclass(frozen=True)
class BehaviourPlan:
    """What importing a behaviour file will add, before anything is written.

    `incidents` are ready for the table (KEYED_INCIDENT_COLUMNS) with `held`
    saying which LiveTrack already has; `preview` is per pupil, in words.
    """

    school_id: int
    incidents: pd.DataFrame
    held: pd.Series
    preview: pd.DataFrame

    @property
    def new(self) -> int:
        return int((~self.held).sum())

    def summary(self, added: int, written: bool) -> BehaviourSummary:
        return BehaviourSummary(
            self.school_id, len(self.incidents), added, int(self.held.sum()), written
        )


def plan_behaviour(
    store: Store,
    school_id: int | None,
    source: Source,
    mapping: Mapping | None = None,
) -> BehaviourPlan:
    """Read and check a whole behaviour file against the school's pupils."""
    school_id = school_with_pupils(store, school_id, WHAT)
    chosen = {**load_column_mapping(store, school_id, KIND), **(mapping or {})}
    table = read_table(source, BEHAVIOUR_FIELDS, WHAT, "incidents", chosen)
    records = with_blanks(table.rows, BEHAVIOUR_FIELDS)
    pupil_ids, unknown = find_pupils(store, school_id, records)
    problems = table.problems + unknown + _repeated_ids(records)
    if problems:
        raise rejected(problems, WHAT)
    incidents = pd.DataFrame(records).assign(
        pupil_id=pupil_ids, natural_key=natural_keys(records)
    )
    incidents = incidents.reindex(columns=KEYED_INCIDENT_COLUMNS)
    held = _held(store, incidents)
    return BehaviourPlan(school_id, incidents, held, _preview(store, incidents, held))


def natural_keys(records: list[dict]) -> list[str]:
    """Each incident's key: the MIS id, else what it is and which of its like.

    Identical incidents of one pupil on one day are numbered in file order, so
    two stay two, and a file brought in again numbers them the same way.
    """
    seen: Counter = Counter()
    keys = []
    for record in records:
        if record.get("incident_id"):
            keys.append(f"id:{record['incident_id']}")
            continue
        what = (
            record["upn"], f"{record['occurred_on']:%Y-%m-%d}", record["kind"],
            (record.get("category") or "").casefold(), record.get("points", 0),
        )  # fmt: skip
        seen[what] += 1
        keys.append("|".join(str(part) for part in (*what[1:], seen[what])))
    return keys


def _repeated_ids(records: list[dict]) -> list:
    return repeated(
        records,
        lambda record: record.get("incident_id"),
        lambda incident, line: (
            f'the incident id "{incident}" is also on line {line}; each incident '
            "should appear once."
        ),
    )


def _held(store: Store, incidents: pd.DataFrame) -> pd.Series:
    keys = load_incident_keys(store, incidents["pupil_id"].tolist())
    pairs = zip(incidents["pupil_id"], incidents["natural_key"])
    return pd.Series([pair in keys for pair in pairs], index=incidents.index)


def _preview(store: Store, incidents: pd.DataFrame, held: pd.Series) -> pd.DataFrame:
    """Per pupil: positive and negative incidents, points, and how many are held."""
    marked = incidents.assign(
        positive=incidents["kind"] == "positive",
        negative=incidents["kind"] == "negative",
        already_held=held,
    )
    per_pupil = marked.groupby("pupil_id")[
        ["positive", "negative", "points", "already_held"]
    ].sum()
    names = load_pupil_names(store, per_pupil.index.tolist())
    return per_pupil.assign(pupil=per_pupil.index.map(names)).reset_index()[
        PREVIEW_COLUMNS
    ]


def apply_behaviour(
    store: Store,
    plan: BehaviourPlan,
    staff_id: int | None = None,
    file_name: str | None = None,
    mapping: Mapping | None = None,
) -> BehaviourSummary:
    """Add a plan's new incidents in one transaction, with the import's audit event."""
    started = time.perf_counter()
    with store.transaction() as cursor:
        added = add_new_incidents(cursor, plan.incidents)
        if mapping:
            write_column_mapping(cursor, plan.school_id, KIND, mapping)
        summary = plan.summary(added, written=True)
        record_import(
            cursor, plan.school_id, staff_id, KIND, file_name,
            incidents=summary.incidents, added=added,
            already_held=summary.incidents - added,
        )  # fmt: skip
    log.info(
        "imported behaviour for school %s: %d incidents, %d new, in %.0f ms",
        summary.school_id, summary.incidents, added,
        (time.perf_counter() - started) * 1000,
    )  # fmt: skip
    return summary


def import_behaviour(
    store: Store,
    source: Source,
    school_id: int | None = None,
    dry_run: bool = False,
    mapping: Mapping | None = None,
    staff_id: int | None = None,
) -> BehaviourSummary:
    """Check a whole behaviour file, then (unless a dry run) add its new incidents."""
    plan = plan_behaviour(store, school_id, source, mapping)
    if dry_run:
        return plan.summary(added=0, written=False)
    return apply_behaviour(store, plan, staff_id, file_name_of(source), mapping)
