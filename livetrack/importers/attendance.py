"""The attendance import: sessions per pupil for a date range, from an MIS report.

A file holds one row per pupil and range (From, To, possible, present,
authorised and unauthorised absent sessions). Importing a range again
replaces its rows, so the same file twice changes nothing.
"""

import logging
import time
from dataclasses import dataclass

import pandas as pd

from livetrack.calendar import academic_year_of
from livetrack.domain import PERSISTENT_ABSENCE_PERCENT, SEVERE_ABSENCE_PERCENT
from livetrack.importers.fields import Field, Mapping, read_date, read_upn
from livetrack.importers.files import Source
from livetrack.importers.pupils import file_name_of
from livetrack.importers.sessions import (
    find_pupils,
    read_sessions,
    school_with_pupils,
)
from livetrack.importers.table import (
    Problem,
    read_table,
    rejected,
    repeated,
    with_blanks,
)
from livetrack.store import Store
from livetrack.store.attendance import replace_attendance
from livetrack.store.imports import (
    load_attendance_ranges,
    load_column_mapping,
    load_pupil_names,
    record_import,
    write_column_mapping,
)
from livetrack.store.pupils import ATTENDANCE_COLUMNS

log = logging.getLogger(__name__)

KIND = "attendance"
WHAT = "attendance file"

ATTENDANCE_FIELDS = [
    Field("upn", "UPN", ("UPN", "Unique Pupil Number", "Pupil UPN", "Student UPN"),
          read_upn),
    Field("starts_on", "start date",
          ("From", "Start Date", "Date From", "From Date", "Start", "Period Start",
           "Start of Period", "Period From", "Range Start", "Start Of Range"),
          read_date),
    Field("ends_on", "end date",
          ("To", "End Date", "Date To", "To Date", "End", "Period End",
           "End of Period", "Period To", "Range End", "End Of Range"),
          read_date),
    Field("sessions_possible", "possible sessions",
          ("Possible Sessions", "Sessions Possible", "Possible", "Possible Marks",
           "Total Possible Sessions", "Possible Attendance", "Total Sessions",
           "Sessions Possible (Total)"),
          read_sessions),
    Field("sessions_attended", "present sessions",
          ("Present Sessions", "Sessions Attended", "Attended", "Present",
           "Sessions Present", "Attended Sessions", "Present Marks",
           "Attendance Sessions", "Present + AEA", "Present Including AEA",
           "Sessions Attended (incl AEA)"),
          read_sessions),
    Field("sessions_authorised", "authorised absent sessions",
          ("Authorised Absence Sessions", "Authorised Absences", "Authorised",
           "Sessions Authorised", "Authorised Absence", "Auth Absence",
           "Authorised Sessions", "Authorised Absent Sessions",
           "Authorised Absence Marks", "Auth"),
          read_sessions, 0),
    Field("sessions_unauthorised", "unauthorised absent sessions",
          ("Unauthorised Absence Sessions", "Unauthorised Absences",
           "Unauthorised", "Sessions Unauthorised", "Unauthorised Absence",
           "Unauth Absence", "Unauthorised Sessions", "Unauthorised Absent Sessions",
           "Unauthorised Absence Marks", "Unauth"),
          read_sessions, 0),
]  # fmt: skip

PREVIEW_COLUMNS = [
    "pupil", "starts_on", "ends_on", "sessions_possible", "sessions_attended",
    "percent", "replaces",
]  # fmt: skip


@dataclass(frozen=True)
class AttendanceSummary:
    school_id: int
    rows: int
    pupils: int
    replaced: int
    written: bool

    def __str__(self) -> str:
        return (
            f"{self.rows} attendance rows for {self.pupils} pupils, {self.replaced} "
            "of them replacing rows for the same dates"
        )


@dataclass(frozen=True)
class AttendancePlan:
    """What importing an attendance file will write, before anything is.

    `rows` are ready for the attendance table (ATTENDANCE_COLUMNS); `preview`
    has them in words (PREVIEW_COLUMNS), with `replaces` where a row for the
    same pupil and range is already held; `ranges` counts rows by date range.
    """

    school_id: int
    rows: pd.DataFrame
    preview: pd.DataFrame
    ranges: pd.DataFrame
    replaced: int

    @property
    def persistent_absence(self) -> int:
        return int((self.preview["percent"] <= PERSISTENT_ABSENCE_PERCENT).sum())

    @property
    def severe_absence(self) -> int:
        return int((self.preview["percent"] <= SEVERE_ABSENCE_PERCENT).sum())

    def summary(self, written: bool) -> AttendanceSummary:
        return AttendanceSummary(
            self.school_id,
            rows=len(self.rows),
            pupils=self.rows["pupil_id"].nunique(),
            replaced=self.replaced,
            written=written,
        )


