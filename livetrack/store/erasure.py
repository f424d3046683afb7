"""The SQL of erasure and retention: every row about some pupils, found and deleted.

The tables that hold pupil rows are found in DuckDB's catalogue (a
`pupil_id` column, or a foreign key to `pupils`), so a table added by a later
migration is covered without a change here. This is the one place where rows
of the append-only status log are deleted: the law asks for it.
"""

import duckdb
import pandas as pd

from livetrack.store.connection import Store

SETTING_SQL = "select value from settings where name = ?"

PUPIL_COLUMNS_SQL = """
select table_name, column_name from duckdb_columns()
where schema_name = 'main' and column_name = 'pupil_id' and table_name <> 'pupils'
union
select table_name, unnest(constraint_column_names) from duckdb_constraints()
where schema_name = 'main' and constraint_type = 'FOREIGN KEY'
  and referenced_table = 'pupils'
order by table_name
"""


def pupil_columns(cursor: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(table, column) for every column that points at a pupil."""
    return [tuple(row) for row in cursor.execute(PUPIL_COLUMNS_SQL).fetchall()]


def count_pupil_rows(store: Store, pupil_ids: list[int]) -> dict[str, int]:
    """How many rows each table holds about these pupils, the pupils row included."""
    with store.cursor() as cursor:
        return _count(cursor, pupil_ids)


def _count(cursor, pupil_ids: list[int]) -> dict[str, int]:
    counts = {"pupils": _count_in(cursor, "pupils", "id", pupil_ids)}
    for table, column in pupil_columns(cursor):
        counts[table] = counts.get(table, 0) + _count_in(
            cursor, table, column, pupil_ids
        )
    return counts


def _count_in(cursor, table: str, column: str, pupil_ids: list[int]) -> int:
    # Table and column names come from the catalogue, never from input.
    return cursor.execute(
        f'select count(*) from "{table}" where list_contains(?::integer[], "{column}")',
        [pupil_ids],
    ).fetchone()[0]


def delete_pupil_rows(store: Store, pupil_ids: list[int], audit=None) -> dict[str, int]:
    """Delete every row about these pupils; returns the rows deleted per table.

    Two transactions, because DuckDB checks a foreign key against rows
    deleted earlier in the same transaction: first every row that points at
    the pupils, with their names and date of birth blanked; then the pupils'
    own rows, with `audit(cursor, counts)` recording it. A process stopped
    between the two leaves pupils without names or history, which erasing
    again finishes.
    """
    with store.transaction() as cursor:
        counts = _count(cursor, pupil_ids)
        for table, column in pupil_columns(cursor):
            cursor.execute(
                f'delete from "{table}" where list_contains(?::integer[], "{column}")',
                [pupil_ids],
            )
        cursor.execute(
            "update pupils set legal_first_name = '', legal_last_name = '',"
            " preferred_first_name = null, date_of_birth = null"
            " where list_contains(?::integer[], id)",
            [pupil_ids],
        )
    with store.transaction() as cursor:
        cursor.execute(
            "delete from pupils where list_contains(?::integer[], id)", [pupil_ids]
        )
        if audit is not None:
            audit(cursor, counts)
    return counts


def load_pupil(store: Store, pupil_id: int) -> dict | None:
    """One pupil's school, names, UPN and leaving date, on roll or not."""
    found = store.frame(
        "select id, school_id, upn, legal_first_name, legal_last_name, left_on"
        " from pupils where id = ?",
        [pupil_id],
    )
    return None if found.empty else found.iloc[0].to_dict()


def find_pupil_id(store: Store, upn: str) -> int | None:
    return store.value("select min(id) from pupils where upn = ?", [upn.strip()])


def load_leavers_before(
    store: Store, school_ids: list[int] | None, left_by
) -> pd.DataFrame:
    """Pupils who left on or before a day: id, school and leaving date only."""
    return store.frame(
        """
        select id, school_id, left_on from pupils
        where left_on is not null and left_on <= ?
          and (?::integer[] is null or list_contains(?::integer[], school_id))
        order by left_on, id
        """,
        [left_by, school_ids, school_ids],
    )


def load_setting(store: Store, name: str) -> str | None:
    return store.value(SETTING_SQL, [name])


def save_setting(cursor: duckdb.DuckDBPyConnection, name: str, value: str) -> None:
    cursor.execute(
        "insert or replace into settings (name, value, changed_at)"
        " values (?, ?, now())",
        [name, value],
    )
