"""The SQL of backups: every table read in one transaction, and loaded back.

Table names come from DuckDB's catalogue, never from input; a restore loads
only tables its own schema has.
"""

from graphlib import TopologicalSorter
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from livetrack.store.connection import Store

TABLES_SQL = """
select table_name from duckdb_tables()
where database_name = current_database() and schema_name = 'main'
order by table_name
"""
REFERENCES_SQL = """
select table_name, referenced_table from duckdb_constraints()
where database_name = current_database() and schema_name = 'main'
  and constraint_type = 'FOREIGN KEY' and referenced_table <> table_name
"""
SEQUENCES_SQL = """
select sequence_name, last_value from duckdb_sequences()
where database_name = current_database() and schema_name = 'main'
order by sequence_name
"""
MIGRATIONS_TABLE = "schema_migrations"


def table_names(cursor: duckdb.DuckDBPyConnection) -> list[str]:
    """Every table, each after the tables its foreign keys point at."""
    names = [row[0] for row in cursor.execute(TABLES_SQL).fetchall()]
    needs = {name: set() for name in names}
    for table, referenced in cursor.execute(REFERENCES_SQL).fetchall():
        needs[table].add(referenced)
    return list(TopologicalSorter(needs).static_order())


def export_tables(store: Store, folder: Path) -> dict:
    """Write every table to `folder`/<table>.parquet, all read in one transaction.

    Returns the tables' row counts, the sequences' values and the schema's
    migration number, as they were in that same transaction.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with store.cursor() as cursor:
        cursor.begin()
        try:
            rows = {}
            for name in table_names(cursor):
                table = cursor.sql(f'select * from "{name}"').to_arrow_table()
                pq.write_table(table, folder / f"{name}.parquet")
                rows[name] = table.num_rows
            sequences = dict(cursor.execute(SEQUENCES_SQL).fetchall())
            migration = cursor.execute(
                f"select coalesce(max(number), 0) from {MIGRATIONS_TABLE}"
            ).fetchone()[0]
        finally:
            cursor.rollback()
    return {"rows": rows, "sequences": sequences, "migration": migration}


def load_tables(
    connection: duckdb.DuckDBPyConnection,
    files: dict[str, Path],
    sequences: dict[str, int | None],
) -> None:
    """Fill an empty database (its schema made) from Parquet files, in one go."""
    cursor = connection.cursor()
    cursor.begin()
    cursor.execute(f"delete from {MIGRATIONS_TABLE}")
    for name in table_names(cursor):
        if name in files:
            cursor.execute(
                f'insert into "{name}" by name select * from read_parquet(?)',
                [str(files[name])],
            )
    known = dict(cursor.execute(SEQUENCES_SQL).fetchall())
    for name, value in sequences.items():
        if name in known and value is not None:
            cursor.execute("select setval(?, ?)", [name, value])
    cursor.commit()


def differences(connection: duckdb.DuckDBPyConnection, name: str, path: Path) -> int:
    """Rows that differ between a table and the Parquet file it was loaded from."""
    return connection.execute(
        f"""
        select (select count(*) from (
                   select * from "{name}" except all select * from read_parquet($1)))
             + (select count(*) from (
                   select * from read_parquet($1) except all select * from "{name}"))
        """,
        [str(path)],
    ).fetchone()[0]


def sequence_values(connection: duckdb.DuckDBPyConnection) -> dict:
    return dict(connection.execute(SEQUENCES_SQL).fetchall())
