"""Half-term snapshots: every live status frozen with each pupil's context that day.

The files are a contract that anything reading Parquet can rely on:
`snapshots/school=<id>/year=<2026-27>/half_term=<autumn-1>/snapshot.parquet`,
one row per pupil per tracked subject. A snapshot is written in a folder of
its own and renamed into place, so a failed write never leaves half of one.
"""

import logging
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as clock
from pathlib import Path

import pyarrow.parquet as pq

from livetrack.calendar import HalfTerm
from livetrack.errors import SnapshotExists
from livetrack.progress import Progress, silent
from livetrack.store import Store
from livetrack.store.snapshots import SNAPSHOT_FILE_NAME, read_snapshot_rows

log = logging.getLogger(__name__)

INCOMING_FOLDER = ".incoming"
END_OF_SCHOOL_DAY = clock(18, 0)


@dataclass(frozen=True)
class SnapshotInfo:
    """What a snapshot holds and where."""

    school_id: int
    half_term: HalfTerm
    rows: int
    pupils: int
    path: Path
    seconds: float


def snapshot_folder(store: Store, school_id: int, half_term: HalfTerm) -> Path:
    return (
        store.snapshots_dir
        / f"school={school_id}"
        / f"year={half_term.academic_year}"
        / f"half_term={half_term.code}"
    )


def snapshot_exists(store: Store, school_id: int, half_term: HalfTerm) -> bool:
    return (snapshot_folder(store, school_id, half_term) / SNAPSHOT_FILE_NAME).exists()


def end_of(half_term: HalfTerm) -> datetime:
    """The moment a half-term's snapshot reads the statuses at: its last day, 6 pm."""
    return datetime.combine(half_term.ends_on, END_OF_SCHOOL_DAY, tzinfo=UTC)


def take_snapshot(
    store: Store,
    school_id: int,
    half_term: HalfTerm,
    *,
    as_at: datetime | None = None,
    replace: bool = False,
    progress: Progress = silent,
) -> SnapshotInfo:
    """Freeze a school's live statuses, as at now (or `as_at`), for a half-term."""
    started = time.perf_counter()
    if snapshot_exists(store, school_id, half_term) and not replace:
        raise SnapshotExists(
            f"The {half_term.label} snapshot has already been taken. "
            "Choose to replace it if you want to take it again."
        )
    progress(0.1, f"Reading live statuses for {half_term.label}")
    taken_at = datetime.now(UTC)
    rows = read_snapshot_rows(
        store, school_id, half_term.academic_year, as_at or taken_at, taken_at
    )
    progress(0.6, f"Writing {rows.num_rows:,} statuses")
    folder = snapshot_folder(store, school_id, half_term)
    _write_atomically(store.snapshots_dir, folder, rows)
    store.mark_changed()
    seconds = time.perf_counter() - started
    progress(1.0, f"Snapshot taken in {seconds:.1f} s")
    pupils = len(set(rows.column("pupil_id").to_pylist()))
    log.info(
        "snapshot of school %d for %s: %d rows in %.2f s",
        school_id, half_term.label, rows.num_rows, seconds,
    )  # fmt: skip
    return SnapshotInfo(school_id, half_term, rows.num_rows, pupils, folder, seconds)


def _write_atomically(snapshots_dir: Path, folder: Path, rows) -> None:
    """Write into a fresh folder, then swap it in; an old snapshot goes only after."""
    incoming = snapshots_dir / INCOMING_FOLDER / uuid.uuid4().hex
    incoming.mkdir(parents=True)
    try:
        pq.write_table(rows, incoming / SNAPSHOT_FILE_NAME)
        folder.parent.mkdir(parents=True, exist_ok=True)
        retired = None
        if folder.exists():
            retired = incoming.with_name(incoming.name + "-replaced")
            folder.rename(retired)
        incoming.rename(folder)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
