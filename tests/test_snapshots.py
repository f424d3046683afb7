import logging
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from datetime import time as clock
from unittest import mock

import duckdb
import pandas as pd
import pytest

from livetrack.calendar import HALF_TERMS, default_half_terms
from livetrack.errors import SnapshotExists
from livetrack.scheduler import start_snapshot_scheduler
from livetrack.scope import Scope
from livetrack.snapshots import (
    due_snapshots,
    end_of,
    snapshot_exists,
    snapshot_folder,
    take_due_snapshots,
    take_snapshot,
)
from livetrack.store.pupils import insert_attendance, insert_incidents
from livetrack.store.snapshots import (
    count_snapshot_statuses,
    readable_snapshot_files,
)
from livetrack.store.statuses import StatusChange, append_status_changes
from tests.conftest import ACADEMIC_YEAR

AUTUMN_1, AUTUMN_2 = default_half_terms(ACADEMIC_YEAR)[:2]


def read_snapshot(store, school_id, half_term):
    folder = snapshot_folder(store, school_id, half_term)
    return pd.read_parquet(folder / "snapshot.parquet")


def test_a_snapshot_holds_every_status_with_the_pupils_context(store, school):
    amy = school["pupils"]["Amy"]
    with store.transaction() as cursor:
        insert_attendance(cursor, pd.DataFrame([{
            "pupil_id": amy, "starts_on": date(2026, 9, 2),
            "ends_on": date(2026, 10, 23),
            "sessions_possible": 76, "sessions_attended": 68,
            "sessions_authorised": 6, "sessions_unauthorised": 2,
        }]))  # fmt: skip
        insert_incidents(cursor, pd.DataFrame([
            {"pupil_id": amy, "occurred_on": date(2026, 10, 5), "kind": "negative",
             "category": "Disruption", "points": -2},
            {"pupil_id": amy, "occurred_on": date(2026, 10, 6), "kind": "positive",
             "category": "Effort", "points": 3},
        ]))  # fmt: skip
    append_status_changes(
        store,
        [StatusChange(amy, school["subjects"]["Maths"], "Below", "Quiz", None, None)],
        ACADEMIC_YEAR,
        school["teacher"],
    )

    info = take_snapshot(store, school["id"], AUTUMN_1)

    assert (info.rows, info.pupils) == (14, 6)
    rows = read_snapshot(store, school["id"], AUTUMN_1)
    amy_maths = rows[(rows["pupil_id"] == amy) & (rows["subject"] == "Maths")].iloc[0]
    assert amy_maths["status"] == "Below"
    assert (amy_maths["year_group"], amy_maths["class_name"], amy_maths["send"]) == (
        3,
        "3A",
        "K",
    )
    assert amy_maths["pupil_premium"]
    assert amy_maths["attendance_percent"] == pytest.approx(89.5)
    assert (amy_maths["negative_incidents"], amy_maths["positive_incidents"]) == (1, 1)
    assert amy_maths["behaviour_points"] == 1


def test_a_snapshot_as_at_the_half_term_end_ignores_later_changes(store, school):
    append_status_changes(
        store,
        [
            StatusChange(
                school["pupils"]["Ben"],
                school["subjects"]["Maths"],
                "Below",
                "Quiz",
                None,
                None,
            )
        ],
        ACADEMIC_YEAR,
        school["teacher"],
    )
    take_snapshot(
        store, school["id"], AUTUMN_1, as_at=datetime(2026, 10, 23, 18, tzinfo=UTC)
    )
    assert set(read_snapshot(store, school["id"], AUTUMN_1)["status"]) == {"On"}


def test_taking_a_snapshot_twice_is_refused_unless_replacing(store, school):
    take_snapshot(store, school["id"], AUTUMN_1)
    with pytest.raises(SnapshotExists, match="Autumn 1 2026-27"):
        take_snapshot(store, school["id"], AUTUMN_1)
    append_status_changes(
        store,
        [
            StatusChange(
                school["pupils"]["Ben"],
                school["subjects"]["Maths"],
                "Above",
                "Quiz",
                None,
                None,
            )
        ],
        ACADEMIC_YEAR,
        school["teacher"],
    )
    take_snapshot(store, school["id"], AUTUMN_1, replace=True)
    assert (
        read_snapshot(store, school["id"], AUTUMN_1)["status"] == "Above"
    ).sum() == 1


