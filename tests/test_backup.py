"""Backups copy everything consistently with checksums; a restore checks them first,
rebuilds an equal data folder, and names any damaged or missing file."""

import json
import threading
from pathlib import Path

import pandas as pd
import pytest

from livetrack import __version__
from livetrack.backup import (
    MANIFEST_NAME,
    BackupDamaged,
    backup_zip,
    make_backup,
    restore_backup,
    verify_backup,
)
from livetrack.calendar import default_half_terms
from livetrack.cli import main
from livetrack.errors import LiveTrackError
from livetrack.files import sha256_of
from livetrack.scope import Scope
from livetrack.snapshots import snapshot_folder, take_snapshot
from livetrack.store import Store
from livetrack.store.audit import EXPORT, RESTORE, record_event
from livetrack.store.migrations import MIGRATIONS
from livetrack.store.snapshots import count_snapshot_statuses, readable_snapshot_files
from livetrack.store.statuses import StatusChange, append_status_changes
from tests.conftest import ACADEMIC_YEAR

AUTUMN_1, AUTUMN_2 = default_half_terms(ACADEMIC_YEAR)[:2]
SNAPSHOT = (
    "snapshots/school={school}/year=2026-27/half_term={half_term}/snapshot.parquet"
)


@pytest.fixture
def history(store, school):
    """The tiny school with a change recorded and two snapshots taken."""
    append_status_changes(
        store,
        [StatusChange(school["pupils"]["Amy"], school["subjects"]["Maths"], "Below",
                      "Quiz", "Synthetic note", None)],
        ACADEMIC_YEAR, school["teacher"],
    )  # fmt: skip
    take_snapshot(store, school["id"], AUTUMN_1)
    take_snapshot(store, school["id"], AUTUMN_2)
    return school


def snapshot_name(school, half_term) -> str:
    return SNAPSHOT.format(school=school["id"], half_term=half_term.code)


def every_table(store: Store) -> dict[str, pd.DataFrame]:
    names = [row[0] for row in store.rows("select table_name from duckdb_tables()")]
    return {
        name: store.frame(f'select * from "{name}" order by all').reset_index(drop=True)
        for name in names
    }


def test_a_restored_folder_equals_the_original_table_by_table_and_file_by_file(
    store, history, tmp_path
):
    original = every_table(store)
    make_backup(store, tmp_path / "backup")
    restore_backup(tmp_path / "backup", tmp_path / "restored")

    restored_store = Store(tmp_path / "restored")
    restored = every_table(restored_store)
    assert set(restored) == set(original)
    for name, rows in original.items():
        theirs = restored[name]
        if name == "audit_log":  # the restore is itself audited
            assert theirs["action"].iloc[-1] == RESTORE
            theirs = theirs.iloc[:-1]
        pd.testing.assert_frame_equal(
            theirs.reset_index(drop=True), rows, obj=name, check_dtype=not rows.empty
        )
    for half_term in (AUTUMN_1, AUTUMN_2):
        name = snapshot_name(history, half_term)
        assert sha256_of(tmp_path / "restored" / name) == sha256_of(
            store.data_dir / name
        )
    # The restored ids carry on where the original's stopped.
    with restored_store.transaction() as cursor:
        record_event(cursor, None, None, EXPORT)
    assert restored_store.value("select max(id) from audit_log") == (
        len(original["audit_log"]) + 2
    )
    restored_store.close()


def test_the_manifest_names_version_schema_tables_and_checksums(
    store, history, tmp_path
):
    info = make_backup(store, tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / MANIFEST_NAME).read_text())

    assert manifest["livetrack_version"] == __version__
    assert manifest["schema_migration"] == len(MIGRATIONS)
    tables = {table["name"]: table["rows"] for table in manifest["tables"]}
    assert tables["pupils"] == 7
    assert tables["status_changes"] == 1
    assert tables == info.rows
    assert info.snapshots == 2
    for entry in manifest["files"]:
        assert sha256_of(tmp_path / "backup" / entry["path"]) == entry["sha256"]
    assert snapshot_name(history, AUTUMN_1) in {e["path"] for e in manifest["files"]}
    assert "made_at" in manifest


def test_a_backup_taken_while_saves_go_on_is_one_moment(store, history, tmp_path):
    """Each save writes a status change and an audit row together: a backup read in
    one transaction holds both of every pair, or neither."""
    stop = threading.Event()
    pupil, maths = history["pupils"]["Ben"], history["subjects"]["Maths"]

    def keep_saving():
        serial = 0
        while not stop.is_set():
            serial += 1
            with store.transaction() as cursor:
                cursor.execute(
                    "insert into status_changes (pupil_id, subject_id, academic_year,"
                    " status, evidence, note, changed_by) values (?, ?, ?, 'On',"
                    " 'Quiz', ?, ?)",
                    [pupil, maths, ACADEMIC_YEAR, f"pair {serial}", history["teacher"]],
                )
                record_event(cursor, None, None, EXPORT, pair=serial)

    saver = threading.Thread(target=keep_saving)
    saver.start()
    try:
        for n in range(3):
            make_backup(store, tmp_path / f"backup-{n}")
    finally:
        stop.set()
        saver.join()

    for n in range(3):
        tables = tmp_path / f"backup-{n}" / "tables"
        notes = pd.read_parquet(tables / "status_changes.parquet")["note"]
        changes = {note for note in notes if str(note).startswith("pair")}
        audit = pd.read_parquet(tables / "audit_log.parquet")["details"]
        pairs = {f"pair {json.loads(d)['pair']}" for d in audit if "pair" in d}
        assert changes == pairs


