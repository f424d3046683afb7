"""The DfE Common Transfer File (CTF): pupils' details, SEN, FSM, EAL, attendance.

A CTF is XML: CTfile > Header (CTFversion) > CTFpupilData > Pupil. Versions
differ a little (older files say Gender for Sex; elements come and go), so
LiveTrack reads the elements it knows wherever a version puts them within a
pupil, and ignores the rest.

A CTF carries no class, and usually holds only some of a school's pupils, so
it is never a full roster: no one is marked as left. Pupils LiveTrack knows
(by UPN) get their details, SEN, FSM and EAL brought up to date, but keep
their class and year group, which the pupil list sets. Pupils it does not
know are added only to a class the school chooses; otherwise the preview
lists them, to come in with the next pupil list. Each year of attendance
becomes one row from 1 September to 31 August (or to the file's date).
"""

import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from livetrack.domain import year_group_label
from livetrack.errors import ImportRejected
from livetrack.importers.fields import (
    BadValue,
    read_date,
    read_first_language,
    read_name,
    read_primary_need,
    read_send,
    read_sex,
    read_upn,
    read_year_group,
)
from livetrack.importers.files import Source, read_source_bytes
from livetrack.importers.pupils import (
    RosterPlan,
    RosterSummary,
    file_name_of,
    plan_roster,
    write_roster,
)
from livetrack.importers.roster import Roster
from livetrack.importers.sessions import MOST_SESSIONS
from livetrack.importers.table import Problem, rejected, repeated
from livetrack.importers.xml import Element, parse_xml
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.attendance import replace_attendance
from livetrack.store.imports import (
    load_year_groups,
    pupil_ids_by_upn,
    record_import,
)
from livetrack.store.pupils import ATTENDANCE_COLUMNS
from livetrack.store.schools import load_classes, load_schools

log = logging.getLogger(__name__)

KIND = "ctf"
WHAT = "CTF"
# CTF 25 is 2025-26's. Later versions are read too: they add elements, which
# are ignored, and LiveTrack finds the ones it knows by name.
OLDEST_VERSION = 18
FSM_EVER_YEARS = 6
UNPLACED_COLUMNS = ["upn", "pupil", "year_group"]
ATTENDANCE_PREVIEW = [
    "upn", "pupil", "starts_on", "ends_on", "sessions_possible",
    "sessions_attended", "percent",
]  # fmt: skip


@dataclass(frozen=True)
class CtfFile:
    """A CTF that passed every check: its header and one dict per pupil."""

    version: str
    source_school: str
    created_on: date | None
    destination: tuple[int, int] | None
    pupils: list[dict]


@dataclass(frozen=True)
class CtfPlan:
    """What importing a CTF will do, before anything is written.

    `roster` is the pupils' side, as a pupil list's plan (never with leavers).
    `unplaced` are pupils LiveTrack does not know and no class was chosen for.
    `attendance` holds the year totals, ready for the table, and
    `attendance_preview` the same in words.
    """

    school_id: int
    ctf: CtfFile
    roster: RosterPlan
    unplaced: pd.DataFrame
    attendance: pd.DataFrame
    attendance_preview: pd.DataFrame
    year_group_differs: pd.DataFrame

    def summary(self, written: bool) -> "CtfSummary":
        return CtfSummary(
            self.school_id,
            pupils=len(self.ctf.pupils),
            pupils_summary=self.roster.summary(self.school_id, written),
            not_added=len(self.unplaced),
            attendance_rows=len(self.attendance),
            written=written,
        )


@dataclass(frozen=True)
class CtfSummary:
    school_id: int
    pupils: int
    pupils_summary: RosterSummary
    not_added: int
    attendance_rows: int
    written: bool

    def __str__(self) -> str:
        done = self.pupils_summary
        return (
            f"{self.pupils} pupils in the CTF: {done.added} added, {done.updated} "
            f"updated, {done.unchanged} unchanged, {self.not_added} not added "
            f"(no class chosen); {self.attendance_rows} years of attendance"
        )


# Reading


