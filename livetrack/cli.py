"""The command line: `python -m livetrack ...`, the same functions as the pages."""

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from livetrack.app_requests import app_is_listening, ask_app_for_backup
from livetrack.backup import (
    BackupDamaged,
    make_backup,
    restore_backup,
    verify_backup,
)
from livetrack.calendar import (
    HALF_TERM_NAMES,
    academic_year_of,
    half_term_on,
    is_academic_year,
)
from livetrack.demo import DEMO_YEARS, build_demo
from livetrack.domain import ROLE_NAMES, ROLES
from livetrack.erasure import apply_retention, erase_pupil, preview_erasure
from livetrack.errors import DatabaseInUse, ImportRejected, LiveTrackError
from livetrack.importers.attendance import import_attendance
from livetrack.importers.behaviour import import_behaviour
from livetrack.importers.ctf import import_ctf
from livetrack.importers.kinds import parse_mapping
from livetrack.importers.pupils import import_pupils
from livetrack.paths import resolve_data_dir
from livetrack.scheduler import now
from livetrack.schoolyear import change_calendar, load_calendar, start_new_year
from livetrack.scope import Scope
from livetrack.snapshots import snapshot_exists, take_due_snapshots, take_snapshot
from livetrack.store import Store, database_exists
from livetrack.store.audit import SNAPSHOT_REPLACED, log_event
from livetrack.store.erasure import find_pupil_id
from livetrack.store.info import count_holdings
from livetrack.store.people import (
    add_person,
    change_person,
    find_person_any,
    load_people,
)
from livetrack.store.schools import (
    load_classes,
    load_half_terms,
    load_school_names,
    load_schools,
    load_subjects,
)
from livetrack.store.snapshots import readable_snapshot_files

# What to do instead while the app holds the database, by command.
APP_ACTIONS = {
    "import": "import the file on the app's Import page",
    "info": "the app's Overview shows the same figures",
    "snapshot": "take the snapshot on the app's Snapshots page",
    "backup": "make the backup on the app's Data page (Admin, then Data)",
    "verify": "the app's Data page checks the snapshot files",
    "erase": "erase the pupil on the app's Data page",
    "retention": "apply the retention period on the app's Data page",
}


def main(argv: list[str] | None = None) -> int:
    """Run one command: 0 when done, 1 when not, with the reason in plain words."""
    arguments = _parser().parse_args(argv)
    try:
        return arguments.command(arguments)
    except DatabaseInUse as in_use:
        action = APP_ACTIONS.get(
            getattr(arguments, "action", None), "use the app's own page for it"
        )
        _say(
            f"{in_use} Only one program can use it at a time: while the app is "
            f"running, {action}; or stop the app first, then run this again."
        )
        return 1
    except (ImportRejected, BackupDamaged) as rejected:
        _say(str(rejected))
        for problem in rejected.problems:
            _say(problem)
        return 1
    except (LiveTrackError, OSError) as error:
        _say(str(error))
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m livetrack", description=__doc__)
    parser.add_argument(
        "--data-dir",
        help="the data folder (default: $LIVETRACK_DATA_DIR, else ./data)",
    )
    commands = parser.add_subparsers(required=True, metavar="command")

    demo = commands.add_parser("demo", help="build a demo school (or trust) to explore")
    demo.add_argument(
        "--schools", type=int, default=1, help="how many schools (default 1)"
    )
    demo.add_argument(
        "--seed", type=int, default=2026, help="the same seed gives the same demo"
    )
    demo.add_argument(
        "--years",
        type=int,
        default=DEMO_YEARS,
        help=f"academic years of history, this one included (default {DEMO_YEARS})",
    )
    demo.set_defaults(command=run_demo, action="demo")

    _import_parsers(commands)

    info = commands.add_parser("info", help="what the database holds")
    info.add_argument(
        "--json", action="store_true", help="one JSON object, for scripts"
    )
    info.set_defaults(command=run_info, action="info")

    snapshot = commands.add_parser("snapshot", help="take this half-term's snapshot")
    snapshot.add_argument(
        "--replace", action="store_true", help="take it again if taken"
    )
    snapshot.add_argument(
        "--due",
        action="store_true",
        help="take every snapshot due (each half-term ended and not yet taken)",
    )
    snapshot.set_defaults(command=run_snapshot, action="snapshot")

    calendar = commands.add_parser(
        "calendar", help="show or set a school's half-term dates and tracking start"
    )
    calendar.add_argument("--school-id", type=int, help="which school, if several")
    calendar.add_argument(
        "--year", type=_academic_year, help="the academic year, as 2026-27"
    )
    calendar.add_argument(
        "--tracking-start", type=_day, metavar="DATE", help="YYYY-MM-DD"
    )
    calendar.add_argument(
        "--half-term", choices=list(HALF_TERM_NAMES), help="the half-term to change"
    )
    calendar.add_argument("--starts", type=_day, metavar="DATE", help="YYYY-MM-DD")
    calendar.add_argument("--ends", type=_day, metavar="DATE", help="YYYY-MM-DD")
    calendar.set_defaults(command=run_calendar)

    new_year = commands.add_parser(
        "new-year",
        help="after Summer 2: move every pupil up a year, Year 6 leave (once a year)",
    )
    new_year.add_argument("--school-id", type=int, help="which school, if several")
    new_year.set_defaults(command=run_new_year)
    _add_users_commands(commands)
    _add_durability_commands(commands)
    return parser


