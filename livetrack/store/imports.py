"""Writes and reads for the imports that store/pupils.py does not cover."""

from datetime import date

import duckdb
import pandas as pd

from livetrack.store.audit import IMPORT, record_event
from livetrack.store.connection import Store
from livetrack.store.schools import ensure_class, ensure_office_account


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


def pupil_ids_by_upn(
    store: Store | duckdb.DuckDBPyConnection, school_id: int
) -> dict[str, int]:
    """Every pupil the school has had, on roll or left, by UPN.

    Given a cursor, it reads inside that cursor's transaction (pupils just added).
    """
    sql, params = "select upn, id from pupils where school_id = ?", [school_id]
    if isinstance(store, Store):
        return dict(store.rows(sql, params))
    return dict(store.execute(sql, params).fetchall())


def load_pupil_names(store: Store, pupil_ids: list[int]) -> pd.Series:
    """Pupils' names (preferred first name, else legal) by id, for a preview."""
    names = store.frame(
        "select id, coalesce(preferred_first_name, legal_first_name) || ' '"
        " || legal_last_name as pupil from pupils"
        " where list_contains(?::integer[], id)",
        [sorted(set(pupil_ids))],
    )
    return names.set_index("id")["pupil"]


def load_year_groups(store: Store, school_id: int, upns: list[str]) -> pd.DataFrame:
    """The year group LiveTrack holds for each of these UPNs (upn, year_group)."""
    return store.frame(
        "select upn, year_group from pupils where school_id = ?"
        " and list_contains(?::varchar[], upn)",
        [school_id, sorted(upns)],
    )


def load_attendance_ranges(store: Store, pupil_ids: list[int]) -> set[tuple]:
    """(pupil_id, starts_on, ends_on) of every attendance row these pupils have."""
    rows = store.rows(
        "select pupil_id, starts_on, ends_on from attendance"
        " where list_contains(?::integer[], pupil_id)",
        [sorted(set(pupil_ids))],
    )
    return set(rows)


def load_incident_keys(store: Store, pupil_ids: list[int]) -> set[tuple]:
    """(pupil_id, natural_key) of every incident these pupils have."""
    rows = store.rows(
        "select pupil_id, natural_key from behaviour_incidents"
        " where list_contains(?::integer[], pupil_id)",
        [sorted(set(pupil_ids))],
    )
    return set(rows)


def record_import(
    cursor: duckdb.DuckDBPyConnection,
    school_id: int,
    staff_id: int | None,
    kind: str,
    file_name: str | None,
    **counts: int,
) -> None:
    """Who imported which file, and what it changed, in the import's transaction.

    With no one signed in (the command line) the school office account is
    recorded. The file's name is kept; its contents never are.
    """
    who = staff_id if staff_id is not None else ensure_office_account(cursor, school_id)
    record_event(cursor, who, school_id, IMPORT, kind=kind, file=file_name, **counts)


# Column mappings: a school's answer to "which column is the UPN?"


def load_column_mapping(store: Store, school_id: int | None, kind: str) -> dict:
    """The headers a school chose for details of one kind of file: detail -> header."""
    if school_id is None:
        return {}
    return dict(
        store.rows(
            "select detail, header from import_column_mappings"
            " where school_id = ? and kind = ? order by detail",
            [school_id, kind],
        )
    )


def save_column_mapping(
    store: Store, school_id: int, kind: str, mapping: dict[str, str]
) -> None:
    """Remember a school's headers for one kind of file (replacing earlier answers)."""
    with store.transaction() as cursor:
        write_column_mapping(cursor, school_id, kind, mapping)


def forget_column_mapping(store: Store, school_id: int, kind: str) -> None:
    """Let a school's next file of this kind be matched by LiveTrack's own headers."""
    with store.transaction() as cursor:
        cursor.execute(
            "delete from import_column_mappings where school_id = ? and kind = ?",
            [school_id, kind],
        )


def write_column_mapping(
    cursor: duckdb.DuckDBPyConnection, school_id: int, kind: str, mapping: dict
) -> None:
    rows = pd.DataFrame(
        {
            "school_id": school_id,
            "kind": kind,
            "detail": list(mapping),
            "header": list(mapping.values()),
        },
        columns=["school_id", "kind", "detail", "header"],
    )
    if rows.empty:
        return
    cursor.register("incoming", rows)
    cursor.execute(
        "insert or replace into import_column_mappings"
        " select school_id, kind, detail, header from incoming"
    )
    cursor.unregister("incoming")
