"""The running app's clockwork: due snapshots taken with nobody pressing anything.

One daemon thread per process and data folder checks at start-up and then
every few minutes; `python -m livetrack snapshot --due` does the same when
the app is not running. At start-up the thread also reads every snapshot
file once, so that the first person to open a history page after a restart
does not wait for that check (seconds, for a large trust).
"""

import logging
import os
import threading
from collections.abc import Callable
from datetime import date, datetime

import duckdb

from livetrack.errors import LiveTrackError
from livetrack.snapshots import take_due_snapshots
from livetrack.store import Store
from livetrack.store.snapshots import readable_snapshot_files

log = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 5 * 60
TODAY_VARIABLE = "LIVETRACK_TODAY"

_started: dict[str, threading.Thread] = {}
_starting = threading.Lock()


def now() -> datetime:
    """This moment; on the day $LIVETRACK_TODAY names, for demos and tests."""
    moment = datetime.now().astimezone()
    pinned = os.environ.get(TODAY_VARIABLE)
    if pinned:
        moment = datetime.combine(date.fromisoformat(pinned), moment.timetz())
    return moment


def check_due_snapshots(store: Store, clock: Callable[[], datetime] = now) -> int:
    """Take what is due now; a failure is logged, never raised into the app."""
    try:
        return len(take_due_snapshots(store, clock()))
    except (LiveTrackError, OSError, duckdb.Error):
        log.exception("could not take the due snapshots; will try again")
        return 0


def start_snapshot_scheduler(
    store: Store,
    clock: Callable[[], datetime] = now,
    every_seconds: float = CHECK_EVERY_SECONDS,
) -> threading.Thread:
    """Start the one thread that takes due snapshots for this data folder (once)."""
    key = str(store.data_dir.resolve())
    with _starting:
        running = _started.get(key)
        if running is not None and running.is_alive():
            return running
        stop = threading.Event()
        thread = threading.Thread(
            target=_keep_checking, args=(store, clock, every_seconds, stop),
            name="livetrack-due-snapshots", daemon=True,
        )  # fmt: skip
        thread.stop = stop  # lets tests end it
        thread.start()
        _started[key] = thread
    log.info("due snapshots are checked every %d s", every_seconds)
    return thread


def check_snapshot_files(store: Store) -> None:
    """Read every snapshot file once now; history readers then reuse the answers."""
    try:
        unreadable = readable_snapshot_files(store).unreadable
    except OSError:
        log.exception("could not list the snapshot files; history will check them")
        return
    if unreadable:
        log.warning("%d snapshot file(s) cannot be read", len(unreadable))


def _keep_checking(store, clock, every_seconds, stop: threading.Event) -> None:
    check_due_snapshots(store, clock)
    check_snapshot_files(store)
    while not stop.wait(every_seconds):
        check_due_snapshots(store, clock)