def _add_users_commands(commands) -> None:
    users = commands.add_parser("users", help="who may sign in, and their roles")
    actions = users.add_subparsers(required=True, metavar="action")
    listing = actions.add_parser("list", help="everyone, with their role and area")
    listing.add_argument("--school-id", type=int, help="one school (default: all)")
    listing.set_defaults(command=run_users_list)

    add = actions.add_parser("add", help="let someone sign in")
    add.add_argument("--name", required=True)
    add.add_argument("--email", required=True, help="the account they sign in with")
    add.add_argument("--school-id", type=int, help="their school (not for the trust)")
    _area_arguments(add)
    add.set_defaults(command=run_users_add)

    change = actions.add_parser("set-role", help="change someone's role or area")
    change.add_argument("email")
    change.add_argument(
        "--inactive",
        action="store_true",
        help="stop them signing in (kept for history)",
    )
    _area_arguments(change)
    change.set_defaults(command=run_users_set_role)


def _area_arguments(parser) -> None:
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--classes", default="", help="a teacher's classes: 3A,3B")
    parser.add_argument(
        "--subjects", default="", help="a subject lead's subjects: Maths,Science"
    )
    parser.add_argument(
        "--year-groups", default="", help="a phase lead's year groups: 3,4,5,6 (R=0)"
    )


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-09-21"
        ) from None


def _academic_year(text: str) -> str:
    if not is_academic_year(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an academic year: write it as 2026-27"
        )
    return text


def _add_durability_commands(commands) -> None:
    backup = commands.add_parser(
        "backup", help="copy every table and snapshot into a new or empty folder"
    )
    backup.add_argument("folder")
    backup.set_defaults(command=run_backup, action="backup")

    restore = commands.add_parser(
        "restore", help="rebuild a data folder from a backup, checked equal to it"
    )
    restore.add_argument("folder", help="the backup folder")
    restore.add_argument(
        "--data-dir", dest="restore_into",
        help="the new or empty data folder to rebuild (default: the data folder)",
    )  # fmt: skip
    restore.add_argument(
        "--skip-damaged-snapshots", action="store_true",
        help="restore everything else when some snapshot files are damaged",
    )  # fmt: skip
    restore.set_defaults(command=run_restore, action="restore")

    verify = commands.add_parser(
        "verify", help="check a backup's checksums, or the data folder's snapshots"
    )
    verify.add_argument("folder", nargs="?", help="a backup (default: check data)")
    verify.set_defaults(command=run_verify, action="verify")

    erase = commands.add_parser("erase", help="erase one pupil everywhere, for good")
    which = erase.add_mutually_exclusive_group(required=True)
    which.add_argument("--pupil", type=int, help="the pupil's LiveTrack id")
    which.add_argument("--upn", help="the pupil's UPN")
    erase.add_argument(
        "--confirm", action="store_true", help="erase (without it: say what would go)"
    )
    erase.set_defaults(command=run_erase, action="erase")

    retention = commands.add_parser(
        "retention", help="remove leavers' personal data after the retention period"
    )
    retention.add_argument(
        "--years", help="years after leaving (default: the saved setting, else 6)"
    )
    retention.add_argument(
        "--dry-run", action="store_true", help="count what would go, remove nothing"
    )
    retention.set_defaults(command=run_retention, action="retention")


