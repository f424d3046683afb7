"""The benchmark's synthetic trusts, built once, cached, and copied for each run.

Each size is the demo trust (`livetrack.demo.build_demo`) with a fixed seed and
day, so every run on every machine measures the same pupils. A run works on a
copy, so the saves, snapshots and sign-ins it makes never reach the cache.
"""

import inspect
import json
import logging
import os
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from livetrack.calendar import default_half_terms, first_calendar_year
from livetrack.demo import build_demo
from livetrack.paths import DATABASE_NAME, SNAPSHOTS_NAME
from livetrack.snapshots import end_of
from livetrack.store import Store
from livetrack.store.snapshots import SNAPSHOT_FILE_NAME

log = logging.getLogger(__name__)

BENCH_ROOT = Path(__file__).resolve().parent
CACHE_DIR = Path(os.environ.get("LIVETRACK_BENCH_DATA", BENCH_ROOT / ".data"))
# Bump when the way a size is built changes, so old caches are not reused.
DATA_VERSION = 2
SEED = 2026
TODAY = date(2026, 12, 3)  # Autumn 2 of 2026-27: one snapshot taken this year
ACADEMIC_YEAR = "2026-27"


@dataclass(frozen=True)
class Size:
    name: str
    schools: int
    years: int  # academic years of half-term snapshots, this one included


SIZES = {
    "school": Size("school", schools=1, years=3),
    "trust40": Size("trust40", schools=40, years=5),
    "trust100": Size("trust100", schools=100, years=5),
}


def cached_data(size: Size) -> Path:
    """The size's data folder in the cache, built first if it is not there yet."""
    folder = CACHE_DIR / f"{size.name}-v{DATA_VERSION}"
    marker = folder / "built.json"
    if marker.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    store = Store(folder)
    try:
        _build(store, size)
    finally:
        store.close()
    facts = {**asdict(size), "seed": SEED, "today": TODAY.isoformat()}
    facts["build_seconds"] = round(time.perf_counter() - started, 1)
    marker.write_text(json.dumps(facts, indent=2))
    return folder


def _build(store: Store, size: Size) -> None:
    if "years" in inspect.signature(build_demo).parameters:
        # The demo builds its own past years once it can (branch `schoolyear`).
        build_demo(store, schools=size.schools, seed=SEED, today=TODAY,
                   years=size.years)  # fmt: skip
        return
    build_demo(store, schools=size.schools, seed=SEED, today=TODAY)
    if size.years > 1:
        _copy_past_years(store.snapshots_dir, size.years - 1)


def _copy_past_years(snapshots_dir: Path, past_years: int) -> None:
    """Past years' snapshots made from this year's first one, dated as they would be.

    A stand-in until the demo builds real history: the statuses repeat, but
    the files, rows and partitions are what five years would hold.
    """
    this_year = first_calendar_year(ACADEMIC_YEAR)
    for school in sorted(snapshots_dir.glob("school=*")):
        first = next(school.glob(f"year={ACADEMIC_YEAR}/half_term=*/"
                                 f"{SNAPSHOT_FILE_NAME}"))  # fmt: skip
        rows = pq.read_table(first)
        for back in range(1, past_years + 1):
            year = f"{this_year - back}-{str(this_year - back + 1)[-2:]}"
            for half_term in default_half_terms(year):
                folder = school / f"year={year}" / f"half_term={half_term.code}"
                folder.mkdir(parents=True)
                pq.write_table(
                    _dated(rows, end_of(half_term)), folder / SNAPSHOT_FILE_NAME
                )


def _dated(rows: pa.Table, as_at: datetime) -> pa.Table:
    taken = as_at + timedelta(hours=1)
    for name, moment in (("as_at", as_at), ("taken_at", taken)):
        column = pa.array([moment.astimezone(UTC)] * rows.num_rows,
                          type=rows.schema.field(name).type)  # fmt: skip
        rows = rows.set_column(rows.schema.get_field_index(name), name, column)
    return rows


def working_copy(cached: Path, work_dir: Path) -> Path:
    """A copy of a cached data folder to write into: the database copied, the
    snapshot files hard-linked (snapshots are only ever added or swapped whole)."""
    target = work_dir / "data"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy2(cached / DATABASE_NAME, target / DATABASE_NAME)
    wal = cached / f"{DATABASE_NAME}.wal"
    if wal.exists():
        shutil.copy2(wal, target / f"{DATABASE_NAME}.wal")
    shutil.copytree(cached / SNAPSHOTS_NAME, target / SNAPSHOTS_NAME,
                    copy_function=_link_or_copy)  # fmt: skip
    return target


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
