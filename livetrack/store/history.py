"""The SQL behind history: the years a school has, and figures read from snapshots.

Every figure of the past is read from the snapshot files with the context
each pupil had that day, never from the pupils table as it is now. Queries
run set-based in DuckDB over the hive-partitioned Parquet, pruned to the
schools and years asked for.
"""

from datetime import date

from livetrack.store.connection import Store


def load_academic_years(store: Store, school_id: int) -> list[str]:
    """The academic years a school has dates saved for, oldest first."""
    rows = store.rows(
        "select academic_year from academic_years where school_id = ?"
        " order by academic_year",
        [school_id],
    )
    return [row[0] for row in rows]


def load_half_terms_to_freeze(
    store: Store, academic_years: list[str]
) -> list[tuple[int, str, str, date, date]]:
    """Every school's half-terms of these years that ended after it came to LiveTrack.

    A half-term over before a school was set up here has nothing to freeze.
    Rows are (school_id, academic_year, half_term, starts_on, ends_on).
    """
    return store.rows(
        """
        select h.school_id, h.academic_year, h.half_term, h.starts_on, h.ends_on
        from half_terms h
        join schools s on s.id = h.school_id
        where list_contains(?::varchar[], h.academic_year)
          and h.ends_on >= timezone('Europe/London', s.created_at)::date
        order by h.school_id, h.ends_on
        """,
        [academic_years],
    )
