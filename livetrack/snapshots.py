"""Half-term snapshots: every live status frozen with each pupil's context that day.

The files are a contract that anything reading Parquet can rely on:
`snapshots/school=<id>/year=<2026-27>/half_term=<autumn-1>/snapshot.parquet`,
one row per pupil per tracked subject. A snapshot is written in a folder of
its own and moved into place in one step (livetrack/files.py), so a failed
write or a killed process never leaves half of one; what a killed process
left in `.incoming` is cleared when the data folder is next opened.
"""

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as clock
from pathlib import Path

from livetrack.calendar import HalfTerm
from livetrack.errors import SnapshotExists
from livetrack.files import write_parquet_atomically
from livetrack.progress import Progress, silent
from livetrack.store import Store
from livetrack.store.snapshots import SNAPSHOT_FILE_NAME, read_snapshot_rows

log = logging.getLogger(__name__)

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
    # One snapshot, erasure or backup at a time touches the files.
    with store.files_lock:
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
        write_parquet_atomically(rows, folder / SNAPSHOT_FILE_NAME, store.snapshots_dir)
    store.mark_changed()
    seconds = time.perf_counter() - started
    progress(1.0, f"Snapshot taken in {seconds:.1f} s")
    pupils = len(set(rows.column("pupil_id").to_pylist()))
    log.info(
        "snapshot of school %d for %s: %d rows in %.2f s",
        school_id, half_term.label, rows.num_rows, seconds,
    )  # fmt: skip
    return SnapshotInfo(school_id, half_term, rows.num_rows, pupils, folder, seconds)
