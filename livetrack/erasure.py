"""Erasure of one pupil, and the retention period for leavers' personal data.

Erasure (a parent's request under UK GDPR article 17) removes every row
about the pupil from every table and from every snapshot file; backups made
afterwards cannot hold them. Retention removes, a set number of years after
they left, every leaver's live rows (names, UPN, date of birth, notes, their
status history), while the snapshot rows, which hold an id and the
context of the day but never a name, stay behind for the school's trends.
The audit records both with ids and counts only.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from livetrack.errors import InvalidInput, LiveTrackError
from livetrack.files import write_parquet_atomically
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.audit import ERASURE, RETENTION, SETTING_CHANGED, record_event
from livetrack.store.erasure import (
    count_pupil_rows,
    delete_pupil_rows,
    load_leavers_before,
    load_pupil,
    load_setting,
    save_setting,
)
from livetrack.store.snapshots import readable_snapshot_files

log = logging.getLogger(__name__)

RETENTION_SETTING = "retention_years"
# Six years after leaving: the period most school retention schedules (the
# IRMS toolkit's "date of leaving + 6 years" pattern for pupil-level
# management records) and the Limitation Act 1980's six years for claims
# share. A primary school passes the pupil's educational record on to the
# next school, so its own tracking data need not outlive that. Schools set
# their own on the Data page.
DEFAULT_RETENTION_YEARS = 6
RETENTION_YEARS_RANGE = (1, 25)


class PupilNotFound(LiveTrackError):
    """No pupil with that id, in the database or in any snapshot."""


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure removed: rows per table, and rows from snapshot files."""

    pupil_id: int
    rows: dict[str, int]
    snapshot_rows: int
    snapshot_files: int
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.rows.values()) + self.snapshot_rows


@dataclass(frozen=True)
class RetentionResult:
    """Leavers whose personal data is (or would be) removed, as at a cut-off."""

    years: int
    left_by: date
    pupils: int
    rows: dict[str, int] = field(default_factory=dict)
    by_leaving_year: dict[int, int] = field(default_factory=dict)
    done: bool = False


def preview_erasure(store: Store, scope: Scope, pupil_id: int) -> ErasureResult:
    """What erasing a pupil would remove, changing nothing."""
    scope.require_administer()
    pupil = _pupil_in_scope(store, scope, pupil_id)
    rows = count_pupil_rows(store, [pupil_id]) if pupil else {}
    found, files = _snapshot_rows(store, {pupil_id}, rewrite=False)
    if not pupil and not found:
        raise PupilNotFound(f"There is no pupil {pupil_id} here, nor in any snapshot.")
    return ErasureResult(pupil_id, rows, found, files)


def erase_pupil(
    store: Store, scope: Scope, staff_id: int | None, pupil_id: int
) -> ErasureResult:
    """Remove every row about one pupil: tables, then snapshot files, then the pupil.

    Erasing again after a stop half-way finishes the job.
    """
    started = time.perf_counter()
    preview_erasure(store, scope, pupil_id)  # in scope, and there to erase
    pupil = load_pupil(store, pupil_id)
    school_id = None if pupil is None else int(pupil["school_id"])
    with store.files_lock:
        _require_readable_snapshots(store)
        # Should a snapshot file fail to be rewritten after this, erasing
        # the same id again finds the pupil's rows there and finishes.
        rows = {} if pupil is None else delete_pupil_rows(store, [pupil_id])
        snapshot_rows, files = _snapshot_rows(store, {pupil_id}, rewrite=True)
    with store.transaction() as cursor:
        record_event(
            cursor, staff_id, school_id, ERASURE, pupil_id=pupil_id,
            rows=rows, snapshot_rows=snapshot_rows, snapshot_files=files,
        )  # fmt: skip
    store.mark_changed()
    seconds = time.perf_counter() - started
    log.info(
        "erased pupil %d: %d rows, %d snapshot rows in %d files in %.2f s",
        pupil_id, sum(rows.values()), snapshot_rows, files, seconds,
    )  # fmt: skip
    return ErasureResult(pupil_id, rows, snapshot_rows, files, seconds)