def test_a_failed_write_leaves_no_partial_snapshot(store, school):
    take_snapshot(store, school["id"], AUTUMN_1)
    with (
        mock.patch("livetrack.files.pq.write_table", side_effect=OSError("disk full")),
        pytest.raises(OSError),
    ):
        take_snapshot(store, school["id"], AUTUMN_1, replace=True)
    assert snapshot_exists(store, school["id"], AUTUMN_1)
    assert not snapshot_exists(store, school["id"], AUTUMN_2)
    assert list((store.snapshots_dir / ".incoming").iterdir()) == []


def test_snapshot_files_are_hive_partitioned_for_any_parquet_reader(store, school):
    take_snapshot(store, school["id"], AUTUMN_1)
    take_snapshot(store, school["id"], AUTUMN_2)
    partitions = duckdb.sql(
        f"select distinct school, year, half_term from read_parquet("
        f"'{store.snapshots_dir}/**/*.parquet', hive_partitioning = true)"
        " order by half_term"
    ).fetchall()
    assert partitions == [
        (school["id"], "2026-27", "autumn-1"),
        (school["id"], "2026-27", "autumn-2"),
    ]


def test_listed_snapshots_count_their_statuses(store, school):
    assert count_snapshot_statuses(store, Scope.everything()).empty
    take_snapshot(store, school["id"], AUTUMN_1)
    listed = count_snapshot_statuses(store, Scope.everything())
    assert listed[["half_term", "pupils", "on", "total"]].values.tolist() == [
        ["autumn-1", 6, 14, 14]
    ]
    assert count_snapshot_statuses(store, Scope(school_ids=frozenset({99}))).empty


# --- Snapshots that fall due ---


def at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def due_codes(store, now) -> list[str]:
    return [due.half_term.code for due in due_snapshots(store, now)]


@pytest.fixture
def long_standing(store, school):
    """The tiny school, set up here since the summer, so its whole year can fall due."""
    store.rows(
        "update schools set created_at = '2026-08-01' where id = ?", [school["id"]]
    )
    return school


def test_nothing_is_due_before_a_half_terms_last_day_ends(store, long_standing):
    # 23 October is in British Summer Time: 6 pm in school is 5 pm UTC.
    assert due_codes(store, at(2026, 10, 23, 16, 59)) == []
    assert due_codes(store, at(2026, 10, 23, 17, 0)) == ["autumn-1"]


def test_a_snapshot_falls_due_over_the_weekend_and_the_holiday(store, long_standing):
    assert due_codes(store, at(2026, 10, 24)) == ["autumn-1"]  # a Saturday
    assert due_codes(store, at(2026, 10, 28)) == ["autumn-1"]  # the holiday
    assert due_codes(store, at(2026, 11, 2, 9)) == ["autumn-1"]  # Autumn 2 begun
    assert due_codes(store, at(2026, 12, 19)) == ["autumn-1", "autumn-2"]


def test_summer_2_falls_due_in_august_and_still_in_september(store, long_standing):
    everything = [code for code, _ in HALF_TERMS]
    assert due_codes(store, at(2027, 7, 21, 16, 59)) == everything[:5]
    assert due_codes(store, at(2027, 8, 10)) == everything
    assert due_codes(store, at(2027, 9, 6)) == everything  # the new year begun
    assert due_codes(store, at(2028, 9, 6)) == []  # two years on: left alone


def test_each_due_snapshot_is_as_at_the_end_of_its_half_term(store, long_standing):
    school = long_standing
    late = StatusChange(
        school["pupils"]["Ben"], school["subjects"]["Maths"], "Below", "Quiz", None,
        None,
    )  # fmt: skip
    append_status_changes(store, [late], ACADEMIC_YEAR, school["teacher"])
    store.rows("update status_changes set changed_at = '2026-10-26 10:00+00'")

    taken = take_due_snapshots(store, at(2026, 11, 3))

    assert [info.half_term.code for info in taken] == ["autumn-1"]
    rows = read_snapshot(store, school["id"], AUTUMN_1)
    assert set(rows["status"]) == {"On"}
    # 6 pm in school on 23 October, British Summer Time
    assert rows["as_at"].iloc[0] == pd.Timestamp("2026-10-23 17:00", tz="UTC")


