"""Backups: a consistent copy of a data folder, with a manifest of checksums, and
the restore that rebuilds a data folder from one and checks it equal.

A backup folder holds `tables/<table>.parquet` (every table, all read in
one transaction, so a backup taken while teachers save is consistent),
`snapshots/...` (every snapshot file, under the same names as in the data
folder) and `manifest.json`: the LiveTrack version, the schema's migration
number, the tables with their row counts, and every file with its sha256.
"""

import io
import json
import logging
import shutil
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from livetrack import __version__
from livetrack.errors import LiveTrackError
from livetrack.files import (
    flush_to_disk,
    folder_built_beside,
    parquet_problem,
    sha256_of,
)
from livetrack.paths import DATABASE_NAME, SNAPSHOTS_NAME
from livetrack.progress import Progress, silent
from livetrack.store import Store
from livetrack.store.audit import BACKUP, RESTORE, log_event
from livetrack.store.backup import (
    differences,
    export_tables,
    load_tables,
    sequence_values,
)
from livetrack.store.connection import CONNECTION_CONFIG
from livetrack.store.migrations import MIGRATIONS, apply_migrations
from livetrack.store.snapshots import readable_snapshot_files

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
BACKUP_FORMAT = "livetrack-backup"
FORMAT_VERSION = 1
TABLES_FOLDER = "tables"


class BackupDamaged(LiveTrackError):
    """A backup that cannot be restored as it is: `problems` names each bad file."""

    def __init__(self, message: str, problems: list[str]):
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class BackupInfo:
    folder: Path
    rows: dict[str, int]
    snapshots: int
    bytes: int
    left_out: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True)
class RestoreInfo:
    data_dir: Path
    rows: dict[str, int]
    snapshots: int
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


def make_backup(
    store: Store,
    destination: Path,
    staff_id: int | None = None,
    progress: Progress = silent,
    via: str = "folder",
) -> BackupInfo:
    """Copy every table and snapshot into `destination` (new or empty), then audit it.

    Everything is written into a hidden folder beside it and renamed into
    place at the end, so a backup folder with a manifest is always whole.
    """
    started = time.perf_counter()
    destination = Path(destination).absolute()
    _require_empty(destination, "back up into")
    with folder_built_beside(destination, "incoming") as scratch:
        with store.files_lock:
            progress(0.1, "Reading every table in one transaction")
            exported = export_tables(store, scratch / TABLES_FOLDER)
            progress(0.5, "Copying the snapshot files")
            snapshots, left_out = _copy_snapshots(store, scratch)
        files = _file_entries(scratch, exported["rows"], snapshots)
        _write_manifest(scratch, exported, files)
    size = sum(entry["bytes"] for entry in files)
    seconds = time.perf_counter() - started
    log_event(
        store, staff_id, None, BACKUP, tables=len(exported["rows"]),
        rows=sum(exported["rows"].values()), snapshots=len(snapshots),
        left_out=len(left_out), bytes=size, via=via,
    )  # fmt: skip
    log.info(
        "backup of %d tables (%d rows) and %d snapshots, %d bytes, in %.2f s",
        len(exported["rows"]), sum(exported["rows"].values()), len(snapshots),
        size, seconds,
    )  # fmt: skip
    progress(1.0, f"Backed up in {seconds:.1f} s")
    return BackupInfo(
        destination, exported["rows"], len(snapshots), size, left_out, seconds
    )


def backup_zip(store: Store, staff_id: int | None, scratch_root: Path) -> bytes:
    """A backup as the bytes of one zip file, for a download."""
    folder = Path(scratch_root) / f"livetrack-backup-{uuid.uuid4().hex}"
    make_backup(store, folder, staff_id, via="download")
    try:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(folder).as_posix())
        return buffer.getvalue()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _require_empty(folder: Path, doing: str) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise LiveTrackError(
            f"{folder} is not empty. Choose a new or empty folder to {doing}, so "
            "that nothing already there is mixed in or overwritten."
        )


def _copy_snapshots(store: Store, scratch: Path) -> tuple[list[str], dict[str, str]]:
    """Copy the readable snapshot files; name the ones left out and why."""
    files = readable_snapshot_files(store)
    copied = []
    for path in files.readable:
        name = path.relative_to(store.data_dir).as_posix()
        target = scratch / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copied.append(name)
    return copied, files.unreadable


def _file_entries(scratch: Path, rows: dict[str, int], snapshots: list[str]):
    names = [f"{TABLES_FOLDER}/{table}.parquet" for table in rows] + snapshots
    entries = []
    for name in names:
        path = scratch / name
        flush_to_disk(path)
        entries.append(
            {"path": name, "bytes": path.stat().st_size, "sha256": sha256_of(path)}
        )
    return entries


def _write_manifest(scratch: Path, exported: dict, files: list[dict]) -> None:
    manifest = {
        "format": BACKUP_FORMAT,
        "format_version": FORMAT_VERSION,
        "livetrack_version": __version__,
        "schema_migration": exported["migration"],
        "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": [
            {"name": name, "rows": count, "file": f"{TABLES_FOLDER}/{name}.parquet"}
            for name, count in exported["rows"].items()
        ],
        "sequences": exported["sequences"],
        "files": files,
    }
    path = scratch / MANIFEST_NAME
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    flush_to_disk(path)