def read_ctf(source: Source, today: date | None = None) -> CtfFile:
    """Read and check a whole CTF; ImportRejected lists every problem by line."""
    data = read_source_bytes(source)
    if not data.strip():
        raise ImportRejected(
            f"The {WHAT} could not be read; nothing was changed.",
            ["The file is empty. Please export the CTF again."],
        )
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise ImportRejected(
            "The file is not a CTF; nothing was changed.",
            ["A Common Transfer File is XML, and this file is not. Please choose "
             "the .xml file the MIS exported (or import this one as another kind)."],
        )  # fmt: skip
    root = parse_xml(data, WHAT)
    header, pupil_data = _check_shape(root)
    records, problems = [], []
    for element in pupil_data.all("Pupil"):
        record, found = _read_pupil(element, today or date.today())
        records.append(record)
        problems += found
    problems += repeated(
        records,
        lambda record: record.get("upn"),
        lambda upn, line: (
            f'the UPN "{upn}" is also at line {line}; each pupil '
            "should appear once in a CTF."
        ),
    )
    if not records and not problems:
        problems.append(Problem(pupil_data.line, "the CTF holds no pupils."))
    if problems:
        raise rejected(problems, WHAT)
    return _ctf_file(header, records)


def _check_shape(root: Element) -> tuple[Element, Element]:
    """The Header and CTFpupilData of a CTfile, or a clear refusal."""
    if root.tag != "CTfile":
        raise ImportRejected(
            "The file is not a CTF; nothing was changed.",
            [f"Line {root.line}: the file's first element is <{root.tag}>, not "
             "<CTfile>. Please choose the Common Transfer File the MIS exported."],
        )  # fmt: skip
    header = root.child("Header") or Element("Header", root.line)
    version = header.text_of("CTFversion")
    problems = []
    major = version.split(".")[0]
    if version and not (major.isdigit() and int(major) >= OLDEST_VERSION):
        problems.append(
            Problem(header.line, f'the CTF version "{version[:20]}" is not one '
                    f"LiveTrack reads; it reads version {OLDEST_VERSION} and later.")
        )  # fmt: skip
    pupil_data = root.child("CTFpupilData")
    if pupil_data is None:
        problems.append(Problem(root.line, "the CTF has no <CTFpupilData>, so no "
                                "pupils; it may have been cut short."))  # fmt: skip
    if problems:
        raise rejected(problems, WHAT)
    return header, pupil_data


def _ctf_file(header: Element, records: list[dict]) -> CtfFile:
    source = header.child("SourceSchool")
    destination = header.child("DestSchool")
    created = header.text_of("DateTime")
    try:
        created_on = read_date(created) if created else None
    except BadValue:
        created_on = None
    return CtfFile(
        version=header.text_of("CTFversion"),
        source_school="" if source is None else source.text_of("SchoolName"),
        created_on=created_on,
        destination=_school_numbers(destination),
        pupils=records,
    )


def _school_numbers(element: Element | None) -> tuple[int, int] | None:
    if element is None:
        return None
    la_code, estab = element.text_of("LEA"), element.text_of("Estab")
    if la_code.isdigit() and estab.isdigit():
        return int(la_code), int(estab)
    return None