def _import_parsers(commands) -> None:
    importer = commands.add_parser("import", help="bring in data from the school's MIS")
    kinds = importer.add_subparsers(required=True, metavar="kind")
    pupils = _import_parser(kinds, "pupils", "a pupil roster exported as CSV or Excel")
    pupils.add_argument(
        "--school", help="the school's name, when the file starts a new database"
    )
    ctf = _import_parser(kinds, "ctf", "a DfE Common Transfer File (XML)")
    ctf.add_argument(
        "--class",
        dest="new_pupils_class",
        help="the class for pupils LiveTrack does not know yet (else they are "
        "listed and left out: a CTF carries no class)",
    )
    _import_parser(kinds, "attendance", "sessions per pupil for a date range (CSV)")
    _import_parser(kinds, "behaviour", "behaviour incidents (CSV)")


def _import_parser(kinds, code: str, help_text: str) -> argparse.ArgumentParser:
    parser = kinds.add_parser(code, help=help_text)
    parser.add_argument("file")
    parser.add_argument(
        "--school-id", type=int, help="which school, when there are several"
    )
    if code != "ctf":
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar="DETAIL=HEADER",
            help="the header of a detail LiveTrack does not recognise, e.g. "
            '--column "UPN=Pupil Ref"; remembered for the school\'s next file',
        )
    parser.add_argument(
        "--dry-run", action="store_true", help="check the file, write nothing"
    )
    parser.set_defaults(command=run_import, kind=code, action="import")
    return parser


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _progress(fraction: float, message: str) -> None:
    _say(f"{fraction:>4.0%}  {message}")


def _open_store(arguments, must_exist: bool = True) -> Store:
    data_dir = resolve_data_dir(arguments.data_dir)
    if must_exist and not database_exists(data_dir):
        raise LiveTrackError(
            f"There is no LiveTrack database in {data_dir}. Build the demo with "
            "`python -m livetrack demo`, or import a roster with "
            "`python -m livetrack import pupils FILE`."
        )
    return Store(data_dir)


def run_demo(arguments) -> int:
    data_dir = resolve_data_dir(arguments.data_dir)
    if database_exists(data_dir):
        raise LiveTrackError(
            f"{data_dir} already holds a LiveTrack database; the demo is only "
            "built into an empty data folder. Use --data-dir to choose another."
        )
    started = time.perf_counter()
    store = Store(data_dir)
    school_ids = build_demo(
        store,
        schools=arguments.schools,
        seed=arguments.seed,
        years=arguments.years,
        progress=_progress,
    )
    seconds = time.perf_counter() - started
    _say(
        f"Built {len(school_ids)} demo school(s) in {seconds:.1f} s,"
        f" with {arguments.years} academic year(s) each."
    )
    return 0


def run_import(arguments) -> int:
    """Check a file whole, then (unless a dry run) import all of it, or nothing."""
    started = time.perf_counter()
    kind = arguments.kind
    mapping = parse_mapping(kind, getattr(arguments, "column", []))
    store = _open_store(arguments, must_exist=kind != "pupils")
    summary = IMPORTERS[kind](store, arguments, mapping)
    verb = "Checked (nothing was changed)" if arguments.dry_run else "Imported"
    _say(f"{verb} in {time.perf_counter() - started:.1f} s: {summary}")
    return 0


def _import_pupils(store, arguments, mapping):
    return import_pupils(
        store,
        arguments.file,
        school_id=arguments.school_id,
        school_name=arguments.school,
        dry_run=arguments.dry_run,
        progress=_progress,
        mapping=mapping,
    )


