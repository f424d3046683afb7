"""Writes for the roster import that store/pupils.py does not cover."""

from datetime import date

import duckdb

from livetrack.store.schools import ensure_class


def mark_pupils_left(
    cursor: duckdb.DuckDBPyConnection, school_id: int, upns: list[str], left_on: date
) -> None:
    """Take pupils off roll from a date; they and their history stay."""
    cursor.execute(
        "update pupils set left_on = ?"
        " where school_id = ? and list_contains(?::varchar[], upn)",
        [left_on, school_id, upns],
    )


def ensure_classes(
    cursor: duckdb.DuckDBPyConnection, school_id: int, classes: dict[str, int]
) -> dict[str, int]:
    """The ids of a school's classes by name, each made or moved as needed."""
    class_ids = {
        name: ensure_class(cursor, school_id, name, year_group)
        for name, year_group in classes.items()
    }
    # ensure_class leaves its lookup unread when it finds a class, and DuckDB
    # then refuses to register a frame (as insert_pupils does) on the cursor.
    cursor.complete()
    return class_ids
