"""Erasure removes one pupil from every table and snapshot, audited without their
personal data; retention removes leavers' personal data after the set years."""

import json
from datetime import date

import pandas as pd
import pytest

from livetrack.backup import make_backup
from livetrack.calendar import default_half_terms
from livetrack.cli import main
from livetrack.erasure import (
    DEFAULT_RETENTION_YEARS,
    PupilNotFound,
    apply_retention,
    erase_pupil,
    preview_erasure,
    retention_cut_off,
    retention_years,
    save_retention_years,
)
from livetrack.errors import InvalidInput, LiveTrackError, NotAllowed
from livetrack.scope import Scope
from livetrack.snapshots import snapshot_folder, take_snapshot
from livetrack.store.audit import ERASURE, RETENTION
from livetrack.store.pupils import insert_attendance, insert_incidents
from livetrack.store.statuses import StatusChange, append_status_changes
from tests.conftest import ACADEMIC_YEAR

AUTUMN_1, AUTUMN_2 = default_half_terms(ACADEMIC_YEAR)[:2]
BEFORE_GUS_LEFT = pd.Timestamp("2026-09-25 18:00", tz="UTC").to_pydatetime()
EVERYTHING = Scope.everything()


@pytest.fixture
def recorded(store, school):
    """Amy with history everywhere: statuses, attendance, behaviour, two snapshots."""
    amy, maths = school["pupils"]["Amy"], school["subjects"]["Maths"]
    with store.transaction() as cursor:
        insert_attendance(cursor, pd.DataFrame([{
            "pupil_id": amy, "starts_on": date(2026, 9, 2),
            "ends_on": date(2026, 10, 23),
            "sessions_possible": 76, "sessions_attended": 70,
            "sessions_authorised": 6, "sessions_unauthorised": 0,
        }]))  # fmt: skip
        insert_incidents(cursor, pd.DataFrame([{
            "pupil_id": amy, "occurred_on": date(2026, 10, 5), "kind": "positive",
            "category": "Effort", "points": 2,
        }]))  # fmt: skip
    append_status_changes(
        store, [StatusChange(amy, maths, "Below", "Quiz", "Synthetic note", None)],
        ACADEMIC_YEAR, school["teacher"],
    )  # fmt: skip
    take_snapshot(store, school["id"], AUTUMN_1, as_at=BEFORE_GUS_LEFT)
    take_snapshot(store, school["id"], AUTUMN_2)
    return school


def rows_about(store, pupil_id: int) -> dict[str, int]:
    found = {
        "pupils": store.value("select count(*) from pupils where id = ?", [pupil_id])
    }
    for table in ("attendance", "behaviour_incidents", "status_changes"):
        found[table] = store.value(
            f"select count(*) from {table} where pupil_id = ?", [pupil_id]
        )
    return found


def snapshot_rows(store, school, half_term) -> pd.DataFrame:
    return pd.read_parquet(snapshot_folder(store, school["id"], half_term))


def test_erasing_a_pupil_leaves_no_row_of_them_anywhere(store, recorded):
    amy = recorded["pupils"]["Amy"]
    ben_before = rows_about(store, recorded["pupils"]["Ben"])

    result = erase_pupil(store, EVERYTHING, None, amy)

    # Tables with no row about Amy (interventions, say) count 0.
    assert {table: n for table, n in result.rows.items() if n} == {
        "pupils": 1, "attendance": 1, "behaviour_incidents": 1, "status_changes": 1,
    }  # fmt: skip
    assert (result.snapshot_rows, result.snapshot_files) == (4, 2)
    assert set(rows_about(store, amy).values()) == {0}
    assert rows_about(store, recorded["pupils"]["Ben"]) == ben_before
    for half_term in (AUTUMN_1, AUTUMN_2):
        rows = snapshot_rows(store, recorded, half_term)
        assert amy not in set(rows["pupil_id"])
        assert recorded["pupils"]["Ben"] in set(rows["pupil_id"])


def test_an_erasure_is_audited_with_an_id_and_counts_only(store, recorded):
    amy = recorded["pupils"]["Amy"]
    erase_pupil(store, EVERYTHING, recorded["teacher"], amy)
    action, details = store.rows(
        "select action, details from audit_log order by id desc limit 1"
    )[0]
    assert action == ERASURE
    recorded_details = json.loads(details)
    assert recorded_details["pupil_id"] == amy
    assert recorded_details["rows"]["status_changes"] == 1
    assert recorded_details["snapshot_rows"] == 4
    for personal in ("Amy", "Adams", "Synthetic note", "2019"):
        assert personal not in details


def test_a_backup_made_after_an_erasure_does_not_hold_the_pupil(
    store, recorded, tmp_path
):
    amy = recorded["pupils"]["Amy"]
    upn = store.value("select upn from pupils where id = ?", [amy])
    erase_pupil(store, EVERYTHING, None, amy)
    make_backup(store, tmp_path / "backup")

    for path in (tmp_path / "backup").rglob("*.parquet"):
        rows = pd.read_parquet(path)
        text = rows.astype(str).to_csv()
        assert upn not in text and "Adams" not in text, path.name
        if "pupil_id" in rows:
            assert amy not in set(rows["pupil_id"]), path.name
    pupils = pd.read_parquet(tmp_path / "backup" / "tables" / "pupils.parquet")
    assert amy not in set(pupils["id"])


def test_a_preview_changes_nothing_and_an_unknown_pupil_is_said_so(store, recorded):
    amy = recorded["pupils"]["Amy"]
    preview = preview_erasure(store, EVERYTHING, amy)
    assert preview.rows["status_changes"] == 1 and preview.snapshot_rows == 4
    assert rows_about(store, amy)["pupils"] == 1
    with pytest.raises(PupilNotFound, match="no pupil 999"):
        preview_erasure(store, EVERYTHING, 999)