def _pupil_in_scope(store: Store, scope: Scope, pupil_id: int) -> dict | None:
    pupil = load_pupil(store, pupil_id)
    if pupil is not None:
        scope.within_school(int(pupil["school_id"]))
    return pupil


def _snapshot_rows(store: Store, pupil_ids: set[int], rewrite: bool) -> tuple[int, int]:
    """Rows of these pupils in snapshot files (removed, when `rewrite`), and files."""
    files = readable_snapshot_files(store)
    removed = touched = 0
    wanted = pa.array(sorted(pupil_ids), type=pa.int64())
    for path in files.readable:
        table = pq.read_table(path)
        ids = pc.cast(table.column("pupil_id"), pa.int64())
        theirs = pc.is_in(ids, value_set=wanted)
        found = pc.sum(theirs).as_py() or 0
        if not found:
            continue
        removed, touched = removed + found, touched + 1
        if rewrite:
            kept = table.filter(pc.invert(theirs))
            write_parquet_atomically(kept, path, store.snapshots_dir)
    return removed, touched


def _require_readable_snapshots(store: Store) -> None:
    unreadable = readable_snapshot_files(store).unreadable
    if unreadable:
        raise LiveTrackError(
            "These snapshot files cannot be read, so the pupil's rows in them "
            f"could not be erased: {', '.join(unreadable)}. Restore them from a "
            "backup (or move them away), then erase again. Nothing was erased."
        )


def retention_years(store: Store) -> int:
    """The retention period in years after leaving: the setting, else six."""
    saved = load_setting(store, RETENTION_SETTING)
    return int(saved) if saved else DEFAULT_RETENTION_YEARS


def check_retention_years(years) -> int:
    """The retention period as a whole number of years, or InvalidInput."""
    low, high = RETENTION_YEARS_RANGE
    text = str(years).strip()
    if not text.isdigit():
        raise InvalidInput(
            f"The retention period is a whole number of years, from {low} to "
            f'{high}; "{text}" is not.'
        )
    whole = int(text)
    if not low <= whole <= high:
        raise InvalidInput(
            f"The retention period must be from {low} to {high} years after a "
            f"pupil leaves; {whole} is not."
        )
    return whole


def save_retention_years(
    store: Store, scope: Scope, staff_id: int | None, years
) -> int:
    """Change the retention period (audited); returns the years saved."""
    scope.require_administer()
    years = check_retention_years(years)
    with store.transaction() as cursor:
        save_setting(cursor, RETENTION_SETTING, str(years))
        record_event(
            cursor, staff_id, None, SETTING_CHANGED, setting=RETENTION_SETTING,
            years=years,
        )  # fmt: skip
    return years


def retention_cut_off(today: date, years: int) -> date:
    """The last leaving day whose pupils are past retention: `years` before today."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def apply_retention(
    store: Store,
    scope: Scope,
    staff_id: int | None,
    today: date,
    years: int | None = None,
    dry_run: bool = False,
) -> RetentionResult:
    """Remove the live rows of pupils who left `years` (the setting) or more ago."""
    scope.require_administer()
    years = retention_years(store) if years is None else check_retention_years(years)
    left_by = retention_cut_off(today, years)
    schools = None if scope.school_ids is None else sorted(scope.school_ids)
    leavers = load_leavers_before(store, schools, left_by)
    ids = [int(pupil_id) for pupil_id in leavers["id"]]
    by_year = leavers["left_on"].map(lambda day: day.year).value_counts()
    by_leaving_year = {int(k): int(v) for k, v in sorted(by_year.items())}
    if dry_run or not ids:
        rows = count_pupil_rows(store, ids) if ids else {}
        return RetentionResult(years, left_by, len(ids), rows, by_leaving_year)

    def audit(cursor, counts):
        record_event(
            cursor, staff_id, None, RETENTION, years=years, left_by=left_by,
            pupils=len(ids), rows=counts,
        )  # fmt: skip

    started = time.perf_counter()
    rows = delete_pupil_rows(store, ids, audit=audit)
    store.mark_changed()
    log.info(
        "retention removed %d leavers' rows (%d in all) in %.2f s",
        len(ids), sum(rows.values()), time.perf_counter() - started,
    )  # fmt: skip
    return RetentionResult(years, left_by, len(ids), rows, by_leaving_year, True)
