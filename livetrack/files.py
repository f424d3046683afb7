"""Files written in one step, checked by checksum: what snapshots and backups rest on.

A file is written beside its destination, flushed to disk, then moved into
place with one rename, so that a reader (or a process killed half-way) sees
the old file or the new one, never half of one.
"""

import hashlib
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

INCOMING_FOLDER = ".incoming"
CHUNK_BYTES = 1 << 20

_checked: dict[tuple[str, int, int], str | None] = {}
_checked_lock = threading.Lock()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def flush_to_disk(path: Path) -> None:
    """Ask the operating system to write a file (or a folder's entries) to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_parquet_atomically(table: pa.Table, destination: Path, root: Path) -> None:
    """Write `table` to `destination` in one step, working in `root`/.incoming.

    A new destination arrives with its folder (one rename of a folder); an
    existing file is swapped for the new one with one `os.replace`.
    """
    incoming = root / INCOMING_FOLDER / uuid.uuid4().hex
    incoming.mkdir(parents=True)
    try:
        written = incoming / destination.name
        pq.write_table(table, written)
        flush_to_disk(written)
        if destination.parent.exists():
            os.replace(written, destination)
        else:
            destination.parent.parent.mkdir(parents=True, exist_ok=True)
            incoming.rename(destination.parent)
        flush_to_disk(destination.parent)
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


@contextmanager
def folder_built_beside(destination: Path, purpose: str) -> Iterator[Path]:
    """A hidden folder beside `destination` (absent or empty) to fill; when the
    block ends it becomes `destination` with one rename, or is removed whole
    if the block fails, so the folder is never seen half-built."""
    scratch = destination.parent / f".{destination.name}.{purpose}-{uuid.uuid4().hex}"
    scratch.mkdir(parents=True)
    try:
        yield scratch
        if destination.exists():
            destination.rmdir()
        scratch.rename(destination)
        flush_to_disk(destination.parent)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def clear_incoming(root: Path) -> int:
    """Remove what a killed process left half-written in `root`/.incoming."""
    incoming = root / INCOMING_FOLDER
    if not incoming.is_dir():
        return 0
    stale = list(incoming.iterdir())
    for leftover in stale:
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    return len(stale)


def parquet_problem(path: Path, columns: tuple[str, ...] = ()) -> str | None:
    """Why a Parquet file cannot be read whole (None when it can).

    Reading every page is the only sure check, so the answer is kept for as
    long as the file's size and modification time stay the same.
    """
    try:
        status = path.stat()
    except OSError:
        return "missing"
    key = (str(path), status.st_size, status.st_mtime_ns)
    with _checked_lock:
        if key in _checked:
            return _checked[key]
    problem = _read_whole(path, columns)
    with _checked_lock:
        _checked[key] = problem
    return problem


def _read_whole(path: Path, columns: tuple[str, ...]) -> str | None:
    try:
        table = pq.read_table(path)
    except (OSError, ValueError, pa.ArrowException):
        return "damaged: it cannot be read"
    absent = [column for column in columns if column not in table.column_names]
    if absent:
        return "lacks the column(s) " + ", ".join(absent)
    return None