def _read_pupil(pupil: Element, today: date) -> tuple[dict, list[Problem]]:
    """One Pupil's details, keyed like the pupils table, and its problems."""
    basic = pupil.child("BasicDetails") or Element("BasicDetails", pupil.line)
    record: dict = {"line": pupil.line}
    problems: list[Problem] = []

    def take(column, label, text, read, required=True):
        element_text = text.strip()
        if not element_text:
            if required:
                problems.append(Problem(pupil.line, f"a pupil has no {label}."))
            return
        try:
            record[column] = read(element_text)
        except BadValue as error:
            shown = element_text[:40]
            problems.append(Problem(pupil.line, f'the {label} "{shown}" {error}.'))

    def find(*tags):
        return pupil.text_of(*tags) or basic.text_of(*tags)

    take("upn", "UPN", find("UPN"), read_upn)
    take("legal_last_name", "surname", find("Surname"), read_name)
    take("legal_first_name", "forename", find("Forename"), read_name)
    take("preferred_first_name", "preferred forename", find("PreferredForename"),
         read_name, required=False)  # fmt: skip
    take("date_of_birth", "date of birth", find("DOB"), read_date)
    take("sex", "sex", find("Sex", "Gender"), read_sex, required=False)
    take("year_group", "NC year", find("NCyearActual"), read_year_group,
         required=False)  # fmt: skip
    _read_language(pupil, basic, record)
    _read_fsm(pupil, record, today)
    sen, sen_problems = _read_sen(pupil)
    record.update(sen)
    problems += [Problem(pupil.line, text) for text in sen_problems]
    attendance, attendance_problems = _read_attendance(pupil)
    record["attendance"] = attendance
    problems += attendance_problems
    born = record.get("date_of_birth")
    if born is not None and born > today:
        problems.append(
            Problem(
                pupil.line,
                f"the date of birth {born:%d/%m/%Y} is "
                "in the future; please check it in the MIS.",
            )
        )
    if "upn" in record:
        problems = [Problem(p.line, f"({record['upn']}) {p.text}") for p in problems]
    return record, problems


def _read_language(pupil: Element, basic: Element, record: dict) -> None:
    """EAL from the first language (LanguageType F); kept as held without one."""
    languages = pupil.child("Languages") or basic.child("Languages")
    if languages is None:
        return
    for entry in languages.all("Type"):
        if entry.text_of("LanguageType").upper() == "F" and entry.text_of("Language"):
            record["eal"] = read_first_language(entry.text_of("Language"))
            return


def _read_fsm(pupil: Element, record: dict, today: date) -> None:
    """FSM now from the FSM history; Ever-6 FSM makes the pupil Pupil Premium.

    Pupil Premium is only ever set here, never cleared: looked-after and
    service children have it without FSM.
    """
    history = pupil.child("FSMhistory")
    if history is None:
        return
    spans = []
    for instance in history.all("FSMinstance"):
        try:
            starts = read_date(instance.text_of("FSMstartDate"))
        except (BadValue, IndexError):
            continue
        ends_text = instance.text_of("FSMendDate")
        try:
            ends = read_date(ends_text) if ends_text else None
        except BadValue:
            ends = None
        spans.append((starts, ends))
    record["fsm"] = any(s <= today and (e is None or e >= today) for s, e in spans)
    six_years_ago = today - timedelta(days=365 * FSM_EVER_YEARS + 1)
    if any(e is None or e >= six_years_ago for s, e in spans if s <= today):
        record["pupil_premium"] = True


def _read_sen(pupil: Element) -> tuple[dict, list[str]]:
    """SEN provision and primary need from the latest SEN entry."""
    history = pupil.child("SENhistory")
    if history is None:
        return {}, []
    entries = history.all("SEN")
    if not entries:
        return {"send": "N", "primary_need": None}, []
    latest = max(entries, key=lambda entry: entry.text_of("StartDate"))
    try:
        send = read_send(latest.text_of("SENprovision") or "N")
    except BadValue as error:
        return {}, [f'the SEN provision "{latest.text_of("SENprovision")[:20]}" '
                    f"{error}."]  # fmt: skip
    need = _primary_need(latest) if send != "N" else None
    return {"send": send, "primary_need": need}, []


def _primary_need(entry: Element) -> str | None:
    needs = entry.child("SENneeds")
    ranked = [] if needs is None else needs.all("SENneed")
    ranked.sort(key=lambda need: need.text_of("SENtypeRank") or "9")
    for need in ranked:
        try:
            return read_primary_need(need.text_of("SENtype"))
        except (BadValue, IndexError):
            continue
    return None


SESSION_TAGS = {
    "sessions_possible": "SessionsPossible",
    "sessions_attended": "SessionsAttended",
    "sessions_authorised": "SessionsAuthorised",
    "sessions_unauthorised": "SessionsUnauthorised",
}


