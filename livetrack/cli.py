"""The command line: `python -m livetrack ...`, the same functions as the pages."""

import argparse
import json
import sys
import time
from datetime import date

from livetrack.calendar import academic_year_of, half_term_on
from livetrack.demo import build_demo
from livetrack.domain import ROLE_NAMES, ROLES
from livetrack.errors import ImportRejected, LiveTrackError
from livetrack.importers.pupils import import_pupils
from livetrack.paths import resolve_data_dir
from livetrack.scope import Scope
from livetrack.snapshots import snapshot_exists, take_snapshot
from livetrack.store import Store, database_exists
from livetrack.store.audit import SNAPSHOT_REPLACED, log_event
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
    load_schools,
    load_subjects,
)


def main(argv: list[str] | None = None) -> int:
    """Run one command: 0 when done, 1 when not, with the reason in plain words."""
    arguments = _parser().parse_args(argv)
    try:
        return arguments.command(arguments)
    except ImportRejected as rejected:
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
    demo.set_defaults(command=run_demo)

    importer = commands.add_parser("import", help="bring in data from the school's MIS")
    kinds = importer.add_subparsers(required=True, metavar="kind")
    pupils = kinds.add_parser("pupils", help="a pupil roster exported as CSV or Excel")
    pupils.add_argument("file")
    pupils.add_argument(
        "--school", help="the school's name, when the file starts a new database"
    )
    pupils.add_argument(
        "--school-id", type=int, help="which school, when there are several"
    )
    pupils.add_argument(
        "--dry-run", action="store_true", help="check the file, write nothing"
    )
    pupils.set_defaults(command=run_import_pupils)

    info = commands.add_parser("info", help="what the database holds")
    info.add_argument(
        "--json", action="store_true", help="one JSON object, for scripts"
    )
    info.set_defaults(command=run_info)

    snapshot = commands.add_parser("snapshot", help="take this half-term's snapshot")
    snapshot.add_argument(
        "--replace", action="store_true", help="take it again if taken"
    )
    snapshot.set_defaults(command=run_snapshot)
    _add_users_commands(commands)
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
        store, schools=arguments.schools, seed=arguments.seed, progress=_progress
    )
    seconds = time.perf_counter() - started
    _say(f"Built {len(school_ids)} demo school(s) in {seconds:.1f} s.")
    return 0


def run_import_pupils(arguments) -> int:
    started = time.perf_counter()
    store = _open_store(arguments, must_exist=False)
    summary = import_pupils(
        store,
        arguments.file,
        school_id=arguments.school_id,
        school_name=arguments.school,
        dry_run=arguments.dry_run,
        progress=_progress,
    )
    verb = "Checked" if arguments.dry_run else "Imported"
    _say(f"{verb} in {time.perf_counter() - started:.1f} s: {summary}")
    return 0


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
