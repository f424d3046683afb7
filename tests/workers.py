"""Small LiveTrack processes for the tests that kill one or run two at once.

Each opens the data folder with the same Store the app uses and says on
stdout what it has done, one line at a time, so that a test can kill it at
a known moment: `python -m tests.workers <job> <data folder> [arguments]`.
"""

import sys
import threading
import time
from datetime import date
from pathlib import Path

from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.statuses import StatusChange
from livetrack.tracking import save_status_changes

READY = "ready"
SAVED = "saved"
WRITING = "writing"
ACADEMIC_YEAR = "2026-27"
TODAY = date(2026, 12, 3)
SAVING_THREADS = 3


_PRINTING = threading.Lock()


def say(line: str) -> None:
    with _PRINTING:
        print(line, flush=True)


def hold(data_dir: str) -> None:
    """Keep the database open, as the running app does, until stdin closes."""
    store = Store(Path(data_dir))
    say(READY)
    sys.stdin.read()
    store.close()


def serve(data_dir: str) -> None:
    """Hold the database and answer the command line's requests, as the app does."""
    from livetrack.app_requests import start_listening

    store = Store(Path(data_dir))
    start_listening(store)
    say(READY)
    sys.stdin.read()
    store.close()


def save(data_dir: str, staff_id: str, *cells: str) -> None:
    """Save status changes for ever from several threads, as teachers' sessions do.

    Each line `saved <note>` is printed only after the save returned, the
    moment the Record page would say "Saved".
    """
    store = Store(Path(data_dir))
    pairs = [tuple(int(part) for part in cell.split(":")) for cell in cells]
    threads = [
        threading.Thread(
            target=_save_for_ever,
            args=(store, int(staff_id), pairs[n::SAVING_THREADS], n),
            daemon=True,
        )
        for n in range(SAVING_THREADS)
    ]
    for thread in threads:
        thread.start()
    say(READY)
    for thread in threads:
        thread.join()


def _save_for_ever(store: Store, staff_id: int, cells: list, thread: int) -> None:
    statuses = ["Below", "Above", "On"]
    for serial in range(1_000_000):
        pupil_id, subject_id = cells[serial % len(cells)]
        note = f"t{thread}-{serial}"
        change = StatusChange(
            pupil_id, subject_id, statuses[serial % 3], "Quiz", note, None
        )
        save_status_changes(
            store, Scope.everything(), staff_id, [change], ACADEMIC_YEAR, TODAY,
            overwrite=True,
        )  # fmt: skip
        say(f"{SAVED} {note}")


def snapshot_and_hang(data_dir: str, school_id: str, replace: str) -> None:
    """Take a snapshot whose file is written half-way, then wait to be killed."""
    import pyarrow.parquet as pq

    from livetrack.calendar import default_half_terms
    from livetrack.snapshots import take_snapshot

    real_write = pq.write_table

    def half_a_write(table, where, **options):
        real_write(table, where, **options)
        size = Path(where).stat().st_size
        with open(where, "r+b") as written:
            written.truncate(size // 2)
        say(WRITING)
        time.sleep(600)

    pq.write_table = half_a_write
    store = Store(Path(data_dir))
    take_snapshot(
        store, int(school_id), default_half_terms(ACADEMIC_YEAR)[0],
        replace=replace == "replace",
    )  # fmt: skip


JOBS = {
    "hold": hold,
    "serve": serve,
    "save": save,
    "snapshot": snapshot_and_hang,
}

if __name__ == "__main__":
    JOBS[sys.argv[1]](*sys.argv[2:])


PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Generous: the machine may be loaded; tests poll, so a fast run stays fast.
START_SECONDS = 60


class Worker:
    """A worker process started by a test, read line by line, killed at will."""

    def __init__(self, job: str, *arguments):
        import subprocess

        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.workers", job, *map(str, arguments)],
            cwd=PROJECT_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.lines: list[str] = []
        self._arrived = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self._arrived:
                self.lines.append(line.strip())
                self._arrived.notify_all()
        with self._arrived:
            self._arrived.notify_all()

    def wait_for(self, test, seconds: float = START_SECONDS) -> list[str]:
        """Wait until `test(lines)` holds; fail with the worker's stderr if it dies."""
        deadline = time.monotonic() + seconds
        with self._arrived:
            while not test(self.lines):
                left = deadline - time.monotonic()
                if self.process.poll() is not None and not test(self.lines):
                    raise AssertionError(
                        f"the worker stopped: {self.process.stderr.read()}"
                    )
                if left <= 0:
                    raise TimeoutError(f"the worker did not get there: {self.lines}")
                self._arrived.wait(min(left, 0.5))
            return list(self.lines)

    def wait_for_line(self, line: str, seconds: float = START_SECONDS) -> None:
        self.wait_for(lambda lines: line in lines, seconds)

    def kill(self) -> list[str]:
        """SIGKILL: no clean-up runs. Returns every line it printed before."""
        import signal

        with self._arrived:
            self.process.send_signal(signal.SIGKILL)
            printed = list(self.lines)
        self.process.wait(timeout=START_SECONDS)
        return printed

    def stop(self) -> None:
        """Close its stdin (a holder closes its Store and exits), else kill it."""
        import subprocess

        try:
            self.process.stdin.close()
            self.process.wait(timeout=START_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