def _read_attendance(pupil: Element) -> tuple[list[dict], list[Problem]]:
    """One dict per YearData: the year it starts and its four session counts."""
    attendance = pupil.child("Attendance")
    years, problems = [], []
    for year in [] if attendance is None else attendance.all("YearData"):
        counts = {column: year.text_of(tag) or "0" for column, tag in
                  SESSION_TAGS.items()}  # fmt: skip
        first = year.text_of("Year")
        if not (first.isdigit() and len(first) == 4) or not all(
            text.isdigit() and int(text) <= MOST_SESSIONS for text in counts.values()
        ):
            problems.append(
                Problem(
                    year.line,
                    "a year of attendance has a year or "
                    "a session count that is not a number.",
                )
            )
            continue
        numbers = {column: int(text) for column, text in counts.items()}
        if numbers["sessions_attended"] > numbers["sessions_possible"]:
            problems.append(
                Problem(
                    year.line,
                    "a year of attendance has more sessions attended than possible.",
                )
            )
            continue
        years.append({"year": int(first), **numbers})
    return years, problems


# Planning and writing


def plan_ctf(
    store: Store,
    school_id: int | None,
    ctf: CtfFile,
    new_pupils_class: str | None = None,
) -> CtfPlan:
    """Compare a checked CTF with the school's pupils and say what will happen."""
    school_id = _school_for_ctf(store, school_id, ctf)
    known = set(pupil_ids_by_upn(store, school_id))
    classes = _class_year_groups(store, school_id)
    problems, pupils, unplaced = [], [], []
    for record in ctf.pupils:
        details = {k: v for k, v in record.items() if k != "attendance"}
        if record["upn"] in known:
            details.pop("year_group", None)
            pupils.append(details)
        elif new_pupils_class is None:
            unplaced.append(record)
        else:
            problem = _placed(details, new_pupils_class, classes)
            problems += [problem] if problem else []
            pupils.append(details)
    if problems:
        raise rejected(problems, WHAT)
    roster = plan_roster(store, school_id, Roster(pupils), full=False)
    attendance, preview = _attendance(ctf, {pupil["upn"] for pupil in pupils})
    return CtfPlan(
        school_id=school_id,
        ctf=ctf,
        roster=roster,
        unplaced=_unplaced(unplaced),
        attendance=attendance,
        attendance_preview=preview,
        year_group_differs=_year_group_differs(store, school_id, ctf),
    )


def _placed(details: dict, class_name: str, classes: dict) -> Problem | None:
    """Put a new pupil in the chosen class, or say why they cannot go there."""
    if class_name not in classes:
        return Problem(details["line"], f'there is no class "{class_name}".')
    if "year_group" not in details:
        return Problem(details["line"], f"({details['upn']}) the pupil has no NC "
                       "year, so LiveTrack cannot check the class.")  # fmt: skip
    if details["year_group"] != classes[class_name]:
        return Problem(
            details["line"],
            f"({details['upn']}) the pupil is in "
            f"{year_group_label(details['year_group'])} but class {class_name} is "
            f"{year_group_label(classes[class_name])}; please add them with the "
            "pupil list instead.",
        )
    details["class_name"] = class_name
    return None


def _class_year_groups(store: Store, school_id: int) -> dict[str, int]:
    classes = load_classes(store, Scope.everything(), school_id)
    return dict(zip(classes["name"], classes["year_group"].astype(int)))


def _unplaced(records: list[dict]) -> pd.DataFrame:
    rows = [
        {
            "upn": record["upn"],
            "pupil": f"{record['legal_first_name']} {record['legal_last_name']}",
            "year_group": record.get("year_group"),
        }
        for record in records
    ]
    return pd.DataFrame(rows, columns=UNPLACED_COLUMNS)


def _year_group_differs(store: Store, school_id: int, ctf: CtfFile) -> pd.DataFrame:
    """Known pupils whose NC year in the CTF is not the one LiveTrack holds."""
    in_file = {r["upn"]: r["year_group"] for r in ctf.pupils if "year_group" in r}
    held = load_year_groups(store, school_id, list(in_file))
    held["in_ctf"] = held["upn"].map(in_file)
    return held[held["in_ctf"] != held["year_group"]].reset_index(drop=True)