def _import_ctf(store, arguments, mapping):
    summary = import_ctf(
        store,
        arguments.file,
        school_id=arguments.school_id,
        new_pupils_class=arguments.new_pupils_class,
        dry_run=arguments.dry_run,
    )
    if summary.not_added:
        _say(
            f"{summary.not_added} pupils in the CTF are not in LiveTrack and were "
            "left out: a CTF carries no class. Import them with the pupil list, "
            "or again with --class NAME."
        )
    return summary


def _import_attendance(store, arguments, mapping):
    return import_attendance(
        store, arguments.file, arguments.school_id, arguments.dry_run, mapping
    )


def _import_behaviour(store, arguments, mapping):
    return import_behaviour(
        store, arguments.file, arguments.school_id, arguments.dry_run, mapping
    )


IMPORTERS = {
    "pupils": _import_pupils,
    "ctf": _import_ctf,
    "attendance": _import_attendance,
    "behaviour": _import_behaviour,
}


def run_info(arguments) -> int:
    holdings = count_holdings(_open_store(arguments), academic_year_of(date.today()))
    if arguments.json:
        print(json.dumps(holdings))
        return 0
    statuses = holdings["statuses"]
    print(f"Schools:     {holdings['schools']}")
    print(f"Pupils:      {holdings['pupils']} on roll in {holdings['classes']} classes")
    print(f"Subjects:    {holdings['subjects']} tracked")
    print(
        f"Statuses:    {statuses['Above']} Above, {statuses['On']} On, "
        f"{statuses['Below']} Below"
    )
    print(f"Snapshots:   {holdings['snapshots']}")
    return 0


def run_snapshot(arguments) -> int:
    store = _open_store(arguments)
    if arguments.due:
        return _take_due_snapshots(store)
    today = date.today()
    for school in load_schools(store, Scope.everything()).itertuples():
        half_terms = load_half_terms(store, school.id, academic_year_of(today))
        half_term = half_term_on(half_terms, today)
        if half_term is None:
            raise LiveTrackError(
                f"{school.name} has no half-term dates for {academic_year_of(today)}."
            )
        existed = snapshot_exists(store, school.id, half_term)
        info = take_snapshot(
            store, school.id, half_term, replace=arguments.replace, progress=_progress
        )
        if existed:
            log_event(
                store, None, school.id, SNAPSHOT_REPLACED,
                half_term=half_term.label, rows=info.rows, via="command line",
            )  # fmt: skip
        _say(
            f"{school.name}: {half_term.label} snapshot of {info.rows:,} statuses"
            f" in {info.seconds:.1f} s."
        )
    return 0


def run_users_list(arguments) -> int:
    store = _open_store(arguments)
    schools = load_schools(store, Scope.everything())
    for school in schools.itertuples():
        if arguments.school_id not in (None, school.id):
            continue
        print(f"{school.name} (school {school.id})")
        people = load_people(store, Scope.everything(), school.id)
        for person in people.itertuples():
            area = ", ".join(a for a in (person.classes, person.subjects) if _text(a))
            state = "" if person.active else "  [cannot sign in]"
            print(f"  {person.email:<40} {ROLE_NAMES[person.role]:<14} {area}{state}")
    return 0


def run_users_add(arguments) -> int:
    store = _open_store(arguments)
    school_id = arguments.school_id or _only_school(store)
    staff_id = add_person(
        store, None, school_id, arguments.name, arguments.email, arguments.role,
        _area(store, school_id, arguments),
    )  # fmt: skip
    _say(f"Added {arguments.name} ({ROLE_NAMES[arguments.role]}), person {staff_id}.")
    return 0


def run_users_set_role(arguments) -> int:
    store = _open_store(arguments)
    person = find_person_any(store, arguments.email)
    if person is None:
        raise LiveTrackError(f"Nobody in LiveTrack signs in as {arguments.email}.")
    area = _area(store, person.school_id, arguments)
    change_person(store, None, person.id, arguments.role, area, not arguments.inactive)
    _say(f"{arguments.email} is now {ROLE_NAMES[arguments.role]}.")
    return 0


def _text(value) -> bool:
    return isinstance(value, str) and bool(value)


