"""Backups asked of the running app by the command line, through files.

DuckDB lets one process open the database, so while the app runs,
`python -m livetrack backup DIR` cannot read it. Instead it leaves a request
in `<data>/requests/` and the app, which reads the folder every second,
makes the backup (in one transaction, while teachers keep saving) and writes
the answer beside it. The app says it listens by writing its process id to
`requests/app.pid`; a command only asks when that process is the one
holding the database's lock, so another command holding it is reported at
once instead of waited for.
"""

import json
import logging
import os
import threading
import time
import uuid
from pathlib import Path

from livetrack.backup import make_backup
from livetrack.errors import LiveTrackError

log = logging.getLogger(__name__)

REQUESTS_FOLDER = "requests"
LISTENER_FILE = "app.pid"
POLL_SECONDS = 1.0
PICK_UP_SECONDS = 30
ANSWER_SECONDS = 30 * 60


def requests_folder(data_dir: Path) -> Path:
    return Path(data_dir) / REQUESTS_FOLDER


def _write_json(path: Path, content: dict) -> None:
    """Write whole or not at all: the other process never reads half."""
    part = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    part.write_text(json.dumps(content))
    os.replace(part, path)


def app_is_listening(data_dir: Path, holder_pid: int | None) -> bool:
    """Whether the process holding the database is an app that answers requests."""
    try:
        listener = int((requests_folder(data_dir) / LISTENER_FILE).read_text())
    except (OSError, ValueError):
        return False
    return holder_pid is not None and listener == holder_pid


def ask_app_for_backup(data_dir: Path, destination: Path) -> dict:
    """Have the running app back up into `destination`; its answer, as a dict."""
    folder = requests_folder(data_dir)
    name = uuid.uuid4().hex
    request = folder / f"{name}.request"
    _write_json(
        request, {"action": "backup", "folder": str(Path(destination).absolute())}
    )
    answer = folder / f"{name}.answer"
    started = time.monotonic()
    while not answer.exists():
        waited = time.monotonic() - started
        if request.exists() and waited > PICK_UP_SECONDS:
            request.unlink(missing_ok=True)
            raise LiveTrackError(
                "The running app did not pick up the backup request. Make the "
                "backup on the app's Data page, or stop the app first."
            )
        if waited > ANSWER_SECONDS:
            raise LiveTrackError("The running app did not finish the backup in time.")
        time.sleep(POLL_SECONDS / 4)
    reply = json.loads(answer.read_text())
    answer.unlink(missing_ok=True)
    if "error" in reply:
        raise LiveTrackError(reply["error"])
    return reply


class RequestListener(threading.Thread):
    """The app's side: answer each request left in the requests folder."""

    def __init__(self, store):
        super().__init__(name="livetrack-requests", daemon=True)
        self.store = store
        self.folder = requests_folder(store.data_dir)

    def run(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / LISTENER_FILE).write_text(str(os.getpid()))
        while True:
            for request in sorted(self.folder.glob("*.request")):
                self._answer(request)
            time.sleep(POLL_SECONDS)

    def _answer(self, request: Path) -> None:
        taken = request.with_suffix(".taken")
        try:
            request.rename(taken)  # claimed: the command stops waiting for pick-up
            asked = json.loads(taken.read_text())
        except (OSError, ValueError):
            return
        try:
            info = make_backup(self.store, Path(asked["folder"]), via="command line")
            reply = {
                "folder": str(info.folder), "rows": info.rows,
                "snapshots": info.snapshots, "bytes": info.bytes,
                "left_out": info.left_out, "seconds": info.seconds,
            }  # fmt: skip
        except (LiveTrackError, OSError, KeyError) as error:
            reply = {"error": str(error)}
        _write_json(taken.with_suffix(".answer"), reply)
        taken.unlink(missing_ok=True)
        log.info("answered a backup request from the command line")


def start_listening(store) -> RequestListener:
    listener = RequestListener(store)
    listener.start()
    return listener