def _attendance(ctf: CtfFile, upns: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The years of attendance of the pupils going in: table rows, and in words."""
    rows = [
        {"upn": record["upn"], **_year_range(year, ctf.created_on),
         **{column: year[column] for column in SESSION_TAGS}}
        for record in ctf.pupils
        if record["upn"] in upns
        for year in record["attendance"]
    ]  # fmt: skip
    attendance = pd.DataFrame(rows, columns=["upn", "starts_on", "ends_on",
                                             *SESSION_TAGS])  # fmt: skip
    names = {r["upn"]: f"{r['legal_first_name']} {r['legal_last_name']}"
             for r in ctf.pupils}  # fmt: skip
    possible = attendance["sessions_possible"].where(
        attendance["sessions_possible"] > 0
    )
    preview = attendance.assign(
        pupil=attendance["upn"].map(names),
        percent=(100 * attendance["sessions_attended"] / possible).round(1),
    ).reindex(columns=ATTENDANCE_PREVIEW)
    return attendance, preview


def _year_range(year: dict, created_on: date | None) -> dict:
    """1 September of the year to 31 August, or to the CTF's date if sooner."""
    starts, ends = date(year["year"], 9, 1), date(year["year"] + 1, 8, 31)
    if created_on is not None and starts <= created_on < ends:
        ends = created_on
    return {"starts_on": starts, "ends_on": ends}


def _school_for_ctf(store: Store, school_id: int | None, ctf: CtfFile) -> int:
    """The school a CTF is for: the one given, the only one, or its destination."""
    schools = load_schools(store, Scope.everything())
    if school_id is not None and school_id in set(schools["id"]):
        return school_id
    if school_id is None and len(schools) == 1:
        return int(schools["id"].iloc[0])
    if ctf.destination and school_id is None:
        numbers = list(zip(schools["la_code"], schools["establishment_number"]))
        if numbers.count(ctf.destination) == 1:
            return int(schools["id"].iloc[numbers.index(ctf.destination)])
    problem = (
        "LiveTrack has no pupils yet. A CTF carries no classes, so please import "
        "the pupil list first, then the CTF."
        if schools.empty
        else f"Please choose the school: LiveTrack holds {len(schools)} schools."
    )
    raise ImportRejected(f"The {WHAT} was not imported; nothing has changed.",
                         [problem])  # fmt: skip


def apply_ctf(
    store: Store,
    plan: CtfPlan,
    today: date,
    staff_id: int | None = None,
    file_name: str | None = None,
) -> CtfSummary:
    """Write a CTF's plan in one transaction, with the import's audit event."""
    started = time.perf_counter()
    summary = plan.summary(written=True)
    with store.transaction() as cursor:
        write_roster(cursor, plan.school_id, plan.roster, today)
        if not plan.attendance.empty:
            ids = pupil_ids_by_upn(cursor, plan.school_id)
            rows = plan.attendance.assign(pupil_id=plan.attendance["upn"].map(ids))
            replace_attendance(cursor, rows[ATTENDANCE_COLUMNS])
        done = summary.pupils_summary
        record_import(
            cursor, plan.school_id, staff_id, KIND, file_name,
            pupils=summary.pupils, added=done.added, updated=done.updated,
            unchanged=done.unchanged, not_added=summary.not_added,
            attendance_rows=summary.attendance_rows,
        )  # fmt: skip
    log.info(
        "imported CTF for school %s: %d pupils, %d added, %d updated, %d not added, "
        "%d attendance rows, in %.0f ms",
        plan.school_id, summary.pupils, done.added, done.updated, summary.not_added,
        summary.attendance_rows, (time.perf_counter() - started) * 1000,
    )  # fmt: skip
    return summary


def import_ctf(
    store: Store,
    source: Source,
    school_id: int | None = None,
    new_pupils_class: str | None = None,
    today: date | None = None,
    dry_run: bool = False,
    staff_id: int | None = None,
) -> CtfSummary:
    """Check a whole CTF, then (unless a dry run) write all it changes."""
    today = today or date.today()
    ctf = read_ctf(source, today)
    plan = plan_ctf(store, school_id, ctf, new_pupils_class)
    if dry_run:
        return plan.summary(written=False)
    return apply_ctf(store, plan, today, staff_id, file_name_of(source))
