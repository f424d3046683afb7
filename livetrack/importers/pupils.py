"""The pupil roster import: a full MIS export in, one school's roster brought in line.

Three steps, each usable alone, so a page can show the plan before saving:
read_roster checks the whole file and lists every problem by line;
plan_roster compares it with the school's pupils and says what will happen;
apply_roster writes the plan in one transaction. import_pupils runs all three.
"""

import logging
import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from livetrack.calendar import (
    academic_year_of,
    default_half_terms,
    default_tracking_start,
)
from livetrack.domain import SEND_PROVISIONS, SEXES, year_group_label
from livetrack.errors import ImportRejected
from livetrack.importers.fields import DETAIL_LABELS as FILE_DETAIL_LABELS
from livetrack.importers.fields import Mapping
from livetrack.importers.files import Source
from livetrack.importers.roster import Roster, read_roster
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.imports import (
    ensure_classes,
    load_column_mapping,
    mark_pupils_left,
    record_import,
    write_column_mapping,
)
from livetrack.store.pupils import (
    PUPIL_COLUMNS,
    insert_pupils,
    load_roster,
    update_pupils,
)
from livetrack.store.schools import (
    DEFAULT_SCHOOL_NAME,
    create_school,
    ensure_office_account,
    load_classes,
    load_schools,
    save_academic_year,
)

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
KIND = "pupils"

# Every pupil detail a roster sets, named as a school office names it.
DETAIL_LABELS = {
    **{
        column: label for column, label in FILE_DETAIL_LABELS.items() if column != "upn"
    },
    "left_on": "left on",
}
ROSTER_COLUMNS = ["upn", *DETAIL_LABELS]
CHANGE_COLUMNS = ["upn", "pupil", "detail", "was", "becomes"]
LEAVER_COLUMNS = ["upn", "pupil", "class_name"]

# A new pupil's details where the file has no column for them.
NEW_PUPIL = {
    "preferred_first_name": None,
    "sex": None,
    "send": "N",
    "primary_need": None,
    "pupil_premium": False,
    "fsm": False,
    "eal": False,
    "looked_after": False,
    "joined_on": None,
    "left_on": None,
}


@dataclass(frozen=True)
class RosterSummary:
    """How many pupils an import added, updated, marked as left or left alone."""

    school_id: int | None
    added: int
    updated: int
    left: int
    unchanged: int
    classes_created: int
    written: bool

    def __str__(self) -> str:
        return (
            f"{self.added} pupils added, {self.updated} updated, {self.left} marked "
            f"as left, {self.unchanged} unchanged; {self.classes_created} new classes"
        )


@dataclass(frozen=True)
class RosterPlan:
    """What importing a roster will do to one school, before anything is written.

    `new_pupils` and `changed_pupils` hold pupils as they will be
    (ROSTER_COLUMNS). `changes` has a row per detail that changes, in words
    (CHANGE_COLUMNS). `leavers` are the pupils on roll whom the file leaves
    out (LEAVER_COLUMNS): they will be marked as left, never deleted.
    `classes` maps every class in the file to its year group. `first_roster`
    says the school had no pupils, so its pupils count as on roll from the start.
    """

    school_id: int | None
    new_pupils: pd.DataFrame
    changed_pupils: pd.DataFrame
    changes: pd.DataFrame
    leavers: pd.DataFrame
    classes: dict[str, int]
    new_classes: list[str]
    unchanged: int
    first_roster: bool

    def summary(self, school_id: int | None, written: bool) -> RosterSummary:
        return RosterSummary(
            school_id=school_id,
            added=len(self.new_pupils),
            updated=len(self.changed_pupils),
            left=len(self.leavers),
            unchanged=self.unchanged,
            classes_created=len(self.new_classes),
            written=written,
        )


def plan_roster(
    store: Store, school_id: int | None, roster: Roster, full: bool = True
) -> RosterPlan:
    """Compare a checked roster with a school's pupils (None: a school to make).

    A full roster lists every pupil on roll: those it leaves out will be
    marked as left, and those who had left are back. A partial one (a CTF)
    changes only the pupils it holds, and no one's time on roll.
    """
    before = _pupils_by_upn(store, school_id)
    after = [
        _after_import(pupil, before.get(pupil["upn"]), full) for pupil in roster.pupils
    ]
    staying = [pupil for pupil in after if pupil["upn"] in before]
    changes = [
        row for pupil in staying for row in _changes(before[pupil["upn"]], pupil)
    ]
    changed = {row["upn"] for row in changes}
    classes = {pupil["class_name"]: pupil["year_group"] for pupil in after}
    return RosterPlan(
        school_id=school_id,
        new_pupils=_frame([p for p in after if p["upn"] not in before], ROSTER_COLUMNS),
        changed_pupils=_frame(
            [p for p in staying if p["upn"] in changed], ROSTER_COLUMNS
        ),
        changes=_frame(changes, CHANGE_COLUMNS),
        leavers=_leavers(before, set(roster.upns))
        if full
        else _frame([], LEAVER_COLUMNS),
        classes=classes,
        new_classes=sorted(set(classes) - _class_names(store, school_id)),
        unchanged=len(staying) - len(changed),
        first_roster=not before,
    )


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def _pupils_by_upn(store: Store, school_id: int | None) -> dict[str, dict]:
    """Every pupil the school has had, on roll or left, as plain Python values."""
    if school_id is None:
        return {}
    roster = load_roster(store, school_id)
    return {
        row["upn"]: {column: _plain(row[column]) for column in ROSTER_COLUMNS}
        for row in roster.to_dict("records")
    }