def test_an_admin_of_another_school_cannot_erase(store, recorded):
    elsewhere = Scope(school_ids=frozenset({99}))
    with pytest.raises(NotAllowed):
        erase_pupil(store, elsewhere, None, recorded["pupils"]["Amy"])
    with pytest.raises(NotAllowed):
        erase_pupil(store, Scope(can_administer=False), None, recorded["pupils"]["Amy"])
    assert rows_about(store, recorded["pupils"]["Amy"])["pupils"] == 1


def test_an_unreadable_snapshot_stops_an_erasure_before_anything_goes(store, recorded):
    path = snapshot_folder(store, recorded["id"], AUTUMN_1) / "snapshot.parquet"
    path.write_bytes(b"not parquet")
    with pytest.raises(LiveTrackError, match="Nothing was erased"):
        erase_pupil(store, EVERYTHING, None, recorded["pupils"]["Amy"])
    assert rows_about(store, recorded["pupils"]["Amy"])["status_changes"] == 1


def test_the_erase_command_needs_confirming(store, recorded, capsys):
    store.close()
    data_dir, amy = str(store.data_dir), str(recorded["pupils"]["Amy"])
    assert main(["--data-dir", data_dir, "erase", "--pupil", amy]) == 1
    said = capsys.readouterr().err
    assert "--confirm" in said and "4 row(s) from 2 snapshot" in said
    assert main(["--data-dir", data_dir, "erase", "--pupil", amy, "--confirm"]) == 0
    assert f"Erased pupil {amy}" in capsys.readouterr().err
    assert main(["--data-dir", data_dir, "erase", "--pupil", amy, "--confirm"]) == 1
    assert f"no pupil {amy}" in capsys.readouterr().err


def test_retention_defaults_to_six_years_and_rejects_what_is_not_a_period(store):
    assert retention_years(store) == DEFAULT_RETENTION_YEARS == 6
    assert save_retention_years(store, EVERYTHING, None, "3") == 3
    assert retention_years(store) == 3
    for bad in (0, 26, "six", "2.5", -1):
        with pytest.raises(InvalidInput, match="retention period"):
            save_retention_years(store, EVERYTHING, None, bad)
    assert retention_years(store) == 3


def test_retention_counts_from_the_leaving_day(store, school):
    gus_left = date(2026, 10, 1)
    assert retention_cut_off(date(2032, 10, 1), 6) == gus_left
    assert retention_cut_off(date(2028, 2, 29), 1) == date(2027, 2, 28)
    too_soon = apply_retention(store, EVERYTHING, None, date(2032, 9, 30))
    assert too_soon.pupils == 0
    due = apply_retention(store, EVERYTHING, None, date(2032, 10, 1), dry_run=True)
    assert (due.pupils, due.by_leaving_year, due.done) == (1, {2026: 1}, False)
    assert rows_about(store, school["pupils"]["Gus"])["pupils"] == 1


def test_retention_removes_leavers_personal_data_and_keeps_their_snapshot_rows(
    store, recorded
):
    gus = recorded["pupils"]["Gus"]
    append_status_changes(
        store,
        [StatusChange(gus, recorded["subjects"]["French"], "Above", "Quiz",
                      "Synthetic note on Gus", None)],
        ACADEMIC_YEAR, recorded["teacher"],
    )  # fmt: skip
    before = snapshot_rows(store, recorded, AUTUMN_1)
    assert gus in set(before["pupil_id"]), "Gus was on roll then"

    result = apply_retention(store, EVERYTHING, None, date(2033, 1, 4))

    assert (result.pupils, result.done) == (1, True)
    assert set(rows_about(store, gus).values()) == {0}
    assert store.value("select count(*) from pupils") == 6
    assert "Synthetic note on Gus" not in set(
        store.frame("select note from status_changes")["note"]
    )
    after = snapshot_rows(store, recorded, AUTUMN_1)
    pd.testing.assert_frame_equal(after, before)
    assert not {"legal_first_name", "upn", "date_of_birth", "note"} & set(after)
    action, details = store.rows(
        "select action, details from audit_log order by id desc limit 1"
    )[0]
    assert action == RETENTION
    assert json.loads(details)["pupils"] == 1 and "Gus" not in details


def test_the_retention_command_dry_runs_and_removes(store, school, capsys):
    store.close()
    data_dir = str(store.data_dir)
    assert main(["--data-dir", data_dir, "retention", "--years", "0"]) == 1
    assert "from 1 to 25" in capsys.readouterr().err
    assert main(["--data-dir", data_dir, "retention", "--dry-run"]) == 0
    assert "No pupil left on or before" in capsys.readouterr().err


def test_erasure_takes_a_pupils_interventions_and_their_reviews(store, school):
    from livetrack.interventions import Plan, plan_intervention, review_intervention

    amy = school["pupils"]["Amy"]
    plan = Plan(
        amy, school["subjects"]["Maths"], "Pre-teaching in small groups",
        "Ms Teacher", date(2026, 11, 2), date(2026, 12, 1),
    )  # fmt: skip
    planned = plan_intervention(
        store, EVERYTHING, school["teacher"], plan, ACADEMIC_YEAR
    )
    review_intervention(
        store, EVERYTHING, school["teacher"], planned, "worked", None,
        date(2026, 12, 1),
    )  # fmt: skip

    erase_pupil(store, EVERYTHING, None, amy)

    assert not store.value("select count(*) from pupils where id = ?", [amy])
    for table in ("interventions", "intervention_reviews"):
        assert not store.value(
            f"select count(*) from {table} where pupil_id = ?", [amy]
        )
