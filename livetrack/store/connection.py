"""The one DuckDB connection of this process, and a cursor for every query."""

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from livetrack.errors import DatabaseInUse
from livetrack.files import clear_incoming
from livetrack.paths import database_path, snapshots_dir
from livetrack.store.migrations import apply_migrations

log = logging.getLogger(__name__)

CONNECTION_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


class Store:
    """A LiveTrack data folder: the database and the snapshot files beside it.

    One Store is shared by every thread of a process; each query runs on its
    own cursor, so Streamlit sessions never share a cursor. Opening one takes
    DuckDB's lock on the database file, so no other process can write here
    meanwhile: what a killed process left half-written is cleared then.
    """

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.snapshots_dir = snapshots_dir(self.data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._connection = _connect(database_path(self.data_dir))
        self._version = 0
        self._version_lock = threading.Lock()
        # Held while snapshot files are written, rewritten or copied.
        self.files_lock = threading.RLock()
        apply_migrations(self._connection)
        cleared = clear_incoming(self.snapshots_dir)
        if cleared:
            log.info("cleared %d half-written snapshot(s) left by a stopped process",
                     cleared)  # fmt: skip

    @property
    def version(self) -> int:
        """A counter that every write in this process moves on: the key for caches."""
        return self._version

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._connection.cursor()

    def frame(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        """Run one read query on its own cursor and return the rows as a DataFrame."""
        with self.cursor() as cursor:
            return cursor.execute(sql, params or []).df()

    def rows(self, sql: str, params: list | dict | None = None) -> list[tuple]:
        with self.cursor() as cursor:
            return cursor.execute(sql, params or []).fetchall()

    def value(self, sql: str, params: list | dict | None = None):
        with self.cursor() as cursor:
            row = cursor.execute(sql, params or []).fetchone()
        return None if row is None else row[0]

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor inside one transaction: all of its writes land, or none do."""
        with self.cursor() as cursor:
            cursor.begin()
            try:
                yield cursor
            except BaseException:
                cursor.rollback()
                raise
            cursor.commit()
        self.mark_changed()

    def mark_changed(self) -> None:
        """Move the data version on after a write outside a transaction (a snapshot)."""
        with self._version_lock:
            self._version += 1

    def close(self) -> None:
        self._connection.close()


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        connection = duckdb.connect(str(path), config=CONNECTION_CONFIG)
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            holder = _holder(str(error))
            in_use = DatabaseInUse(
                f"The LiveTrack database in {path.parent} is in use by another "
                f"program{f' (process {holder})' if holder else ''}: usually the "
                "LiveTrack app, which keeps it open while it runs."
            )
            in_use.holder_pid = holder
            raise in_use from None
        raise
    connection.execute("set TimeZone = 'UTC'")
    return connection


def _holder(message: str) -> int | None:
    """The id of the process holding the lock, when DuckDB's message names it."""
    found = re.search(r"PID (\d+)", message)
    return int(found.group(1)) if found else None


def database_exists(data_dir: Path) -> bool:
    return database_path(Path(data_dir)).exists()