def _plain(value: object) -> object:
    """A value read from the database as the importer compares it."""
    if pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if hasattr(value, "item") else value


def _after_import(pupil: dict, before: dict | None, full: bool = True) -> dict:
    """A pupil as the import leaves them: the file's details over what was held."""
    details = {column: value for column, value in pupil.items() if column != "line"}
    after = {**(before or NEW_PUPIL), **details}
    return (after | {"left_on": None}) if full else after


def _changes(before: dict, after: dict) -> list[dict]:
    return [
        {
            "upn": after["upn"],
            "pupil": _pupil_name(after),
            "detail": label,
            "was": describe(column, before[column]),
            "becomes": describe(column, after[column]),
        }
        for column, label in DETAIL_LABELS.items()
        if before[column] != after[column]
    ]


def describe(column: str, value: object) -> str:
    """A pupil detail in the words a school office uses: Year 3, SEN support, Yes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if column == "year_group":
        return year_group_label(value)
    if column == "send":
        return SEND_PROVISIONS[value]
    return SEXES[value] if column == "sex" else str(value)


def _pupil_name(pupil: dict) -> str:
    first_name = pupil["preferred_first_name"] or pupil["legal_first_name"]
    return f"{first_name} {pupil['legal_last_name']}"


def _leavers(before: dict[str, dict], upns_in_file: set[str]) -> pd.DataFrame:
    """The pupils on roll whom a full roster leaves out."""
    leavers = [
        {"upn": upn, "pupil": _pupil_name(pupil), "class_name": pupil["class_name"]}
        for upn, pupil in before.items()
        if pupil["left_on"] is None and upn not in upns_in_file
    ]
    return _frame(leavers, LEAVER_COLUMNS)


def _class_names(store: Store, school_id: int | None) -> set[str]:
    if school_id is None:
        return set()
    return set(load_classes(store, Scope.everything(), school_id)["name"])


def apply_roster(
    store: Store,
    school_id: int,
    plan: RosterPlan,
    today: date,
    staff_id: int | None = None,
    file_name: str | None = None,
    mapping: Mapping | None = None,
) -> RosterSummary:
    """Write a plan in one transaction; leavers leave, and joiners join, today.

    The import is recorded against `staff_id` (the school office when None),
    and any `mapping` of headers is remembered for the school's next file.
    """
    if plan.school_id != school_id:
        raise ValueError(
            f"the plan was made for school {plan.school_id}, not {school_id}"
        )
    started = time.perf_counter()
    summary = plan.summary(school_id, written=True)
    with store.transaction() as cursor:
        write_roster(cursor, school_id, plan, today)
        _record(cursor, summary, staff_id, file_name, mapping)
    return _logged(summary, started)


def _record(
    cursor: duckdb.DuckDBPyConnection,
    summary: RosterSummary,
    staff_id: int | None,
    file_name: str | None,
    mapping: Mapping | None,
) -> None:
    """The audit event of a roster import, and the headers it was told to use."""
    if mapping:
        write_column_mapping(cursor, summary.school_id, KIND, mapping)
    record_import(
        cursor, summary.school_id, staff_id, KIND, file_name,
        added=summary.added, updated=summary.updated, left=summary.left,
        unchanged=summary.unchanged, classes_created=summary.classes_created,
    )  # fmt: skip


def write_roster(
    cursor: duckdb.DuckDBPyConnection, school_id: int, plan: RosterPlan, today: date
) -> None:
    class_ids = ensure_classes(cursor, school_id, plan.classes)
    joiners = _joiners(plan, today)
    if not joiners.empty:
        insert_pupils(cursor, _table_rows(joiners, school_id, class_ids))
    _update_changed(cursor, school_id, plan, class_ids)
    if not plan.leavers.empty:
        mark_pupils_left(cursor, school_id, plan.leavers["upn"].tolist(), today)


def _joiners(plan: RosterPlan, today: date) -> pd.DataFrame:
    """New pupils, joining today unless the file says when (or the roster is new)."""
    if plan.first_roster:
        return plan.new_pupils
    joined = [today if pd.isna(day) else day for day in plan.new_pupils["joined_on"]]
    return plan.new_pupils.assign(joined_on=pd.Series(joined, dtype=object))


def _update_changed(
    cursor: duckdb.DuckDBPyConnection,
    school_id: int,
    plan: RosterPlan,
    class_ids: dict[str, int],
) -> None:
    if not plan.changed_pupils.empty:
        update_pupils(cursor, _table_rows(plan.changed_pupils, school_id, class_ids))


def _table_rows(
    pupils: pd.DataFrame, school_id: int, class_ids: dict[str, int]
) -> pd.DataFrame:
    """Pupils as rows of the pupils table: with their school and class ids."""
    class_id = pupils["class_name"].map(class_ids)
    return pupils.assign(school_id=school_id, class_id=class_id)[PUPIL_COLUMNS]


def _logged(summary: RosterSummary, started: float) -> RosterSummary:
    log.info(
        "imported pupil roster for school %s: %d added, %d updated, %d left, "
        "%d unchanged, %d classes created in %.0f ms",
        summary.school_id,
        summary.added,
        summary.updated,
        summary.left,
        summary.unchanged,
        summary.classes_created,
        (time.perf_counter() - started) * 1000,
    )
    return summary


def import_pupils(
    store: Store,
    path: Source,
    school_id: int | None = None,
    school_name: str | None = None,
    today: date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    mapping: Mapping | None = None,
    staff_id: int | None = None,
) -> RosterSummary:
    """Check a full pupil roster file, then (unless a dry run) bring the school in line.

    With no school yet, one is made, named `school_name`, with this year's
    default calendar; with several, `school_id` says which. Headers the school
    named before are used, and `mapping` adds to them (remembered once the
    import is saved). Raises ImportRejected, having written nothing, when the
    file has any problem.
    """
    today = today or date.today()
    report = progress or no_progress
    school_id = school_for_import(store, school_id)
    chosen = {**load_column_mapping(store, school_id, KIND), **(mapping or {})}
    report(0.0, "Reading the pupil file")
    roster = read_roster(path, today, chosen)
    report(0.3, f"Checking {len(roster.pupils)} pupils against LiveTrack")
    plan = plan_roster(store, school_id, roster)
    if dry_run:
        report(1.0, "Checked; nothing was changed")
        return plan.summary(school_id, written=False)
    report(0.6, "Saving the pupils")
    summary = _save(
        store, school_id, plan, today, school_name, staff_id, file_name_of(path),
        mapping,
    )  # fmt: skip
    report(1.0, "Pupils imported")
    return summary


def no_progress(fraction: float, message: str) -> None:
    """Progress goes nowhere when no one is watching."""


def file_name_of(source: Source) -> str | None:
    """The name of the file a source came from, for the audit log (never a path)."""
    if isinstance(source, str | os.PathLike):
        return os.path.basename(os.fsdecode(source))
    return getattr(source, "name", None)


def school_for_import(store: Store, school_id: int | None) -> int | None:
    """The school a roster is for: the one given, the only one, or None (a new one)."""
    schools = load_schools(store, Scope.everything())
    if school_id is not None and school_id not in set(schools["id"]):
        raise ImportRejected(
            "The pupil file was not imported; nothing has changed.",
            [f"LiveTrack has no school numbered {school_id}."],
        )
    if school_id is None and len(schools) > 1:
        raise ImportRejected(
            "Please choose the school this pupil file is for; nothing has changed.",
            [f"LiveTrack holds {len(schools)} schools: {', '.join(schools['name'])}."],
        )
    if school_id is None and len(schools) == 1:
        return int(schools["id"].iloc[0])
    return school_id


def _save(
    store: Store,
    school_id: int | None,
    plan: RosterPlan,
    today: date,
    school_name: str | None,
    staff_id: int | None = None,
    file_name: str | None = None,
    mapping: Mapping | None = None,
) -> RosterSummary:
    """Apply the plan, making the school in the same transaction when there is none."""
    if school_id is not None:
        return apply_roster(store, school_id, plan, today, staff_id, file_name, mapping)
    started = time.perf_counter()
    with store.transaction() as cursor:
        school_id = _create_school(cursor, plan, today, school_name)
        write_roster(cursor, school_id, plan, today)
        summary = plan.summary(school_id, written=True)
        _record(cursor, summary, staff_id, file_name, mapping)
    return _logged(summary, started)


def _create_school(
    cursor: duckdb.DuckDBPyConnection,
    plan: RosterPlan,
    today: date,
    name: str | None,
) -> int:
    """A school for a first roster, with this academic year's default dates."""
    la_code, establishment = school_numbers(plan.new_pupils["upn"].tolist())
    school_id = create_school(
        cursor, name or DEFAULT_SCHOOL_NAME, la_code, establishment
    )
    year = academic_year_of(today)
    save_academic_year(
        cursor, school_id, year, default_tracking_start(year), default_half_terms(year)
    )
    ensure_office_account(cursor, school_id)
    return school_id


def school_numbers(upns: list[str]) -> tuple[int, int]:
    """The LA and establishment numbers most UPNs were issued under, else (0, 0).

    A UPN carries the numbers of the school that issued it, which for most
    pupils is the school they are in.
    """
    issuers = Counter((upn[1:4], upn[4:8]) for upn in upns)
    if not issuers:
        return 0, 0
    (la_code, establishment), _ = issuers.most_common(1)[0]
    return int(la_code), int(establishment)
