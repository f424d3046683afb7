"""Killing LiveTrack (SIGKILL, no clean-up) loses no save reported done and leaves
no half-written snapshot; the next start clears what was left and carries on."""

import pandas as pd
import pytest

from livetrack.calendar import default_half_terms
from livetrack.files import INCOMING_FOLDER, sha256_of
from livetrack.scope import Scope
from livetrack.snapshots import snapshot_folder, take_snapshot
from livetrack.store import Store
from livetrack.store.snapshots import count_snapshot_statuses, readable_snapshot_files
from tests.conftest import ACADEMIC_YEAR
from tests.workers import READY, SAVED, WRITING, Worker

AUTUMN_1 = default_half_terms(ACADEMIC_YEAR)[0]
SAVES_BEFORE_THE_KILL = 60


@pytest.fixture
def closed_school(store, school):
    """The tiny school, with this process's Store closed so a worker can open it."""
    store.close()
    return store.data_dir, school


def cells_of(school) -> list[str]:
    pupils = [school["pupils"][name] for name in ("Amy", "Ben", "Cara", "Dev")]
    subjects = [school["subjects"]["Reading"], school["subjects"]["Maths"]]
    return [f"{pupil}:{subject}" for pupil in pupils for subject in subjects]


def test_every_save_reported_done_is_there_after_a_kill(closed_school):
    data_dir, school = closed_school
    worker = Worker("save", data_dir, school["teacher"], *cells_of(school))
    worker.wait_for(
        lambda lines: (
            sum(line.startswith(SAVED) for line in lines) >= SAVES_BEFORE_THE_KILL
        )
    )
    printed = worker.kill()

    reported = {line.split()[1] for line in printed if line.startswith(SAVED)}
    reopened = Store(data_dir)
    notes = set(reopened.frame("select note from status_changes")["note"])
    reopened.close()
    assert len(reported) >= SAVES_BEFORE_THE_KILL
    assert reported <= notes, f"lost: {sorted(reported - notes)}"


def test_the_database_opens_for_another_process_after_a_kill(closed_school):
    data_dir, school = closed_school
    holder = Worker("hold", data_dir)
    holder.wait_for_line(READY)
    holder.kill()
    reopened = Store(data_dir)
    assert reopened.value("select count(*) from pupils") == len(school["pupils"])
    reopened.close()


def snapshot_killed_while_writing(data_dir, school_id, replace=False) -> None:
    worker = Worker("snapshot", data_dir, school_id, "replace" if replace else "new")
    worker.wait_for_line(WRITING)
    worker.kill()


def test_a_snapshot_killed_half_written_is_not_seen_and_the_next_succeeds(
    closed_school,
):
    data_dir, school = closed_school
    snapshot_killed_while_writing(data_dir, school["id"])

    incoming = data_dir / "snapshots" / INCOMING_FOLDER
    assert [p.name for p in incoming.iterdir()], "the kill came mid-write"
    store = Store(data_dir)
    assert not incoming.exists() or not any(incoming.iterdir()), "cleared on open"
    assert not (snapshot_folder(store, school["id"], AUTUMN_1)).exists()
    assert readable_snapshot_files(store).unreadable == {}
    assert count_snapshot_statuses(store, Scope.everything()).empty

    info = take_snapshot(store, school["id"], AUTUMN_1)
    assert info.rows == 14
    listed = count_snapshot_statuses(store, Scope.everything())
    assert listed["total"].tolist() == [14]
    store.close()


def test_a_replacement_killed_half_written_keeps_the_snapshot_taken(closed_school):
    data_dir, school = closed_school
    store = Store(data_dir)
    take_snapshot(store, school["id"], AUTUMN_1)
    path = snapshot_folder(store, school["id"], AUTUMN_1) / "snapshot.parquet"
    before = sha256_of(path)
    store.close()

    snapshot_killed_while_writing(data_dir, school["id"], replace=True)

    assert sha256_of(path) == before
    assert len(pd.read_parquet(path)) == 14
    store = Store(data_dir)
    assert count_snapshot_statuses(store, Scope.everything())["total"].tolist() == [14]
    take_snapshot(store, school["id"], AUTUMN_1, replace=True)
    assert sha256_of(path) != before
    store.close()