def _only_school(store: Store) -> int | None:
    schools = load_schools(store, Scope.everything())
    if len(schools) == 1:
        return int(schools["id"].iloc[0])
    return None


def _area(store: Store, school_id: int | None, arguments) -> dict[str, list[int]]:
    """Classes and subjects by name, year groups by number, as ids for the store."""
    if school_id is None:
        return {}
    everything = Scope.everything()
    classes = load_classes(store, everything, school_id).set_index("name")["id"]
    subjects = load_subjects(store, everything, school_id).set_index("name")["id"]
    area = {
        "classes": _ids(arguments.classes, classes, "class"),
        "subjects": _ids(arguments.subjects, subjects, "subject"),
        "year_groups": [
            0 if item.upper() == "R" else int(item)
            for item in _names(arguments.year_groups)
            if item.upper() == "R" or item.isdigit()
        ],
    }
    return {key: value for key, value in area.items() if value}


def _names(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _ids(text: str, known, what: str) -> list[int]:
    unknown = [name for name in _names(text) if name not in known.index]
    if unknown:
        raise LiveTrackError(
            f"There is no {what} called {', '.join(unknown)}. The school has: "
            f"{', '.join(known.index)}."
        )
    return [int(known[name]) for name in _names(text)]


def _school(store: Store, school_id: int | None):
    """The school a command is for: the one asked for, or the only one there is."""
    schools = load_schools(store, Scope.everything())
    if school_id is None and len(schools) == 1:
        return schools.iloc[0]
    found = schools[schools["id"] == school_id]
    if found.empty:
        listed = ", ".join(f"{row.id} ({row.name})" for row in schools.itertuples())
        raise LiveTrackError(
            "Say which school with --school-id: " + (listed or "there are none yet")
        )
    return found.iloc[0]


def run_calendar(arguments) -> int:
    store = _open_store(arguments)
    school = _school(store, arguments.school_id)
    year = arguments.year or academic_year_of(date.today())
    changing = any(
        value is not None
        for value in (arguments.tracking_start, arguments.half_term,
                      arguments.starts, arguments.ends)
    )  # fmt: skip
    if changing:
        calendar = change_calendar(
            store, Scope.everything(), None, int(school.id), year,
            tracking_start=arguments.tracking_start, half_term=arguments.half_term,
            starts_on=arguments.starts, ends_on=arguments.ends,
        )  # fmt: skip
        _say(f"Saved the {year} calendar of {school['name']}.")
    else:
        calendar = load_calendar(store, int(school.id), year)
    print(f"{school['name']}, {year}" + ("" if calendar.saved else " (defaults)"))
    print(f"Live tracking starts  {calendar.tracking_start:%a %d %b %Y}")
    for half_term in calendar.half_terms:
        print(
            f"{half_term.name:<10}  {half_term.code:<9}"
            f"  {half_term.starts_on:%a %d %b %Y} to {half_term.ends_on:%a %d %b %Y}"
        )
    return 0


def _take_due_snapshots(store: Store) -> int:
    names = load_school_names(store)
    taken = take_due_snapshots(store, now())
    for info in taken:
        _say(
            f"{names[info.school_id]}: {info.half_term.label} snapshot of"
            f" {info.rows:,} statuses, as at its last day."
        )
    _say(f"Took {len(taken)} due snapshot(s)." if taken else "No snapshot is due.")
    return 0


def run_new_year(arguments) -> int:
    store = _open_store(arguments)
    school = _school(store, arguments.school_id)
    plan = start_new_year(store, Scope.everything(), None, int(school.id), now())
    _say(f"{school['name']} has started {plan.to_year}. {plan.describe()}")
    return 0


def run_backup(arguments) -> int:
    try:
        store = _open_store(arguments)
    except DatabaseInUse as in_use:
        data_dir = resolve_data_dir(arguments.data_dir)
        if not app_is_listening(data_dir, in_use.holder_pid):
            raise
        _say("The app is running, so it makes the backup while teachers save.")
        reply = ask_app_for_backup(data_dir, Path(arguments.folder))
        return _report_backup(
            reply["folder"], reply["rows"], reply["snapshots"], reply["bytes"],
            reply["left_out"], reply["seconds"],
        )  # fmt: skip
    info = make_backup(store, Path(arguments.folder), progress=_progress)
    return _report_backup(
        info.folder, info.rows, info.snapshots, info.bytes, info.left_out,
        info.seconds,
    )  # fmt: skip


def _report_backup(folder, rows, snapshots, size, left_out, seconds) -> int:
    _say(
        f"Backed up {len(rows)} tables ({sum(rows.values()):,} rows) and "
        f"{snapshots} snapshot file(s), {size / 1e6:.1f} MB, to {folder} "
        f"in {seconds:.1f} s."
    )
    for name, problem in left_out.items():
        _say(f"Left out ({problem}): {name}")
    return 1 if left_out else 0


def run_restore(arguments) -> int:
    target = resolve_data_dir(arguments.restore_into or arguments.data_dir)
    info = restore_backup(
        Path(arguments.folder), target,
        skip_damaged_snapshots=arguments.skip_damaged_snapshots, progress=_progress,
    )  # fmt: skip
    _say(
        f"Restored {len(info.rows)} tables ({sum(info.rows.values()):,} rows) and "
        f"{info.snapshots} snapshot file(s) into {info.data_dir}, checked equal to "
        f"the backup, in {info.seconds:.1f} s."
    )
    for name in info.skipped:
        _say(f"Not restored, as it was damaged or missing: {name}")
    return 0


def run_verify(arguments) -> int:
    if arguments.folder:
        problems = verify_backup(Path(arguments.folder))
        what = f"The backup in {arguments.folder}"
    else:
        store = _open_store(arguments)
        problems = readable_snapshot_files(store).unreadable
        what = f"The snapshot files in {store.data_dir}"
    for name, problem in problems.items():
        _say(f"{name}: {problem}")
    if problems:
        _say(f"{what}: {len(problems)} file(s) damaged or missing, named above.")
        return 1
    _say(f"{what}: every file is whole.")
    return 0


def run_erase(arguments) -> int:
    store = _open_store(arguments)
    pupil_id = arguments.pupil
    if pupil_id is None:
        pupil_id = find_pupil_id(store, arguments.upn)
        if pupil_id is None:
            raise LiveTrackError(f"No pupil here has the UPN {arguments.upn}.")
    everything = Scope.everything()
    if not arguments.confirm:
        preview = preview_erasure(store, everything, pupil_id)
        _say(
            f"Erasing pupil {pupil_id} would remove {_counted(preview.rows)}, and "
            f"{preview.snapshot_rows} row(s) from {preview.snapshot_files} snapshot "
            "file(s). This cannot be undone. Run again with --confirm to erase."
        )
        return 1
    result = erase_pupil(store, everything, None, pupil_id)
    _say(
        f"Erased pupil {pupil_id}: {_counted(result.rows)}, and "
        f"{result.snapshot_rows} row(s) from {result.snapshot_files} snapshot "
        "file(s). Backups made from now on do not hold them; older backups still "
        "do, until they are deleted."
    )
    return 0


def run_retention(arguments) -> int:
    store = _open_store(arguments)
    result = apply_retention(
        store, Scope.everything(), None, date.today(), years=arguments.years,
        dry_run=arguments.dry_run,
    )  # fmt: skip
    period = f"{result.years} year{'s' if result.years != 1 else ''}"
    when = f"left on or before {result.left_by:%-d %B %Y} ({period} ago)"
    if not result.pupils:
        _say(f"No pupil {when}: nothing to remove.")
        return 0
    years = ", ".join(f"{n} in {year}" for year, n in result.by_leaving_year.items())
    verb = "Removed" if result.done else "Would remove"
    _say(
        f"{verb} the personal data of {result.pupils} pupil(s) who {when} "
        f"(left {years}): {_counted(result.rows)}. Their snapshot rows stay, "
        "without names, for the school's trends."
    )
    return 0


def _counted(rows: dict[str, int]) -> str:
    """'1 row of pupils, 40 of status_changes' for the tables with rows."""
    parts = [f"{n:,} of {table}" for table, n in rows.items() if n]
    return ("rows: " + ", ".join(parts)) if parts else "no rows from the tables"
