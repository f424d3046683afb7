"""Bad input in the app's forms: each is refused in plain words, and nothing is
left half-changed."""

from datetime import date

import pytest

from livetrack.demo import build_demo
from livetrack.domain import NOTE_MAX_CHARACTERS
from livetrack.errors import InvalidChange, InvalidInput, NotAllowed
from livetrack.paths import DATA_DIR_VARIABLE
from livetrack.scope import Scope
from livetrack.store.statuses import StatusChange, append_status_changes
from livetrack.tracking import save_status_changes
from livetrack.ui.context import TODAY_VARIABLE, open_store
from livetrack.validation import check_choice, check_date_in_year, check_text
from tests.conftest import ACADEMIC_YEAR, TODAY
from tests.test_pages import open_page, signed_in_app


def change_count(store) -> int:
    return store.value("select count(*) from status_changes")


def batch(school, last: StatusChange) -> list[StatusChange]:
    """Two good changes, then the one under test: all or nothing must land."""
    reading, maths = school["subjects"]["Reading"], school["subjects"]["Maths"]
    amy, ben = school["pupils"]["Amy"], school["pupils"]["Ben"]
    return [
        StatusChange(amy, reading, "Below", "Quiz", None, None),
        StatusChange(ben, maths, "Above", "Book look", "Fine", None),
        last,
    ]


def save(store, school, changes):
    return save_status_changes(
        store, Scope.everything(), school["teacher"], changes, ACADEMIC_YEAR, TODAY
    )


@pytest.mark.parametrize(
    ("status", "evidence", "note", "says"),
    [
        ("Excellent", "Quiz", None, '"Excellent" is not a status: use Above, On'),
        ("Below", None, None, "Every change needs its evidence"),
        ("Below", "Vibes", None, "Every change needs its evidence"),
        ("Below", "Quiz", "x" * (NOTE_MAX_CHARACTERS + 1),
         f"at most {NOTE_MAX_CHARACTERS} characters; this one has 501"),
    ],
)  # fmt: skip
def test_a_bad_change_is_refused_in_words_and_none_of_its_batch_lands(
    store, school, status, evidence, note, says
):
    cara = school["pupils"]["Cara"]
    bad = StatusChange(cara, school["subjects"]["Maths"], status, evidence, note, None)
    with pytest.raises(InvalidChange, match=says):
        save(store, school, batch(school, bad))
    assert change_count(store) == 0


def test_an_unknown_subject_or_pupil_is_refused_and_nothing_lands(store, school):
    unknown_subject = StatusChange(
        school["pupils"]["Cara"], 999, "On", "Quiz", None, None
    )
    with pytest.raises(NotAllowed, match="Nothing was saved"):
        save(store, school, batch(school, unknown_subject))
    french_in_year_3 = StatusChange(
        school["pupils"]["Cara"], school["subjects"]["French"], "On", "Quiz", None, None
    )
    with pytest.raises(NotAllowed, match="no longer takes that subject"):
        save(store, school, batch(school, french_in_year_3))
    assert change_count(store) == 0


def test_a_write_that_fails_part_way_leaves_nothing(store, school):
    changes = batch(school, StatusChange(12345, 1, "On", "Quiz", None, None))
    with pytest.raises(Exception, match="foreign key"):
        append_status_changes(store, changes, ACADEMIC_YEAR, school["teacher"])
    assert change_count(store) == 0


def test_the_shared_checks_say_what_is_wrong():
    year_start, year_end = date(2026, 9, 1), date(2027, 8, 31)
    assert check_date_in_year(date(2026, 11, 2), ACADEMIC_YEAR, "The start") == date(
        2026, 11, 2
    )
    for outside in (
        year_start.replace(day=1, month=8),
        year_end.replace(day=1, month=9),
    ):
        with pytest.raises(InvalidInput, match="falls outside 2026-27"):
            check_date_in_year(outside, ACADEMIC_YEAR, "The start")
    with pytest.raises(InvalidInput, match="The start is missing"):
        check_date_in_year(None, ACADEMIC_YEAR, "The start")
    assert check_text("  Seabridge   Primary ", "The school's name", 100) == (
        "Seabridge Primary"
    )
    with pytest.raises(InvalidInput, match="at most 10 characters; this one has 11"):
        check_text("x" * 11, "A note", 10)
    with pytest.raises(InvalidInput, match="The school's name is missing"):
        check_text("   ", "The school's name", 100)
    assert check_text("  ", "A note", 10, required=False) is None
    assert check_choice("Quiz", ["Quiz", "Other"], "The evidence") == "Quiz"
    with pytest.raises(InvalidInput, match='"Vibes" is not one of: Quiz, Other'):
        check_choice("Vibes", ["Quiz", "Other"], "The evidence")