def test_a_backup_downloads_as_one_zip(store, history, tmp_path):
    import io
    import zipfile

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    data = backup_zip(store, None, scratch)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert MANIFEST_NAME in names
    assert "tables/pupils.parquet" in names
    assert snapshot_name(history, AUTUMN_2) in names
    assert list(scratch.iterdir()) == [], "nothing left on the server"


def test_backup_and_restore_refuse_a_folder_that_holds_something(
    store, history, tmp_path
):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("keep me")
    with pytest.raises(LiveTrackError, match="is not empty"):
        make_backup(store, tmp_path / "full")
    make_backup(store, tmp_path / "backup")
    with pytest.raises(LiveTrackError, match="is not empty"):
        restore_backup(tmp_path / "backup", tmp_path / "full")
    assert (tmp_path / "full" / "notes.txt").read_text() == "keep me"


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_damaged_table_stops_the_restore_before_anything_is_written(
    store, history, tmp_path
):
    make_backup(store, tmp_path / "backup")
    damage(tmp_path / "backup" / "tables" / "status_changes.parquet")
    with pytest.raises(BackupDamaged) as refused:
        restore_backup(tmp_path / "backup", tmp_path / "restored")
    assert refused.value.problems == [
        "tables/status_changes.parquet: damaged (its checksum does not match)"
    ]
    assert not (tmp_path / "restored").exists()


def test_a_damaged_or_missing_snapshot_is_named_and_the_rest_can_be_restored(
    store, history, tmp_path
):
    make_backup(store, tmp_path / "backup")
    damaged, lost = snapshot_name(history, AUTUMN_1), snapshot_name(history, AUTUMN_2)
    damage(tmp_path / "backup" / damaged)
    (tmp_path / "backup" / lost).unlink()

    assert verify_backup(tmp_path / "backup") == {
        damaged: "damaged (its checksum does not match)",
        lost: "missing",
    }
    with pytest.raises(BackupDamaged, match="--skip-damaged-snapshots"):
        restore_backup(tmp_path / "backup", tmp_path / "restored")
    info = restore_backup(
        tmp_path / "backup", tmp_path / "restored", skip_damaged_snapshots=True
    )
    assert info.skipped == sorted([damaged, lost])
    restored = Store(tmp_path / "restored")
    assert restored.value("select count(*) from pupils") == 7
    restored.close()


def test_history_skips_and_names_an_unreadable_snapshot_and_reads_the_rest(
    store, history
):
    damaged = store.data_dir / snapshot_name(history, AUTUMN_1)
    damaged.write_bytes(damaged.read_bytes()[:100])
    lost = snapshot_folder(store, history["id"], AUTUMN_2) / "snapshot.parquet"
    lost.unlink()
    take_snapshot(store, history["id"], default_half_terms(ACADEMIC_YEAR)[2])

    files = readable_snapshot_files(store)
    assert set(files.unreadable) == {
        snapshot_name(history, AUTUMN_1),
        snapshot_name(history, AUTUMN_2),
    }
    assert files.unreadable[snapshot_name(history, AUTUMN_2)] == "missing"
    listed = count_snapshot_statuses(store, Scope.everything())
    assert listed["half_term"].tolist() == ["spring-1"]


def test_the_commands_back_up_verify_and_restore(store, history, tmp_path, capsys):
    store.close()
    data_dir, backup = str(store.data_dir), str(tmp_path / "backup")
    assert main(["--data-dir", data_dir, "backup", backup]) == 0
    assert "and 2 snapshot file(s)" in capsys.readouterr().err
    assert main(["verify", backup]) == 0
    assert "every file is whole" in capsys.readouterr().err
    target = str(tmp_path / "restored")
    assert main(["restore", backup, "--data-dir", target]) == 0
    assert "checked equal to the backup" in capsys.readouterr().err
    assert main(["restore", backup, "--data-dir", target]) == 1
    assert "is not empty" in capsys.readouterr().err

    damage(tmp_path / "backup" / snapshot_name(history, AUTUMN_2))
    assert main(["verify", backup]) == 1
    assert snapshot_name(history, AUTUMN_2) in capsys.readouterr().err
    assert main(["restore", backup, "--data-dir", str(tmp_path / "again")]) == 1
    said = capsys.readouterr().err
    assert snapshot_name(history, AUTUMN_2) in said and "Traceback" not in said


def test_a_folder_that_is_not_a_backup_is_said_so(tmp_path, capsys):
    assert main(["restore", str(tmp_path), "--data-dir", str(tmp_path / "x")]) == 1
    assert "is not a LiveTrack backup" in capsys.readouterr().err


def test_the_snapshots_page_names_a_damaged_file_and_lists_the_rest(
    tmp_path, monkeypatch
):
    from livetrack.demo import build_demo
    from livetrack.paths import DATA_DIR_VARIABLE
    from livetrack.ui.context import TODAY_VARIABLE, open_store
    from tests.conftest import TODAY
    from tests.test_pages import open_page, signed_in_app

    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    monkeypatch.setenv(TODAY_VARIABLE, TODAY.isoformat())
    store = open_store(str(tmp_path))
    build_demo(store, today=TODAY)
    take_snapshot(store, 1, AUTUMN_2)
    damaged = snapshot_folder(store, 1, AUTUMN_1) / "snapshot.parquet"
    damaged.write_bytes(b"PAR1 scribbled over PAR1")

    app = open_page(signed_in_app(store, "headteacher"), "pages/leaders/snapshots.py")
    warning = " ".join(w.value for w in app.warning)
    assert "school=1/year=2026-27/half_term=autumn-1/snapshot.parquet" in warning
    assert "the rest reads as usual" in warning
    listed = app.dataframe[0].value["Half-term"].tolist()
    assert listed[0] == "Autumn 2 2026-27"
    assert "Autumn 1 2026-27" not in listed
    assert "Summer 2 2025-26" in listed  # last year's history still reads
