"""The SQL behind snapshots: live statuses with each pupil's context as at a moment,
and the history read back from the Parquet files."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from livetrack.files import parquet_problem
from livetrack.scope import Scope
from livetrack.store.connection import Store
from livetrack.store.facts import live_facts_sql

SNAPSHOT_FILE_NAME = "snapshot.parquet"
HISTORY_GLOB = f"school=*/year=*/half_term=*/{SNAPSHOT_FILE_NAME}"
SNAPSHOT_COUNT_COLUMNS = [
    "school_id", "academic_year", "half_term", "as_at", "taken_at", "pupils",
    "above", "on", "below", "total",
]  # fmt: skip


def read_snapshot_rows(
    store: Store,
    school_id: int,
    academic_year: str,
    as_at: datetime,
    taken_at: datetime,
) -> pa.Table:
    """Every live status of a school as at a moment, with each pupil's context then."""
    facts, params = live_facts_sql(
        Scope.everything().within_school(school_id), academic_year, as_at, taken_at
    )
    with store.cursor() as cursor:
        return cursor.sql(
            f"select * exclude (school_id) from ({facts})"
            " order by pupil_id, subject_id",
            params=params,
        ).to_arrow_table()


def count_snapshot_statuses(store: Store, scope: Scope) -> pd.DataFrame:
    """Each snapshot on disk in the scope, with its Above, On and Below counts."""
    files = readable_snapshot_files(store).readable
    if not files:
        return pd.DataFrame(columns=SNAPSHOT_COUNT_COLUMNS)
    where, params = scope.where(
        school="school", klass="class_id", subject="subject_id",
        year_group="year_group",
    )  # fmt: skip
    return store.frame(
        f"""
        select school as school_id, year as academic_year, half_term,
               max(as_at) as as_at,
               max(taken_at) as taken_at,
               count(distinct pupil_id) as pupils,
               count(*) filter (status = 'Above') as above,
               count(*) filter (status = 'On') as "on",
               count(*) filter (status = 'Below') as below,
               count(*) as total
        from read_parquet(
            ?::varchar[], hive_partitioning = true,
            hive_types = {{'school': integer, 'year': varchar, 'half_term': varchar}})
        where {where}
        group by all
        order by school_id, as_at
        """,
        [[str(path) for path in files], *params],
    )


@dataclass(frozen=True)
class SnapshotFiles:
    """The snapshot files that read whole, and the names of those that do not."""

    readable: list[Path]
    unreadable: dict[str, str]  # name under the data folder: what is wrong


def readable_snapshot_files(store: Store) -> SnapshotFiles:
    """Every snapshot file on disk, checked: history reads the readable ones only.

    A half-term folder without its file is a snapshot lost from the disk.
    """
    readable, unreadable = [], {}
    for folder in sorted(store.snapshots_dir.glob(HISTORY_GLOB.rpartition("/")[0])):
        path = folder / SNAPSHOT_FILE_NAME
        problem = parquet_problem(path, ("pupil_id", "status"))
        if problem is None:
            readable.append(path)
        else:
            unreadable[str(path.relative_to(store.data_dir))] = problem
    return SnapshotFiles(readable, unreadable)
