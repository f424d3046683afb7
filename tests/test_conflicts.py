"""Two people, one pupil: a save made on top of a colleague's newer change is held back.

Two AppTest sessions share the demo store, as two browsers share one server:
A opens the grid, B opens it, changes a cell and saves, then A saves the same
cell. A is shown both statuses and B's name, and nothing of A's is written
until A chooses to record theirs on top.
"""

import pytest
from streamlit.testing.v1 import AppTest

from livetrack.scope import Scope
from livetrack.store.schools import add_staff
from livetrack.store.statuses import load_class_statuses
from livetrack.ui.auth import DEMO_PERSON
from tests.conftest import ACADEMIC_YEAR
from tests.test_pages import APP, demo_person, open_page

RECORD = "pages/teachers/record.py"
COLLEAGUE = "Mx Colleague Benchley"
SUBJECT = "Maths"
OTHER_STATUSES = {"On": ("Above", "Below"), "Above": ("Below", "On"),
                  "Below": ("On", "Above")}  # fmt: skip


@pytest.fixture
def two_teachers(demo_store):
    """The first class's teacher, and a colleague who teaches the same class."""
    teacher = demo_person(demo_store, "teacher")
    class_id = demo_store.value(
        "select min(class_id) from staff_classes where staff_id = ?", [teacher]
    )
    colleague = demo_store.value(
        "select id from staff where display_name = ?", [COLLEAGUE]
    )
    if colleague is None:
        with demo_store.transaction() as cursor:
            colleague = add_staff(cursor, 1, COLLEAGUE,
                                  "colleague@seabridge.example.org", "teacher",
                                  [class_id])  # fmt: skip
    return teacher, colleague, class_id


def first_pupils_maths(store, class_id: int):
    """The grid's first row (the class in name order) and its maths status now."""
    statuses = load_class_statuses(store, Scope.everything(), class_id, ACADEMIC_YEAR)
    first = statuses.sort_values(["legal_last_name", "first_name", "pupil_id"]).iloc[0]
    cell = statuses[(statuses["pupil_id"] == first["pupil_id"])
                    & (statuses["subject"] == SUBJECT)].iloc[0]  # fmt: skip
    return int(cell["pupil_id"]), int(cell["subject_id"]), cell["status"]


def open_record(store, staff_id: int, class_id: int) -> AppTest:
    """One teacher's own session, with the class's grid open."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state[DEMO_PERSON] = staff_id
    app.run()
    open_page(app, RECORD)
    app.selectbox(key="record-class").set_value(class_id).run()
    return app


def save_first_maths(app: AppTest, class_id: int, status: str) -> AppTest:
    """Set row 0's maths as the grid would, choose the evidence, press Save."""
    app.session_state[f"grid-{class_id}-All subjects-0"] = {
        "edited_rows": {0: {SUBJECT: status}}, "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    app.run()
    app.selectbox(key=f"record-evidence-{class_id}").set_value("Quiz").run()
    next(b for b in app.button if b.label == "Save changes").click().run()
    assert not app.exception, app.exception
    return app


def latest_change(store, pupil_id: int, subject_id: int):
    return store.rows(
        "select status, changed_by from status_changes"
        " where pupil_id = ? and subject_id = ? and academic_year = ?"
        " order by id desc limit 1",
        [pupil_id, subject_id, ACADEMIC_YEAR],
    )[0]


def count_changes_by(store, staff_id: int, pupil_id: int, subject_id: int) -> int:
    return store.value(
        "select count(*) from status_changes"
        " where changed_by = ? and pupil_id = ? and subject_id = ?",
        [staff_id, pupil_id, subject_id],
    )


def test_a_save_over_a_colleagues_newer_change_shows_both(demo_store, two_teachers):
    teacher, colleague, class_id = two_teachers
    pupil_id, subject_id, before = first_pupils_maths(demo_store, class_id)
    theirs, mine = OTHER_STATUSES[before]
    mine_before = count_changes_by(demo_store, teacher, pupil_id, subject_id)

    a = open_record(demo_store, teacher, class_id)
    b = open_record(demo_store, colleague, class_id)
    save_first_maths(b, class_id, theirs)
    assert any("Saved 1 change" in s.value for s in b.success)

    save_first_maths(a, class_id, mine)
    assert any("Someone else changed" in w.value for w in a.warning)
    shown = a.dataframe[0].value.iloc[0]
    assert shown["Yours"].endswith(mine) and shown["Theirs"].endswith(theirs)
    assert shown["Changed by"] == COLLEAGUE
    assert latest_change(demo_store, pupil_id, subject_id) == (theirs, colleague)
    assert count_changes_by(demo_store, teacher, pupil_id, subject_id) == mine_before

    next(b for b in a.button if b.label == "Record mine on top").click().run()
    assert not a.exception, a.exception
    assert any("Saved 1 change" in s.value for s in a.success)
    assert latest_change(demo_store, pupil_id, subject_id) == (mine, teacher)


def test_keeping_theirs_writes_nothing_of_mine(demo_store, two_teachers):
    teacher, colleague, class_id = two_teachers
    pupil_id, subject_id, before = first_pupils_maths(demo_store, class_id)
    theirs, mine = OTHER_STATUSES[before]

    a = open_record(demo_store, teacher, class_id)
    save_first_maths(open_record(demo_store, colleague, class_id), class_id, theirs)
    save_first_maths(a, class_id, mine)
    next(b for b in a.button if b.label == "Keep theirs").click().run()

    assert not a.exception, a.exception
    assert not any("Someone else changed" in w.value for w in a.warning)
    assert latest_change(demo_store, pupil_id, subject_id) == (theirs, colleague)
