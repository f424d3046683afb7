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
from livetrack.calendar import academic_year_of, half_term_on
from livetrack.demo import build_demo
from livetrack.erasure import apply_retention, erase_pupil, preview_erasure
from livetrack.errors import DatabaseInUse, ImportRejected, LiveTrackError
from livetrack.importers.pupils import import_pupils
from livetrack.paths import resolve_data_dir
from livetrack.scope import Scope
from livetrack.snapshots import take_snapshot
from livetrack.store import Store, database_exists
from livetrack.store.erasure import find_pupil_id
from livetrack.store.info import count_holdings
from livetrack.store.schools import load_half_terms, load_schools
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
        action = APP_ACTIONS.get(arguments.action, "use the app's own page for it")
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
    demo.set_defaults(command=run_demo, action="demo")

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
    pupils.set_defaults(command=run_import_pupils, action="import")

    info = commands.add_parser("info", help="what the database holds")
    info.add_argument(
        "--json", action="store_true", help="one JSON object, for scripts"
    )
    info.set_defaults(command=run_info, action="info")

    snapshot = commands.add_parser("snapshot", help="take this half-term's snapshot")
    snapshot.add_argument(
        "--replace", action="store_true", help="take it again if taken"
    )
    snapshot.set_defaults(command=run_snapshot, action="snapshot")
    _add_durability_commands(commands)
    return parser


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
        info = take_snapshot(
            store, school.id, half_term, replace=arguments.replace, progress=_progress
        )
        _say(
            f"{school.name}: {half_term.label} snapshot of {info.rows:,} statuses"
            f" in {info.seconds:.1f} s."
        )
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
