"""The benchmark's synthetic trusts, built once, cached, and copied for each run.

Each size is the demo trust (`livetrack.demo.build_demo`) with a fixed seed and
day, so every run on every machine measures the same pupils. A run works on a
copy, so the saves, snapshots and sign-ins it makes never reach the cache.
"""

import json
import logging
import os
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from livetrack.demo import build_demo
from livetrack.paths import DATABASE_NAME, SNAPSHOTS_NAME
from livetrack.store import Store

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
    build_demo(store, schools=size.schools, seed=SEED, today=TODAY, years=size.years)


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