def test_taking_due_snapshots_twice_is_harmless(store, long_standing):
    first = take_due_snapshots(store, at(2026, 12, 20))
    again = take_due_snapshots(store, at(2026, 12, 20))

    assert [info.half_term.code for info in first] == ["autumn-1", "autumn-2"]
    assert again == []
    assert due_snapshots(store, at(2026, 12, 20)) == []


def test_a_half_term_over_before_the_school_came_is_never_due(store, school):
    store.rows("update schools set created_at = '2026-11-10 09:00+00'")
    assert due_codes(store, at(2026, 12, 19)) == ["autumn-2"]


def test_history_keeps_the_context_as_it_was(store, long_standing):
    """Amy was in Year 3 with SEN support in Autumn 1: she counts there after
    moving to Year 4 and coming off the register, and after leaving."""
    school, amy = long_standing, long_standing["pupils"]["Amy"]
    take_due_snapshots(store, at(2026, 10, 24))
    store.rows(
        "update pupils set year_group = 4, class_id = ?, send = 'N',"
        " primary_need = null where id = ?",
        [school["classes"]["4B"], amy],
    )
    in_year_3 = Scope(year_groups=frozenset({3}))

    def year_3_pupils() -> int:
        return count_snapshot_statuses(store, in_year_3)["pupils"].item()

    assert year_3_pupils() == 4
    store.rows("update pupils set left_on = '2026-11-20' where id = ?", [amy])
    assert year_3_pupils() == 4
    rows = read_snapshot(store, school["id"], AUTUMN_1)
    amy_rows = rows[rows["pupil_id"] == amy]
    assert set(amy_rows["send"]) == {"K"}
    assert set(amy_rows["class_name"]) == {"3A"}


def test_the_scheduler_takes_what_is_due_at_start_up(store, long_standing, caplog):
    caplog.set_level(logging.INFO, logger="livetrack.snapshots")
    thread = start_snapshot_scheduler(
        store, clock=lambda: at(2026, 10, 26), every_seconds=3600
    )
    try:
        for _ in range(100):
            if snapshot_exists(store, long_standing["id"], AUTUMN_1):
                break
            time.sleep(0.05)
        assert snapshot_exists(store, long_standing["id"], AUTUMN_1)
        assert start_snapshot_scheduler(store) is thread
    finally:
        thread.stop.set()
        thread.join(timeout=5)
    taken = [r for r in caplog.records if "snapshot of school" in r.getMessage()]
    assert len(taken) == 1


def test_the_snapshot_command_takes_what_is_due(store, long_standing, monkeypatch):
    data_dir = str(store.data_dir)
    store.close()
    monkeypatch.setenv("LIVETRACK_TODAY", "2026-12-21")
    command = [sys.executable, "-m", "livetrack", "--data-dir", data_dir]
    result = subprocess.run(
        [*command, "snapshot", "--due"], capture_output=True, text=True
    )
    again = subprocess.run(
        [*command, "snapshot", "--due"], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert "Autumn 2 2026-27 snapshot" in result.stderr
    assert "Took 2 due snapshot(s)." in result.stderr
    assert (again.returncode, again.stderr.strip()) == (0, "No snapshot is due.")


def test_a_half_term_ends_at_six_in_the_evening_in_england_winter_or_summer():
    autumn_2, summer_1 = (
        next(h for h in default_half_terms(ACADEMIC_YEAR) if h.code == code)
        for code in ("autumn-2", "summer-1")
    )
    assert end_of(autumn_2) == datetime.combine(autumn_2.ends_on, clock(18), UTC)
    assert end_of(summer_1) == datetime.combine(summer_1.ends_on, clock(17), UTC)


def test_at_start_up_the_scheduler_reads_every_snapshot_file_once(store, long_standing):
    take_snapshot(store, long_standing["id"], AUTUMN_1)
    with mock.patch("livetrack.files._read_whole", return_value=None) as read:
        thread = start_snapshot_scheduler(
            store, clock=lambda: at(2026, 10, 1), every_seconds=3600
        )
        try:
            for _ in range(100):
                if read.call_count:
                    break
                time.sleep(0.05)
        finally:
            thread.stop.set()
            thread.join(timeout=5)
        read_at_start_up = read.call_count
        readable_snapshot_files(store)  # as the first history page then does

    assert read_at_start_up == 1
    assert read.call_count == 1
