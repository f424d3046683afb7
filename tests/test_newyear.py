"""A new academic year: pupils move up, Year 6 leave, and the past stays readable."""

import json
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from livetrack.calendar import default_half_terms, default_tracking_start
from livetrack.cli import main
from livetrack.demo import build_demo
from livetrack.errors import InvalidInput, NotAllowed
from livetrack.paths import DATA_DIR_VARIABLE
from livetrack.schoolyear import (
    load_calendar,
    next_class_name,
    plan_new_year,
    start_new_year,
)
from livetrack.scope import Scope
from livetrack.snapshots import snapshot_folder
from livetrack.store.pupils import PUPIL_COLUMNS, insert_pupils
from livetrack.store.schools import ensure_class
from livetrack.store.statuses import (
    StatusChange,
    append_status_changes,
    live_statuses_sql,
)
from livetrack.ui.context import TODAY_VARIABLE, open_store
from tests.conftest import ACADEMIC_YEAR, pupil_row
from tests.test_pages import open_page, signed_in_app

SUMMER_HOLIDAY = datetime(2027, 7, 28, 10, tzinfo=UTC)
NEXT_YEAR = "2027-28"


@pytest.fixture
def school_with_year_6(store, school):
    """The tiny school with Hal in 6C and Ivy in a class not named by year."""
    store.rows(
        "update schools set created_at = '2026-08-01' where id = ?", [school["id"]]
    )
    with store.transaction() as cursor:
        class_6c = ensure_class(cursor, school["id"], "6C", 6)
        oak = ensure_class(cursor, school["id"], "Oak", 2)
        rows = [
            pupil_row(school["id"], 8, "Hal", "Hill", 6, class_6c),
            pupil_row(school["id"], 9, "Ivy", "Iles", 2, oak),
        ]
        ids = insert_pupils(cursor, pd.DataFrame(rows, columns=PUPIL_COLUMNS))
    school["pupils"].update(
        {"Hal": int(ids[rows[0]["upn"]]), "Ivy": int(ids[rows[1]["upn"]])}
    )
    school["classes"].update({"6C": class_6c, "Oak": oak})
    return school


def pupils_by_name(store) -> pd.DataFrame:
    return store.frame(
        "select p.legal_first_name as name, p.year_group, c.name as class_name,"
        " p.left_on from pupils p left join classes c on c.id = p.class_id"
    ).set_index("name")


@pytest.mark.parametrize(
    ("name", "moves_to"),
    [("3A", "4A"), ("RB", "1B"), ("Y4", "Y5"), ("Year 5 Oak", "Year 6 Oak"),
     ("2-Willow", "3-Willow"), ("Reception", None), ("Oak", None), ("6A", None)],
)  # fmt: skip
def test_classes_named_by_year_move_up_a_year(name, moves_to):
    assert next_class_name(name) == moves_to


def test_a_new_year_cannot_start_while_this_one_is_under_way(store, school_with_year_6):
    with pytest.raises(InvalidInput, match="2026-27 is already under way"):
        plan_new_year(store, school_with_year_6["id"], date(2026, 12, 3))


def test_pupils_move_up_and_year_6_leave_without_being_deleted(
    store, school_with_year_6
):
    school = school_with_year_6
    plan = start_new_year(store, Scope.everything(), school["teacher"], school["id"],
                          SUMMER_HOLIDAY)  # fmt: skip
    pupils = pupils_by_name(store)

    assert (plan.from_year, plan.to_year) == (ACADEMIC_YEAR, NEXT_YEAR)
    assert (plan.moving_up, plan.leaving) == (7, 1)
    assert pupils.loc["Amy", ["year_group", "class_name"]].tolist() == [4, "4A"]
    assert pupils.loc["Eve", ["year_group", "class_name"]].tolist() == [5, "5B"]
    assert pupils.loc["Ivy", ["year_group", "class_name"]].tolist() == [3, "Oak"]
    assert pupils.loc["Hal", ["year_group", "class_name"]].tolist() == [6, "6C"]
    assert pupils.loc["Hal", "left_on"].date() == date(2027, 7, 22)
    assert pupils.loc["Gus", "year_group"] == 4  # left in October: untouched
    assert len(pupils) == 9
    assert plan.classes_kept == ["Oak"]


