"""Storage: the DuckDB database of live data, and every SQL statement LiveTrack runs."""

from livetrack.store.connection import Store, database_exists

__all__ = ["Store", "database_exists"]