def record_page_with_edits(demo_store, edits: dict):
    app = open_page(signed_in_app(demo_store, "teacher"), "pages/teachers/record.py")
    class_id = app.selectbox(key="record-class").value
    app.session_state[f"grid-{class_id}-All subjects-0"] = {
        "edited_rows": {0: edits}, "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    app.run()
    assert not app.exception, app.exception
    return app, class_id


def press(app, label: str):
    next(b for b in app.button if b.label == label).click().run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize(
    ("edits", "says"),
    [
        ({"Maths": "Excellent"}, '"Excellent" is not a status'),
        ({"Maths": "Below", "Note": "x" * 600}, "at most 500 characters"),
        ({"Maths": "Below", "Evidence": "Vibes"}, "needs its evidence"),
    ],
)
def test_the_record_page_refuses_a_bad_cell_in_words(demo_store, edits, says):
    before = change_count(demo_store)
    app, class_id = record_page_with_edits(demo_store, edits)
    if "Evidence" not in edits:
        app.selectbox(key=f"record-evidence-{class_id}").set_value("Quiz").run()
    press(app, "Save changes")
    assert any(says in error.value for error in app.error), [e.value for e in app.error]
    assert change_count(demo_store) == before


def test_the_school_page_refuses_a_blank_name(demo_store):
    before = demo_store.value("select name from schools where id = 1")
    app = open_page(signed_in_app(demo_store, "admin"), "pages/admin/school.py")
    app.text_input[0].set_value("   ")
    press(app, "Save name")
    assert [e.value for e in app.error] == ["A school's name is missing: type it in."]
    assert demo_store.value("select name from schools where id = 1") == before


def test_the_school_page_never_saves_a_name_over_100_characters(demo_store):
    before = demo_store.value("select name from schools where id = 1")
    app = open_page(signed_in_app(demo_store, "admin"), "pages/admin/school.py")
    app.text_input[0].set_value("x" * 150)
    press(app, "Save name")
    saved = demo_store.value("select name from schools where id = 1")
    demo_store.rows("update schools set name = ? where id = 1", [before])
    assert len(saved) <= 100


def data_page(demo_store):
    return open_page(signed_in_app(demo_store, "admin"), "pages/admin/data.py")


def test_the_data_page_wants_a_full_folder_path(demo_store):
    app = data_page(demo_store)
    app.text_input[0].set_value("backups/today")
    press(app, "Back up to this folder")
    assert any("full path of a folder" in e.value for e in app.error)


@pytest.fixture
def own_demo(tmp_path, monkeypatch):
    """A demo of its own, for a test that erases one of its pupils."""
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    monkeypatch.setenv(TODAY_VARIABLE, TODAY.isoformat())
    store = open_store(str(tmp_path))
    build_demo(store, today=TODAY)
    return store


def test_the_data_page_erases_only_when_the_name_is_typed(own_demo):
    demo_store = own_demo
    pupil_id, first, last = demo_store.rows(
        "select id, legal_first_name, legal_last_name from pupils"
        " where school_id = 1 order by id limit 1"
    )[0]
    app = data_page(demo_store)
    app.selectbox(key="data-erase-pupil").set_value(pupil_id).run()
    app.text_input[1].set_value(f"{first} Someone-else")
    press(app, "Erase this pupil for good")
    assert any("does not match" in e.value for e in app.error)
    assert demo_store.value("select count(*) from pupils where id = ?", [pupil_id]) == 1

    app.text_input[1].set_value(f"  {first.lower()}   {last} ")
    press(app, "Erase this pupil for good")
    assert any(f"Erased pupil {pupil_id}" in s.value for s in app.success)
    assert demo_store.value("select count(*) from pupils where id = ?", [pupil_id]) == 0


def test_the_data_page_saves_a_retention_period(own_demo):
    from livetrack.erasure import retention_years

    app = data_page(own_demo)
    app.number_input[0].set_value(8)
    press(app, "Save the retention period")
    assert any("kept 8 years after leaving" in s.value for s in app.success)
    assert retention_years(own_demo) == 8