def read_manifest(folder: Path) -> dict:
    """A backup's manifest, or BackupDamaged saying why it cannot be used."""
    path = Path(folder) / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupDamaged(
            f"{folder} is not a LiveTrack backup: it has no {MANIFEST_NAME}.", []
        ) from None
    except (OSError, ValueError):
        raise BackupDamaged(f"The manifest in {folder} cannot be read.", []) from None
    if manifest.get("format") != BACKUP_FORMAT:
        raise BackupDamaged(f"{folder} is not a LiveTrack backup.", [])
    if manifest.get("schema_migration", 0) > len(MIGRATIONS):
        raise BackupDamaged(
            f"This backup was made by a newer LiveTrack "
            f"({manifest.get('livetrack_version')}, schema "
            f"{manifest['schema_migration']}). Install that version to restore it.",
            [],
        )
    return manifest


def verify_backup(folder: Path) -> dict[str, str]:
    """Every file of a backup checked against its checksum: {name: what is wrong}."""
    folder = Path(folder)
    problems = {}
    for entry in read_manifest(folder)["files"]:
        path = folder / entry["path"]
        if not path.is_file():
            problems[entry["path"]] = "missing"
        elif (
            path.stat().st_size != entry["bytes"] or sha256_of(path) != entry["sha256"]
        ):
            problems[entry["path"]] = "damaged (its checksum does not match)"
    return problems


def restore_backup(
    source: Path,
    data_dir: Path,
    skip_damaged_snapshots: bool = False,
    progress: Progress = silent,
) -> RestoreInfo:
    """Rebuild a data folder (new or empty) from a backup, checked equal to it.

    Every checksum is checked before anything is written. A damaged table
    stops the restore; a damaged snapshot stops it too, unless told to
    restore the rest without it.
    """
    started = time.perf_counter()
    source, data_dir = Path(source).absolute(), Path(data_dir).absolute()
    manifest = read_manifest(source)
    _require_empty(data_dir, "restore into")
    progress(0.1, f"Checking {len(manifest['files'])} files against their checksums")
    problems = verify_backup(source)
    skipped = _check_problems(problems, skip_damaged_snapshots)

    with folder_built_beside(data_dir, "restoring") as scratch:
        progress(0.3, "Loading the tables")
        _rebuild_database(source, scratch, manifest)
        progress(0.7, "Copying the snapshot files")
        snapshots = _restore_snapshots(source, scratch, manifest, skipped)
    rows = {table["name"]: table["rows"] for table in manifest["tables"]}
    _audit_restore(data_dir, manifest, rows, snapshots, skipped)
    seconds = time.perf_counter() - started
    log.info(
        "restored %d tables (%d rows) and %d snapshots in %.2f s",
        len(rows), sum(rows.values()), snapshots, seconds,
    )  # fmt: skip
    progress(1.0, f"Restored and checked in {seconds:.1f} s")
    return RestoreInfo(data_dir, rows, snapshots, skipped, seconds)


def _check_problems(problems: dict[str, str], skip_snapshots: bool) -> list[str]:
    """The damaged snapshots to leave out; BackupDamaged when that is not allowed."""
    listed = [f"{name}: {problem}" for name, problem in problems.items()]
    tables = [name for name in problems if name.startswith(f"{TABLES_FOLDER}/")]
    if tables:
        raise BackupDamaged(
            "This backup's tables are damaged, so it cannot be restored. "
            "Nothing was written. Use an older backup.",
            listed,
        )
    if problems and not skip_snapshots:
        raise BackupDamaged(
            f"{len(problems)} snapshot file(s) in this backup are damaged or "
            "missing. Nothing was written. Restore from another backup, or run "
            "again with --skip-damaged-snapshots to restore everything else.",
            listed,
        )
    return sorted(problems)


def _rebuild_database(source: Path, scratch: Path, manifest: dict) -> None:
    """The database at the backup's schema, loaded, then checked equal to it."""
    files = {table["name"]: source / table["file"] for table in manifest["tables"]}
    connection = duckdb.connect(str(scratch / DATABASE_NAME), config=CONNECTION_CONFIG)
    try:
        connection.execute("set TimeZone = 'UTC'")
        apply_migrations(connection, up_to=manifest["schema_migration"])
        load_tables(connection, files, manifest["sequences"])
        unequal = [
            name for name, path in files.items()
            if differences(connection, name, path)
        ]  # fmt: skip
        if unequal:
            raise LiveTrackError(
                "The restored tables do not match the backup: "
                + ", ".join(unequal)
                + ". Nothing was restored."
            )
        if sequence_values(connection) != manifest["sequences"]:
            raise LiveTrackError("The restored id counters do not match the backup.")
        connection.execute("checkpoint")
    finally:
        connection.close()


def _restore_snapshots(
    source: Path, scratch: Path, manifest: dict, skipped: list[str]
) -> int:
    restored = 0
    for entry in manifest["files"]:
        name = entry["path"]
        if not name.startswith(f"{SNAPSHOTS_NAME}/") or name in skipped:
            continue
        target = scratch / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, target)
        flush_to_disk(target)
        if sha256_of(target) != entry["sha256"] or parquet_problem(target):
            raise LiveTrackError(f"{name} did not copy intact. Nothing was restored.")
        restored += 1
    return restored


def _audit_restore(data_dir, manifest, rows, snapshots, skipped) -> None:
    """Open the restored folder as LiveTrack does (newer migrations run) and audit."""
    store = Store(data_dir)
    try:
        log_event(
            store, None, None, RESTORE, made_at=manifest["made_at"],
            rows=sum(rows.values()), snapshots=snapshots, skipped=len(skipped),
        )  # fmt: skip
    finally:
        store.close()
