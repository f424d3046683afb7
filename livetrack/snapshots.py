"""Half-term snapshots: every live status frozen with each pupil's context that day.

The files are a contract that anything reading Parquet can rely on:
`snapshots/school=<id>/year=<2026-27>/half_term=<autumn-1>/snapshot.parquet`,
one row per pupil per tracked subject. A snapshot is written in a folder of
its own and moved into place in one step (livetrack/files.py), so a failed
write or a killed process never leaves half of one; what a killed process
left in `.incoming` is cleared when the data folder is next opened.
"""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from livetrack.calendar import (
    SCHOOL_TIME_ZONE,
    HalfTerm,
    academic_year_of,
    previous_academic_year,
)
from livetrack.errors import SnapshotExists
from livetrack.files import write_parquet_atomically
from livetrack.progress import Progress, silent
from livetrack.store import Store
from livetrack.store.history import load_half_terms_to_freeze
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
    """The moment a half-term's snapshot reads the statuses at: its last day,
    6 pm in England (5 pm UTC in summer time), as a UTC time."""
    local = datetime.combine(
        half_term.ends_on, END_OF_SCHOOL_DAY, tzinfo=ZoneInfo(SCHOOL_TIME_ZONE)
    )
    return local.astimezone(UTC)


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


# --- Snapshots that fall due ---

_TAKING_DUE = threading.Lock()


@dataclass(frozen=True)
class DueSnapshot:
    """A half-term whose last day has ended, and whose snapshot is not yet taken."""

    school_id: int
    half_term: HalfTerm


def due_snapshots(store: Store, now: datetime) -> list[DueSnapshot]:
    """Every snapshot due at `now`: half-terms ended (after END_OF_SCHOOL_DAY on their
    last day) with no snapshot yet, in this academic year and the one before.

    The year before counts so that Summer 2 is still taken in September when
    nothing ran over the summer; older years are left alone, since their
    pupils' context is no longer the one they had.
    """
    now = _aware(now)
    this_year = academic_year_of(now.date())
    years = [previous_academic_year(this_year), this_year]
    due = []
    for school_id, year, code, starts_on, ends_on in load_half_terms_to_freeze(
        store, years
    ):
        half_term = HalfTerm(year, code, starts_on, ends_on)
        if end_of(half_term) <= now and not snapshot_exists(
            store, school_id, half_term
        ):
            due.append(DueSnapshot(school_id, half_term))
    return due


def take_due_snapshots(
    store: Store, now: datetime, school_id: int | None = None
) -> list[SnapshotInfo]:
    """Take every due snapshot (of one school, or all), each as at its half-term's end.

    Harmless when run twice, or by two threads at once: one already taken is
    skipped, never taken again and never an error.
    """
    taken = []
    with _TAKING_DUE:
        for due in due_snapshots(store, now):
            if school_id is not None and due.school_id != school_id:
                continue
            try:
                info = take_snapshot(
                    store, due.school_id, due.half_term, as_at=end_of(due.half_term)
                )
            except SnapshotExists:
                continue
            taken.append(info)
    return taken


def _aware(moment: datetime) -> datetime:
    """A moment with its time zone: a naive one is read as this machine's local time."""
    return moment if moment.tzinfo else moment.astimezone()
