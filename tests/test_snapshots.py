from datetime import UTC, date, datetime
from unittest import mock

import duckdb
import pandas as pd
import pytest

from livetrack.calendar import default_half_terms
from livetrack.errors import SnapshotExists
from livetrack.scope import Scope
from livetrack.snapshots import snapshot_exists, snapshot_folder, take_snapshot
from livetrack.store.pupils import insert_attendance, insert_incidents
from livetrack.store.snapshots import count_snapshot_statuses
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
