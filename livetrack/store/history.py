"""The SQL behind history: the years a school has, and figures read from snapshots.

Every figure of the past is read from the snapshot files with the context
each pupil had that day, never from the pupils table as it is now. Queries
run set-based in DuckDB over the hive-partitioned Parquet, pruned to the
schools and years asked for.
"""

from livetrack.store.connection import Store


def load_academic_years(store: Store, school_id: int) -> list[str]:
    """The academic years a school has dates saved for, oldest first."""
    rows = store.rows(
        "select academic_year from academic_years where school_id = ?"
        " order by academic_year",
        [school_id],
    )
    return [row[0] for row in rows]
