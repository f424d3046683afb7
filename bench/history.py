"""History figures over every snapshot: DuckDB's way, and the plain pandas way.

Each figure is a % Below per half-term split one way (by subject, by school,
by pupil premium), over every snapshot file of the trust. DuckDB reads the
hive-partitioned Parquet in one query; the peer reads every file into pandas,
stacks them and groups, the way a script with no database would.
"""

import time
from pathlib import Path

import pandas as pd

from bench.pages import spread
from livetrack.filters import Filters
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.facts import HIVE_TYPES
from livetrack.store.figures import count_facts, snapshot_source

# Figure name: the columns it splits each half-term by.
FIGURES = {
    "below_by_subject": ["subject"],
    "below_by_school": ["school"],
    "below_by_pupil_premium": ["pupil_premium"],
}
HALF_TERM = ["year", "half_term"]
SNAPSHOT_FILES = "school=*/year=*/half_term=*/*.parquet"


def duckdb_figure(store: Store, by: list[str]) -> pd.DataFrame:
    keys = ", ".join([*HALF_TERM, *by])
    return store.frame(
        f"""
        select {keys},
               count(*) filter (status = 'Below') as below,
               count(*) as total,
               round(100.0 * count(*) filter (status = 'Below') / count(*), 1)
                   as pct_below
        from read_parquet(?, hive_partitioning = true, hive_types = {HIVE_TYPES})
        group by {keys}
        order by {keys}
        """,
        [str(store.snapshots_dir / SNAPSHOT_FILES)],
    )


def pandas_figure(snapshots_dir: Path, by: list[str]) -> pd.DataFrame:
    """The peer: read every snapshot file into pandas, stack, group."""
    facts = read_every_snapshot(snapshots_dir)
    keys = [*HALF_TERM, *by]
    grouped = facts.assign(below=facts["status"] == "Below").groupby(keys)
    figure = grouped["below"].agg(below="sum", total="size").reset_index()
    figure["pct_below"] = (100.0 * figure["below"] / figure["total"]).round(1)
    return figure.sort_values(keys, ignore_index=True)


def read_every_snapshot(snapshots_dir: Path) -> pd.DataFrame:
    frames = []
    for path in sorted(snapshots_dir.glob(SNAPSHOT_FILES)):
        frame = pd.read_parquet(path)
        school, year, half_term = (part.split("=", 1)[1] for part in path.parts[-4:-1])
        frames.append(frame.assign(school=int(school), year=year, half_term=half_term))
    return pd.concat(frames, ignore_index=True)


def time_duckdb(store: Store, repeat: int) -> dict:
    """Each figure in DuckDB, and the app's own history query (count_facts)."""
    timings = {}
    for name, by in FIGURES.items():
        timings[name] = _timed(lambda by=by: duckdb_figure(store, by), repeat)
    source = snapshot_source(store, Scope.everything())
    timings["app_count_facts_by_half_term_subject"] = _timed(
        lambda: count_facts(store, source, Filters(), ["half_term", "subject"]),
        repeat,
    )
    return timings


def time_pandas(snapshots_dir: Path, repeat: int) -> dict:
    """Each figure the pandas way, every file read again each time as a page would."""
    timings = {"read_only": _timed(lambda: read_every_snapshot(snapshots_dir), repeat)}
    for name, by in FIGURES.items():
        timings[name] = _timed(lambda by=by: pandas_figure(snapshots_dir, by), repeat)
    return timings


def figures_agree(store: Store) -> bool:
    """Whether both ways give the same counts (checked once, on one figure)."""
    by = FIGURES["below_by_subject"]
    ours = duckdb_figure(store, by)[["below", "total"]].astype("int64")
    theirs = pandas_figure(store.snapshots_dir, by)[["below", "total"]]
    return ours.reset_index(drop=True).equals(theirs.astype("int64"))


def _timed(figure, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        figure()
        runs.append(time.perf_counter() - started)
    return spread(runs)