def plan_attendance(
    store: Store,
    school_id: int | None,
    source: Source,
    mapping: Mapping | None = None,
) -> AttendancePlan:
    """Read and check a whole attendance file against the school's pupils."""
    school_id = school_with_pupils(store, school_id, WHAT)
    chosen = {**load_column_mapping(store, school_id, KIND), **(mapping or {})}
    table = read_table(source, ATTENDANCE_FIELDS, WHAT, "attendance rows", chosen)
    records = with_blanks(table.rows, ATTENDANCE_FIELDS)
    pupil_ids, unknown = find_pupils(store, school_id, records)
    problems = table.problems + unknown + _checked_sessions(records) + _repeats(records)
    if problems:
        raise rejected(problems, WHAT)
    rows = pd.DataFrame(records).assign(pupil_id=pupil_ids)[ATTENDANCE_COLUMNS]
    return _plan(store, school_id, rows)


def _checked_sessions(records: list[dict]) -> list[Problem]:
    problems = []
    for record in records:
        problems += [Problem(record["line"], text) for text in _row_problems(record)]
    return problems


def _row_problems(record: dict) -> list[str]:
    """What is wrong with one row's dates and sessions taken together."""
    needed = ("starts_on", "ends_on", "sessions_possible", "sessions_attended")
    if any(column not in record for column in needed):
        return []  # already reported: a value could not be read
    starts, ends = record["starts_on"], record["ends_on"]
    possible, attended = record["sessions_possible"], record["sessions_attended"]
    absent = record.get("sessions_authorised", 0) + record.get(
        "sessions_unauthorised", 0
    )
    if starts > ends:
        return [f"the range starts on {starts:%d/%m/%Y}, after it ends on "
                f"{ends:%d/%m/%Y}; please check the dates."]  # fmt: skip
    if academic_year_of(starts) != academic_year_of(ends):
        return ["the range runs into a second school year; please export one "
                "school year at a time."]  # fmt: skip
    most = 2 * ((ends - starts).days + 1)
    if possible > most:
        return [f"{possible} possible sessions is more than the {most} that "
                f"{starts:%d/%m/%Y} to {ends:%d/%m/%Y} holds."]  # fmt: skip
    if attended + absent > possible:
        return [f"{attended} present and {absent} absent sessions add up to more "
                f"than the {possible} possible; please check the row."]  # fmt: skip
    return []


def _repeats(records: list[dict]) -> list[Problem]:
    return repeated(
        records,
        lambda r: (r.get("upn"), r.get("starts_on"), r.get("ends_on")),
        lambda key, line: (
            f"this pupil's sessions from {key[1]:%d/%m/%Y} to {key[2]:%d/%m/%Y} "
            f"are also on line {line}; please keep one row."
        ),
    )


def _plan(store: Store, school_id: int, rows: pd.DataFrame) -> AttendancePlan:
    held = load_attendance_ranges(store, rows["pupil_id"].tolist())
    replaces = [
        (p, s, e) in held
        for p, s, e in zip(rows["pupil_id"], rows["starts_on"], rows["ends_on"])
    ]
    percent = (100 * rows["sessions_attended"] / rows["sessions_possible"]).round(1)
    preview = rows.assign(
        pupil=rows["pupil_id"].map(load_pupil_names(store, rows["pupil_id"].tolist())),
        percent=percent.where(rows["sessions_possible"] > 0),
        replaces=replaces,
    )[PREVIEW_COLUMNS]
    ranges = (
        rows.groupby(["starts_on", "ends_on"]).size().rename("pupils").reset_index()
    )
    return AttendancePlan(school_id, rows, preview, ranges, sum(replaces))


def apply_attendance(
    store: Store,
    plan: AttendancePlan,
    staff_id: int | None = None,
    file_name: str | None = None,
    mapping: Mapping | None = None,
) -> AttendanceSummary:
    """Write a plan's rows in one transaction, with the import's audit event."""
    started = time.perf_counter()
    summary = plan.summary(written=True)
    with store.transaction() as cursor:
        replace_attendance(cursor, plan.rows)
        if mapping:
            write_column_mapping(cursor, plan.school_id, KIND, mapping)
        record_import(
            cursor, plan.school_id, staff_id, KIND, file_name,
            rows=summary.rows, pupils=summary.pupils, replaced=summary.replaced,
        )  # fmt: skip
    log.info(
        "imported attendance for school %s: %d rows for %d pupils, %d replaced, "
        "in %.0f ms",
        summary.school_id, summary.rows, summary.pupils, summary.replaced,
        (time.perf_counter() - started) * 1000,
    )  # fmt: skip
    return summary


def import_attendance(
    store: Store,
    source: Source,
    school_id: int | None = None,
    dry_run: bool = False,
    mapping: Mapping | None = None,
    staff_id: int | None = None,
) -> AttendanceSummary:
    """Check a whole attendance file, then (unless a dry run) write all of it."""
    plan = plan_attendance(store, school_id, source, mapping)
    if dry_run:
        return plan.summary(written=False)
    return apply_attendance(store, plan, staff_id, file_name_of(source), mapping)
