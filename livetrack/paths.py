"""Where LiveTrack keeps its data: the database and the snapshot files."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR_VARIABLE = "LIVETRACK_DATA_DIR"
DATABASE_NAME = "livetrack.duckdb"
SNAPSHOTS_NAME = "snapshots"


def resolve_data_dir(given: str | os.PathLike | None = None) -> Path:
    """The data folder: the one given, else $LIVETRACK_DATA_DIR, else ./data."""
    chosen = given or os.environ.get(DATA_DIR_VARIABLE)
    return Path(chosen) if chosen else PROJECT_ROOT / "data"


def database_path(data_dir: Path) -> Path:
    return data_dir / DATABASE_NAME


def snapshots_dir(data_dir: Path) -> Path:
    return data_dir / SNAPSHOTS_NAME
