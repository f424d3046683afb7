"""The command line: `python -m livetrack ...`, the same functions as the pages."""

import argparse
import json
import sys
import time
from datetime import date

from livetrack.calendar import academic_year_of, half_term_on
from livetrack.demo import build_demo
from livetrack.errors import ImportRejected, LiveTrackError
from livetrack.importers.attendance import import_attendance
from livetrack.importers.behaviour import import_behaviour
from livetrack.importers.ctf import import_ctf
from livetrack.importers.kinds import parse_mapping
from livetrack.importers.pupils import import_pupils
from livetrack.paths import resolve_data_dir
from livetrack.scope import Scope
from livetrack.snapshots import take_snapshot
from livetrack.store import Store, database_exists
from livetrack.store.info import count_holdings
from livetrack.store.schools import load_half_terms, load_schools


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

    _import_parsers(commands)

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
    return parser


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
    parser.set_defaults(command=run_import, kind=code)
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
        store, schools=arguments.schools, seed=arguments.seed, progress=_progress
    )
    seconds = time.perf_counter() - started
    _say(f"Built {len(school_ids)} demo school(s) in {seconds:.1f} s.")
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
    today = date.today()
    for school in load_schools(store, Scope.everything()).itertuples():
        half_terms = load_half_terms(store, school.id, academic_year_of(today))
        half_term = half_term_on(half_terms, today)
        if half_term is None:
            raise LiveTrackError(
                f"{school.name} has no half-term dates for {academic_year_of(today)}."
            )
        info = take_snapshot(
            store, school.id, half_term, replace=arguments.replace, progress=_progress
        )
        _say(
            f"{school.name}: {half_term.label} snapshot of {info.rows:,} statuses"
            f" in {info.seconds:.1f} s."
        )
    return 0
