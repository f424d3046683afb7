"""The pupil profile: one pupil over time, only within scope, and its A4 PDF."""

import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from pypdf import PdfReader

from livetrack.access import TEACHER, Person, scope_for
from livetrack.calendar import default_half_terms
from livetrack.errors import NotAllowed
from livetrack.interventions import Plan, plan_intervention
from livetrack.pdf import profile_pdf
from livetrack.profile import (
    PupilProfile,
    context_over_time,
    load_profile,
    status_timeline,
)
from livetrack.scope import Scope
from livetrack.snapshots import end_of, take_snapshot
from livetrack.store.pupils import (
    HISTORY_COLUMNS,
    insert_incidents,
    insert_status_history,
)
from livetrack.store.statuses import StatusChange, append_status_changes
from tests.conftest import ACADEMIC_YEAR
from tests.test_pages import assert_no_failure, open_page, signed_in_app

AUTUMN_1 = default_half_terms(ACADEMIC_YEAR)[0]
A4_POINTS = (595, 842)


@pytest.fixture
def amy(store, school):
    """Amy: Below in maths before the Autumn 1 snapshot, On after; Below in reading."""
    amy_id, teacher = school["pupils"]["Amy"], school["teacher"]
    maths, reading = school["subjects"]["Maths"], school["subjects"]["Reading"]
    history = pd.DataFrame(
        [
            [amy_id, maths, ACADEMIC_YEAR, "Below", "Quiz", "Number bonds to 20",
             teacher, datetime(2026, 10, 5, 10, tzinfo=UTC)],
            [amy_id, maths, ACADEMIC_YEAR, "On", "Book look", None,
             teacher, datetime(2026, 11, 16, 10, tzinfo=UTC)],
            [amy_id, reading, ACADEMIC_YEAR, "Below", "Live marking", None,
             teacher, datetime(2026, 11, 17, 10, tzinfo=UTC)],
        ],
        columns=HISTORY_COLUMNS,
    )  # fmt: skip
    incidents = pd.DataFrame(
        [[amy_id, date(2026, 9, 15), "negative", "Disruption", -1],
         [amy_id, date(2026, 11, 10), "positive", "Effort", 2]],
        columns=["pupil_id", "occurred_on", "kind", "category", "points"],
    )  # fmt: skip
    with store.transaction() as cursor:
        insert_status_history(cursor, history)
        insert_incidents(cursor, incidents)
    take_snapshot(store, school["id"], AUTUMN_1, as_at=end_of(AUTUMN_1))
    plan_intervention(
        store, Scope.everything(), teacher,
        Plan(amy_id, maths, "Fluency groups", "Class TA", date(2026, 10, 12),
             date(2026, 11, 20)),
        ACADEMIC_YEAR,
    )  # fmt: skip
    return amy_id


def test_the_timeline_shows_every_subject_at_each_snapshot_then_now(store, amy):
    profile = load_profile(store, Scope.everything(), amy, ACADEMIC_YEAR)

    timeline = status_timeline(profile.timeline).set_index("Subject")

    assert list(timeline.columns) == ["Autumn 1 2026-27", "Now (live)"]
    assert list(timeline.index) == ["Reading", "Maths"]
    assert timeline.loc["Maths"].tolist() == ["Below", "On"]
    assert timeline.loc["Reading"].tolist() == ["On", "Below"]


def test_the_profile_holds_the_evidence_behaviour_and_interventions(store, amy):
    profile = load_profile(store, Scope.everything(), amy, ACADEMIC_YEAR)

    assert profile.title == "Amy Adams"
    assert profile.changes["evidence"].tolist() == ["Live marking", "Book look", "Quiz"]
    assert "Number bonds to 20" in profile.changes["note"].tolist()
    by_half_term = profile.behaviour.set_index("half_term")
    assert by_half_term.loc["Autumn 1 2026-27", "negative"] == 1
    assert by_half_term.loc["Autumn 2 2026-27", "positive"] == 1
    assert context_over_time(profile.timeline)["Negative"].tolist() == [1, 1]
    assert profile.interventions["strategy"].tolist() == ["Fluency groups"]


def test_a_teacher_of_another_class_is_told_the_pupil_is_not_theirs(store, school, amy):
    teacher_of_4b = scope_for(Person(
        school["teacher"], "Ms Teacher", "t@test.invalid", TEACHER, school["id"],
        class_ids=frozenset({school["classes"]["4B"]}),
    ))  # fmt: skip

    with pytest.raises(NotAllowed, match="not yours to see"):
        load_profile(store, teacher_of_4b, amy, ACADEMIC_YEAR)


def test_the_primary_need_and_the_name_only_show_where_the_scope_allows(store, school):
    eve = school["pupils"]["Eve"]
    store.rows("update pupils set primary_need = 'ASD' where id = ?", [eve])
    plain = replace(Scope.everything(), send_detail=False, names_visible=False)

    profile = load_profile(store, plain, eve, ACADEMIC_YEAR)
    detailed = load_profile(store, Scope.everything(), eve, ACADEMIC_YEAR)

    assert profile.pupil["primary_need"] is None
    assert profile.title == f"Pupil {eve}"
    assert detailed.pupil["primary_need"] == "ASD"


