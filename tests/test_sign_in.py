"""Sign-in: the demo's, the school accounts', neither; menus by role; idle sessions."""

import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from livetrack.paths import DATA_DIR_VARIABLE
from livetrack.store.schools import add_staff
from livetrack.ui.auth import DEMO_PERSON, LAST_SEEN
from tests.test_pages import demo_person, signed_in_app

APP = str(Path(__file__).resolve().parents[1] / "app.py")
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-only-secret",
    "microsoft": {
        "client_id": "test", "client_secret": "test",
        "server_metadata_url": "https://login.example.invalid/.well-known/openid",
    },
}  # fmt: skip


def fresh_app() -> AppTest:
    st.cache_data.clear()
    return AppTest.from_file(APP, default_timeout=60)


def texts(app: AppTest) -> str:
    parts = [
        e.value
        for kind in (
            "title",
            "markdown",
            "caption",
            "info",
            "error",
            "warning",
            "subheader",
        )
        for e in getattr(app, kind)
    ]
    return "\n".join(str(part) for part in parts)  # fmt: skip


def test_a_visitor_to_the_demo_picks_a_demo_person(demo_store):
    app = fresh_app()
    app.run()
    assert app.title[0].value == "Sign in to LiveTrack"
    assert "Demo sign-in" in texts(app)
    assert not app.dataframe and not app.metric

    app.selectbox(key="demo-person-choice").set_value(
        demo_person(demo_store, "headteacher")
    ).run()
    next(b for b in app.button if b.label == "Sign in").click().run()
    assert app.title[0].value == "Overview"
    events = demo_store.value(
        "select count(*) from audit_log where action = 'sign_in' and staff_id = ?",
        [demo_person(demo_store, "headteacher")],
    )
    assert events >= 1


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("governor", "pages/teachers/record.py"),
        ("teacher", "pages/admin/people.py"),
        ("headteacher", "pages/admin/audit.py"),
        ("admin", "pages/leaders/triangulation.py"),
    ],
)
def test_a_page_outside_the_role_is_not_in_its_menu(demo_store, role, page):
    app = signed_in_app(demo_store, role)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(page)


def test_an_idle_session_is_signed_out(demo_store):
    app = signed_in_app(demo_store, "headteacher")
    app.session_state[LAST_SEEN] = time.monotonic() - 31 * 60
    app.run()
    assert app.title[0].value == "Sign in to LiveTrack"
    assert "signed out after 30 minutes" in texts(app)


@pytest.fixture
def real_school(store, school, monkeypatch):
    """A data folder holding one school that is not the demo, with its office."""
    with store.transaction() as cursor:
        office = add_staff(
            cursor, school["id"], "Office Admin", "office@test.invalid", "admin", []
        )
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(store.data_dir))
    return store, office


def test_a_real_school_without_sign_in_set_up_shows_no_data(real_school):
    _, office = real_school
    app = fresh_app()
    app.session_state[DEMO_PERSON] = office  # a demo sign-in is refused here
    app.run()
    assert "Sign-in is not set up yet" in texts(app)
    assert "Demo sign-in" not in texts(app)
    assert not app.dataframe


def test_a_school_account_signs_in_as_its_person(real_school):
    store, office = real_school
    email = store.value("select email from staff where id = ?", [office])
    app = fresh_app()
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": True, "email": email.upper()}
    app.run()
    assert app.title[0].value == "Import"  # an admin's first page


def test_an_account_not_in_livetrack_is_told_so(real_school):
    app = fresh_app()
    app.secrets["auth"] = AUTH
    app.user = {"is_logged_in": True, "email": "stranger@elsewhere.example"}
    app.run()
    assert "is not set up in LiveTrack" in texts(app)
    assert not app.dataframe


def test_a_teacher_asking_for_another_class_in_the_address_sees_only_theirs(
    demo_store,
):
    app = signed_in_app(demo_store, "teacher")
    mine = demo_store.value(
        "select min(class_id) from staff_classes where staff_id = ?",
        [demo_person(demo_store, "teacher")],
    )
    other = demo_store.value("select max(id) from classes where id <> ?", [mine])
    app.switch_page("pages/leaders/overview.py")
    app.query_params["class_ids"] = str(other)
    app.run()
    own_pupils = demo_store.value(
        "select count(*) from pupils where class_id = ? and left_on is null", [mine]
    )
    headline = next(c.value for c in app.caption if "statuses ·" in c.value)
    assert headline.endswith(f"· {own_pupils} pupils")

    app.switch_page("pages/teachers/record.py")
    app.run()
    assert app.selectbox(key="record-class").options == [
        demo_store.value("select name from classes where id = ?", [mine])
    ]


def test_a_download_is_recorded_in_the_audit_log(demo_store):
    app = signed_in_app(demo_store, "headteacher")
    app.switch_page("pages/leaders/triangulation.py")
    app.run()
    before = demo_store.value(
        "select count(*) from audit_log where action = 'download'"
    )
    app.download_button[0].click().run()
    after = demo_store.value("select count(*) from audit_log where action = 'download'")
    assert after == before + 1