def test_the_new_year_gets_englands_dates_and_an_audit_record(
    store, school_with_year_6
):
    school = school_with_year_6
    start_new_year(store, Scope.everything(), school["teacher"], school["id"],
                   SUMMER_HOLIDAY)  # fmt: skip

    calendar = load_calendar(store, school["id"], NEXT_YEAR)
    assert calendar.saved
    assert calendar.tracking_start == default_tracking_start(NEXT_YEAR)
    action, details = store.rows(
        "select action, details from audit_log where action = 'new_year'"
    )[0]
    details = json.loads(details)
    assert (details["from_year"], details["to_year"], details["left"]) == (
        ACADEMIC_YEAR, NEXT_YEAR, 1,
    )  # fmt: skip
    assert sorted(details["classes_created"]) == ["4A", "5B"]


def test_a_new_year_starts_once(store, school_with_year_6):
    school = school_with_year_6
    start_new_year(store, Scope.everything(), None, school["id"], SUMMER_HOLIDAY)
    with pytest.raises(InvalidInput, match="started once"):
        start_new_year(store, Scope.everything(), None, school["id"], SUMMER_HOLIDAY)
    assert pupils_by_name(store).loc["Amy", "year_group"] == 4


def test_only_an_admin_starts_a_new_year(store, school_with_year_6):
    with pytest.raises(NotAllowed):
        start_new_year(store, Scope(can_administer=False), None,
                       school_with_year_6["id"], SUMMER_HOLIDAY)  # fmt: skip


def test_the_old_year_is_frozen_first_and_stays_readable(store, school_with_year_6):
    school, amy = school_with_year_6, school_with_year_6["pupils"]["Amy"]
    maths = school["subjects"]["Maths"]
    append_status_changes(
        store, [StatusChange(amy, maths, "Below", "Quiz", None, None)],
        ACADEMIC_YEAR, school["teacher"],
    )  # fmt: skip

    start_new_year(store, Scope.everything(), None, school["id"], SUMMER_HOLIDAY)

    summer_2 = default_half_terms(ACADEMIC_YEAR)[-1]
    rows = pd.read_parquet(snapshot_folder(store, school["id"], summer_2))
    amy_maths = rows[(rows["pupil_id"] == amy) & (rows["subject_id"] == maths)]
    assert amy_maths[["year_group", "class_name", "status"]].values.tolist() == [
        [3, "3A", "Below"]
    ]
    eve = rows[rows["pupil_id"] == school["pupils"]["Eve"]]
    assert set(eve["year_group"]) == {4}


def test_the_new_years_statuses_start_at_on(store, school_with_year_6):
    school = school_with_year_6
    append_status_changes(
        store,
        [StatusChange(school["pupils"]["Amy"], school["subjects"]["Maths"], "Below",
                      "Quiz", None, None)],
        ACADEMIC_YEAR, school["teacher"],
    )  # fmt: skip
    start_new_year(store, Scope.everything(), None, school["id"], SUMMER_HOLIDAY)

    week_4 = datetime(2027, 9, 20, 9, tzinfo=UTC)
    live, params = live_statuses_sql(Scope.everything(), NEXT_YEAR, week_4)
    statuses = store.frame(f"select pupil_id, status from ({live}) l", params)
    assert set(statuses["status"]) == {"On"}
    assert school["pupils"]["Hal"] not in set(statuses["pupil_id"])
    assert school["pupils"]["Amy"] in set(statuses["pupil_id"])


def test_the_new_year_command_runs_once(store, school_with_year_6, monkeypatch, capsys):
    data_dir = str(store.data_dir)
    store.close()
    monkeypatch.setenv("LIVETRACK_TODAY", "2027-08-02")

    assert main(["--data-dir", data_dir, "new-year"]) == 0
    assert "has started 2027-28. 7 pupils move up" in capsys.readouterr().err
    assert main(["--data-dir", data_dir, "new-year"]) == 1
    assert "started once" in capsys.readouterr().err


def test_an_admin_starts_the_new_year_on_the_school_page(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    monkeypatch.setenv(TODAY_VARIABLE, "2027-07-28")
    store = open_store(str(tmp_path))
    build_demo(store, today=date(2026, 12, 3), years=1)
    in_year_5 = store.value("select count(*) from pupils where year_group = 5")
    app = open_page(signed_in_app(store, "admin"), "pages/admin/school.py")

    start = next(b for b in app.button if b.label == "Start 2027-28")
    assert start.disabled
    app.checkbox(key="new-year-sure").check().run()
    next(b for b in app.button if b.label == "Start 2027-28").click().run()

    assert not app.exception
    assert any("2027-28 has started" in s.value for s in app.success)
    assert (
        store.value(
            "select count(*) from pupils where year_group = 6 and left_on is null"
        )
        == in_year_5
    )
    assert store.value("select count(*) from pupils where year_group = 0") == 0