def test_the_pdf_is_a4_and_lists_every_subject_and_status(store, amy):
    profile = load_profile(store, Scope.everything(), amy, ACADEMIC_YEAR)

    document = PdfReader(io.BytesIO(profile_pdf(profile, date(2026, 12, 3))))
    text = "\n".join(page.extract_text() for page in document.pages)

    box = document.pages[0].mediabox
    assert (round(box.width), round(box.height)) == A4_POINTS
    for words in ("Test Primary", "Pupil profile: Amy Adams", "Reading", "Maths",
                  "Autumn 1 2026-27", "Now (live)", "Fluency groups",
                  "Number bonds to 20", "Confidential", "3 December 2026"):  # fmt: skip
        assert words in text, words
    maths_row = next(line for line in text.splitlines() if line.startswith("Maths"))
    assert maths_row.split()[1:] == ["Below", "On"]


def test_the_profile_page_refuses_a_pupil_outside_the_teachers_classes(demo_store):
    teacher = demo_store.value("select min(id) from staff where role = 'teacher'")
    outside = demo_store.value(
        "select min(p.id) from pupils p where p.left_on is null and p.class_id not in"
        " (select class_id from staff_classes where staff_id = ?)",
        [teacher],
    )
    first, last = demo_store.rows(
        "select legal_first_name, legal_last_name from pupils where id = ?", [outside]
    )[0]
    app = signed_in_app(demo_store, "teacher")
    app.query_params["pupil"] = str(outside)

    open_page(app, "pages/leaders/pupil.py")

    assert [e.value for e in app.error] == ["This pupil is not yours to see."]
    shown = " ".join(m.value for m in app.markdown) + " ".join(
        h.value for h in app.header
    )
    assert last not in shown and first not in shown
    assert not app.download_button


def test_the_profile_page_opens_the_pupil_in_its_address_with_a_pdf(demo_store):
    pupil_id, first, last = demo_store.rows(
        "select id, coalesce(preferred_first_name, legal_first_name),"
        " legal_last_name from pupils where left_on is null order by id limit 1"
    )[0]
    app = signed_in_app(demo_store, "senco")
    app.query_params["pupil"] = str(pupil_id)

    open_page(app, "pages/leaders/pupil.py")

    assert app.selectbox(key="profile-pupil").value == pupil_id
    assert app.header[0].value == f"{first} {last}"
    assert app.download_button[0].label == "Download as PDF"


def test_choosing_a_pupil_puts_them_in_the_address(demo_store):
    app = open_page(signed_in_app(demo_store, "senco"), "pages/leaders/pupil.py")
    pupil_id = demo_store.value("select max(id) from pupils where left_on is null")

    app.selectbox(key="profile-pupil").set_value(pupil_id).run()

    assert_no_failure(app)
    assert app.query_params["pupil"] == str(pupil_id)
    assert app.header


def test_a_change_after_the_snapshot_is_the_live_point(store, school, amy):
    append_status_changes(
        store,
        [StatusChange(amy, school["subjects"]["Reading"], "Above", "Quiz", None,
                      None)],
        ACADEMIC_YEAR, school["teacher"],
    )  # fmt: skip

    profile = load_profile(store, Scope.everything(), amy, ACADEMIC_YEAR)

    timeline = status_timeline(profile.timeline).set_index("Subject")
    assert timeline.loc["Reading", "Now (live)"] == "Above"


def test_a_long_history_prints_in_tables_that_fit_across_a4():
    points = [f"Point {n}" for n in range(1, 10)]
    timeline = pd.DataFrame(
        {
            "point": points * 2,
            "moment": [date(2025, 1, n) for n in range(1, 10)] * 2,
            "subject": ["Reading"] * 9 + ["Maths"] * 9,
            "position": [1] * 9 + [2] * 9,
            "subject_id": [1] * 9 + [2] * 9,
            "status": ["Below", "On", "Above"] * 6,
            "attendance_percent": [95.0] * 18,
            "negative_incidents": [0] * 18,
            "positive_incidents": [1] * 18,
        }
    )
    empty = pd.DataFrame(columns=["subject", "strategy", "delivered_by", "starts_on",
                                  "review_on", "outcome", "outcome_note", "note",
                                  "recorded_at", "recorded_by", "changed_at",
                                  "status", "evidence", "changed_by"])  # fmt: skip
    pupil = {"id": 7, "school": "Test Primary", "first_name": None, "year_group": 4,
             "class_name": "4B", "send": "N", "primary_need": None,
             "left_on": None}  # fmt: skip
    profile = PupilProfile(pupil, timeline, empty, empty, empty, empty, empty)

    text = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(profile_pdf(profile, date(2025, 2, 1)))).pages
    )

    assert "Pupil profile: Pupil 7" in text
    assert all(point in text for point in points)
    assert text.count("Reading") == 2


def test_downloading_the_pdf_is_audited_with_the_pupils_id_only(demo_store):
    pupil_id = demo_store.value("select min(id) from pupils where left_on is null")
    app = signed_in_app(demo_store, "senco")
    app.query_params["pupil"] = str(pupil_id)
    open_page(app, "pages/leaders/pupil.py")
    before = demo_store.value("select count(*) from audit_log where action = 'export'")

    app.download_button(key="profile-pdf").click().run()

    assert_no_failure(app)
    details = demo_store.value(
        "select details from audit_log where action = 'export' order by id desc limit 1"
    )
    assert (
        demo_store.value("select count(*) from audit_log where action = 'export'")
        == before + 1
    )
    assert json.loads(details) == {
        "report": "pupil_profile", "format": "pdf", "pupil_id": pupil_id,
    }  # fmt: skip
