"""The Import page under AppTest: detect, preview, ask for a column, import, audit."""

import json
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from livetrack.importers import import_pupils
from livetrack.paths import DATA_DIR_VARIABLE
from livetrack.store.imports import load_column_mapping
from livetrack.ui.auth import DEMO_PERSON
from livetrack.ui.context import TODAY_VARIABLE, open_store
from tests.conftest import SAMPLES, needs_samples

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "pages/admin/import_data.py"
TODAY = date(2026, 10, 24)  # the day after Autumn 1, whose files these are

pytestmark = needs_samples


@pytest.fixture
def sample_store(tmp_path, monkeypatch):
    """The sample school's 70 pupils, where the app will find them.

    Marked as a demo so that the demo sign-in lets the test in as its office.
    """
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(tmp_path))
    monkeypatch.setenv(TODAY_VARIABLE, TODAY.isoformat())
    store = open_store(str(tmp_path))
    import_pupils(store, SAMPLES / "pupils_arbor.csv", today=TODAY)
    store.rows("update schools set is_demo = true")
    yield store
    open_store.clear()


def office(store) -> int:
    return store.value("select id from staff where role = 'admin'")


@pytest.fixture
def page(sample_store) -> AppTest:
    st.cache_data.clear()
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state[DEMO_PERSON] = office(sample_store)
    app.run()
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    return app


def upload(app: AppTest, name: str, content: bytes) -> AppTest:
    app.file_uploader[0].upload(name, content).run()
    assert not app.exception, app.exception
    return app


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def imports(store) -> list[tuple[int, dict]]:
    rows = store.rows(
        "select staff_id, details from audit_log where action = 'import' order by id"
    )
    return [(staff_id, json.loads(details)) for staff_id, details in rows]


def test_the_page_asks_for_a_file_first(page):
    assert page.title[0].value == "Import"
    assert "Choose the file" in page.info[0].value


def test_attendance_is_detected_previewed_and_imported(page, sample_store):
    upload(page, "attendance_autumn1.csv", sample("attendance_autumn1.csv"))

    assert page.radio[0].value == "attendance"
    shown = metrics(page)
    assert shown["Rows"] == "70"
    assert shown["Persistent absence (90% or below)"].endswith("of 70")
    assert sample_store.value("select count(*) from attendance") == 0

    button(page, "Import this attendance").click().run()

    assert sample_store.value("select count(*) from attendance") == 70
    assert "Imported attendance_autumn1.csv" in page.success[0].value
    staff_id, details = imports(sample_store)[-1]
    assert staff_id == office(sample_store)
    assert details == {"kind": "attendance", "file": "attendance_autumn1.csv",
                       "rows": 70, "pupils": 70, "replaced": 0}  # fmt: skip


def test_behaviour_imported_twice_adds_nothing_the_second_time(page, sample_store):
    upload(page, "behaviour_autumn1.csv", sample("behaviour_autumn1.csv"))
    assert page.radio[0].value == "behaviour"
    button(page, "Import these incidents").click().run()
    held = sample_store.value("select count(*) from behaviour_incidents")

    upload(page, "behaviour_autumn1.csv", sample("behaviour_autumn1.csv"))

    assert held == 117
    assert metrics(page)["New"] == "0"
    assert any("nothing to import" in s.value for s in page.success)
    assert not [b for b in page.button if b.label == "Import these incidents"]


def test_a_ctf_shows_its_changes_and_marks_no_one_as_left(page, sample_store):
    upload(page, "ctf_25.xml", sample("ctf_25.xml"))

    assert page.radio[0].value == "ctf"
    shown = metrics(page)
    assert (shown["Pupils in the CTF"], shown["Not added"]) == ("20", "0")
    button(page, "Import this CTF").click().run()

    assert sample_store.value("select count(*) from pupils where left_on is null") == 70
    assert sample_store.value("select count(*) from attendance") == 20
    assert imports(sample_store)[-1][1]["kind"] == "ctf"


def test_a_missing_column_is_asked_for_and_remembered(page, sample_store):
    text = sample("pupils_arbor.csv").decode("utf-8").replace("UPN,", "Pupil Ref,", 1)
    upload(page, "renamed.csv", text.encode())

    question = page.selectbox(key="import-map-pupils-upn")
    assert question.label == "Which column is the UPN?"
    question.set_value("Pupil Ref").run()
    button(page, "Use these columns").click().run()

    assert load_column_mapping(sample_store, 1, "pupils") == {"upn": "Pupil Ref"}
    assert "Using the columns you chose before" in page.caption[1].value
    assert metrics(page)["Unchanged"] == "70"


def test_a_bad_file_lists_its_problems_and_changes_nothing(page, sample_store):
    text = sample("attendance_autumn1.csv").decode().replace(",76,72,", ",76,99,", 1)
    upload(page, "attendance.csv", text.encode())

    assert "not imported" in page.error[0].value
    problems = page.dataframe[0].value["What to put right"].tolist()
    assert problems == [
        "Line 2: 99 present and 4 absent sessions add up to more than the 76 "
        "possible; please check the row."
    ]
    assert not [b for b in page.button if b.label == "Import this attendance"]
    assert sample_store.value("select count(*) from attendance") == 0


def test_an_admin_can_say_what_kind_a_file_is(page):
    upload(page, "notes.csv", b"Something,Else\r\n1,2\r\n")

    assert page.radio[0].value is None
    assert "could not tell what kind of file" in page.info[0].value
    page.radio[0].set_value("behaviour").run()
    assert [box.label for box in page.selectbox] == [
        "Which column is the UPN?",
        "Which column is the incident date?",
        "Which column is the type (positive or negative)?",
    ]
    assert page.selectbox[0].options == ["Something", "Else"]
