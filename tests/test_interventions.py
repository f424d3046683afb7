"""Interventions: checked whole, append-only, listed, and only within a scope."""

import json
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from livetrack.access import SUBJECT_LEAD, TEACHER, Person, scope_for
from livetrack.erasure import erase_pupil
from livetrack.errors import InvalidInput, NotAllowed
from livetrack.interventions import (
    STRATEGY_MAX_CHARACTERS,
    Plan,
    plan_intervention,
    record_action,
    review_intervention,
)
from livetrack.scope import Scope
from livetrack.store.interventions import (
    load_actions,
    load_below_without_intervention,
    load_interventions,
)
from livetrack.store.statuses import (
    StatusChange,
    append_status_changes,
    load_class_statuses,
)
from tests.conftest import ACADEMIC_YEAR
from tests.test_pages import assert_no_failure, open_page, signed_in_app

NOVEMBER, DECEMBER = date(2026, 11, 2), date(2026, 12, 14)


def plan_for(school, pupil: str, subject: str | None = "Maths", **changes) -> Plan:
    subject_id = school["subjects"][subject] if subject else None
    plan = Plan(
        school["pupils"][pupil], subject_id, "Daily fluency practice", "Class TA",
        NOVEMBER, DECEMBER,
    )  # fmt: skip
    return replace(plan, **changes)


def teacher_of_3a(school) -> Scope:
    person = Person(
        school["teacher"], "Ms Teacher", "t@test.invalid", TEACHER, school["id"],
        class_ids=frozenset({school["classes"]["3A"]}),
    )  # fmt: skip
    return scope_for(person)


def set_below(store, school, *pupils, subject="Maths") -> None:
    changes = [
        StatusChange(school["pupils"][p], school["subjects"][subject], "Below",
                     "Quiz", None, None)
        for p in pupils
    ]  # fmt: skip
    append_status_changes(store, changes, ACADEMIC_YEAR, school["teacher"])


def count(store, table: str) -> int:
    return store.value(f"select count(*) from {table}")


def test_a_planned_intervention_reads_back_with_who_recorded_it(store, school):
    plan_intervention(
        store, Scope.everything(), school["teacher"], plan_for(school, "Amy"),
        ACADEMIC_YEAR,
    )  # fmt: skip

    found = load_interventions(store, Scope.everything(), academic_year=ACADEMIC_YEAR)
    row = found.iloc[0]
    assert (row["pupil"], row["subject"], row["strategy"]) == (
        "Amy Adams", "Maths", "Daily fluency practice",
    )  # fmt: skip
    assert (row["starts_on"].date(), row["review_on"].date()) == (NOVEMBER, DECEMBER)
    assert row["recorded_by"] == "Ms Teacher"
    assert pd.isna(row["outcome"])


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"review_on": date(2026, 10, 30)}, "before the start date"),
        ({"starts_on": date(2026, 8, 20)}, "school year 2026-27"),
        ({"review_on": date(2027, 9, 10)}, "school year 2026-27"),
        ({"strategy": "x" * (STRATEGY_MAX_CHARACTERS + 1)}, "at most 200"),
        ({"strategy": "   "}, "Say the strategy"),
        ({"delivered_by": ""}, "who delivers it"),
        ({"subject_id": 999}, "not tracked for this pupil"),
    ],
)
def test_a_plan_that_is_not_valid_is_refused_and_nothing_is_written(
    store, school, changes, words
):
    with pytest.raises(InvalidInput, match=words):
        plan_intervention(
            store, Scope.everything(), school["teacher"],
            plan_for(school, "Amy", **changes), ACADEMIC_YEAR,
        )  # fmt: skip

    assert count(store, "interventions") == 0
    assert count(store, "audit_log") == 0


def test_french_is_refused_for_a_year_3_pupil(store, school):
    with pytest.raises(InvalidInput, match="not tracked"):
        plan_intervention(
            store, Scope.everything(), school["teacher"],
            plan_for(school, "Ben", "French"), ACADEMIC_YEAR,
        )  # fmt: skip


def test_a_teacher_cannot_plan_for_a_pupil_outside_their_classes(store, school):
    with pytest.raises(NotAllowed, match="not yours"):
        plan_intervention(
            store, teacher_of_3a(school), school["teacher"], plan_for(school, "Eve"),
            ACADEMIC_YEAR,
        )  # fmt: skip

    assert count(store, "interventions") == 0


def test_a_teacher_reads_only_their_own_classes_interventions(store, school):
    for pupil in ("Amy", "Eve"):
        plan_intervention(
            store, Scope.everything(), school["teacher"], plan_for(school, pupil),
            ACADEMIC_YEAR,
        )  # fmt: skip

    seen = load_interventions(store, teacher_of_3a(school))

    assert seen["pupil"].tolist() == ["Amy Adams"]
    eve = school["pupils"]["Eve"]
    assert load_interventions(store, teacher_of_3a(school), pupil_id=eve).empty


def test_a_subject_lead_sees_only_their_subjects_interventions(store, school):
    plan_intervention(
        store, Scope.everything(), school["teacher"], plan_for(school, "Amy"),
        ACADEMIC_YEAR,
    )  # fmt: skip
    plan_intervention(
        store, Scope.everything(), school["teacher"],
        plan_for(school, "Ben", "Reading"), ACADEMIC_YEAR,
    )  # fmt: skip
    plan_intervention(
        store, Scope.everything(), school["teacher"], plan_for(school, "Cara", None),
        ACADEMIC_YEAR,
    )  # fmt: skip
    reading_lead = scope_for(Person(
        99, "Reading lead", "r@test.invalid", SUBJECT_LEAD, school["id"],
        subject_ids=frozenset({school["subjects"]["Reading"]}),
    ))  # fmt: skip

    assert load_interventions(store, reading_lead)["subject"].tolist() == ["Reading"]


def test_a_role_that_cannot_plan_writes_nothing(store, school):
    reader = replace(Scope.everything(), can_plan=False)

    with pytest.raises(NotAllowed):
        plan_intervention(
            store, reader, school["teacher"], plan_for(school, "Amy"), ACADEMIC_YEAR
        )
    with pytest.raises(NotAllowed):
        record_action(
            store, reader, school["teacher"], school["pupils"]["Amy"], None,
            "Speak to parents", ACADEMIC_YEAR,
        )  # fmt: skip
    assert count(store, "interventions") + count(store, "pupil_actions") == 0


def test_a_teacher_cannot_review_an_intervention_outside_their_classes(store, school):
    eves = plan_intervention(
        store, Scope.everything(), school["teacher"], plan_for(school, "Eve"),
        ACADEMIC_YEAR,
    )  # fmt: skip

    with pytest.raises(NotAllowed, match="not yours"):
        review_intervention(
            store, teacher_of_3a(school), school["teacher"], eves, "worked", None,
            DECEMBER,
        )  # fmt: skip
    assert count(store, "intervention_reviews") == 0


def test_a_second_review_is_a_new_row_and_the_latest_is_the_outcome(store, school):
    everything = Scope.everything()
    amys = plan_intervention(
        store, everything, school["teacher"], plan_for(school, "Amy"), ACADEMIC_YEAR
    )
    review_intervention(store, everything, school["teacher"], amys, "not_yet",
                        "Gaps remain in place value", DECEMBER)  # fmt: skip
    review_intervention(store, everything, school["teacher"], amys, "worked",
                        "Secure now", date(2027, 1, 20))  # fmt: skip

    row = load_interventions(store, everything).iloc[0]
    assert (row["outcome"], row["outcome_note"]) == ("worked", "Secure now")
    assert count(store, "intervention_reviews") == 2


def test_a_review_before_the_start_or_with_an_unknown_outcome_is_refused(store, school):
    everything = Scope.everything()
    amys = plan_intervention(
        store, everything, school["teacher"], plan_for(school, "Amy"), ACADEMIC_YEAR
    )
    with pytest.raises(InvalidInput, match="before the intervention started"):
        review_intervention(store, everything, school["teacher"], amys, "worked",
                            None, date(2026, 10, 1))  # fmt: skip
    with pytest.raises(InvalidInput, match="Choose an outcome"):
        review_intervention(store, everything, school["teacher"], amys, "great",
                            None, DECEMBER)  # fmt: skip
    assert count(store, "intervention_reviews") == 0


def test_reviews_due_are_on_or_past_their_date_with_no_outcome(store, school):
    everything = Scope.everything()
    ids = {
        pupil: plan_intervention(
            store, everything, school["teacher"],
            plan_for(school, pupil, review_on=review_on), ACADEMIC_YEAR,
        )
        for pupil, review_on in [
            ("Amy", date(2026, 12, 1)), ("Ben", date(2026, 12, 3)),
            ("Cara", date(2026, 12, 4)), ("Dev", date(2026, 11, 20)),
        ]
    }  # fmt: skip
    review_intervention(
        store, everything, school["teacher"], ids["Dev"], "partly", None, DECEMBER
    )

    due = load_interventions(store, everything, due_by=date(2026, 12, 3))

    assert due["pupil"].tolist() == ["Amy Adams", "Ben Brown"]


def test_below_with_no_intervention_leaves_out_pupils_who_have_one(store, school):
    set_below(store, school, "Amy", "Ben", "Cara")
    set_below(store, school, "Cara", subject="Reading")
    everything = Scope.everything()
    plan_intervention(
        store, everything, school["teacher"], plan_for(school, "Amy"), ACADEMIC_YEAR
    )
    # An intervention for no one subject covers all of Cara's subjects.
    plan_intervention(
        store, everything, school["teacher"], plan_for(school, "Cara", None),
        ACADEMIC_YEAR,
    )  # fmt: skip

    below = load_below_without_intervention(
        store, everything, ACADEMIC_YEAR, school["id"]
    )

    assert list(zip(below["pupil"], below["subject"])) == [("Ben Brown", "Maths")]


def test_names_stay_hidden_where_the_scope_hides_them(store, school):
    set_below(store, school, "Ben")
    plan_intervention(
        store, Scope.everything(), school["teacher"], plan_for(school, "Ben"),
        ACADEMIC_YEAR,
    )  # fmt: skip
    set_below(store, school, "Amy")
    unnamed = replace(Scope.everything(), names_visible=False)

    assert load_interventions(store, unnamed)["pupil"].isna().all()
    below = load_below_without_intervention(store, unnamed, ACADEMIC_YEAR, school["id"])
    assert below["pupil"].isna().all() and len(below) == 1


def test_every_write_is_audited_with_ids_never_words(store, school):
    everything = Scope.everything()
    amys = plan_intervention(
        store, everything, school["teacher"], plan_for(school, "Amy"), ACADEMIC_YEAR
    )
    review_intervention(store, everything, school["teacher"], amys, "worked",
                        "Amy is secure now", DECEMBER)  # fmt: skip
    record_action(store, everything, school["teacher"], school["pupils"]["Amy"],
                  None, "Meet Amy's parents", ACADEMIC_YEAR)  # fmt: skip

    events = store.rows("select action, details from audit_log order by id")
    assert [action for action, _ in events] == [
        "intervention_planned", "intervention_reviewed", "action_recorded",
    ]  # fmt: skip
    assert json.loads(events[0][1])["pupil_id"] == school["pupils"]["Amy"]
    assert not any("Amy" in details for _, details in events)
    actions = load_actions(store, everything, school["pupils"]["Amy"])
    assert actions["note"].tolist() == ["Meet Amy's parents"]


def test_a_teacher_plans_an_intervention_after_setting_a_pupil_below(demo_store):
    app = open_page(signed_in_app(demo_store, "teacher"), "pages/teachers/record.py")
    class_id = app.selectbox(key="record-class").value
    statuses = load_class_statuses(demo_store, Scope.everything(), class_id, "2026-27")
    pupils = (
        statuses.drop_duplicates("pupil_id")
        .sort_values(["legal_last_name", "first_name", "pupil_id"])["pupil_id"]
        .tolist()
    )
    maths = statuses[statuses["subject"] == "Maths"].set_index("pupil_id")["status"]
    row = next(i for i, pupil in enumerate(pupils) if maths[pupil] != "Below")
    app.session_state[f"grid-{class_id}-All subjects-0"] = {
        "edited_rows": {row: {"Maths": "Below"}}, "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    app.run()
    app.selectbox(key=f"record-evidence-{class_id}").set_value("Quiz").run()
    next(b for b in app.button if b.label == "Save changes").click().run()
    before = demo_store.value("select count(*) from interventions")

    app.text_input(key="plan-new-below-0-strategy").set_value("Pre-teach fractions")
    app.text_input(key="plan-new-below-0-delivered").set_value("Class teacher")
    next(b for b in app.button if b.label == "Save intervention").click().run()

    assert_no_failure(app)
    saved = demo_store.rows(
        "select pupil_id, subject_id, strategy from interventions order by id desc"
        " limit 1"
    )[0]
    assert demo_store.value("select count(*) from interventions") == before + 1
    assert saved == (
        pupils[row],
        int(statuses[statuses["subject"] == "Maths"]["subject_id"].iloc[0]),
        "Pre-teach fractions",
    )


def test_the_interventions_page_lists_and_compares_a_planned_intervention(demo_store):
    pupil, subject = demo_store.rows(
        "select pupil_id, subject_id from status_changes where status = 'Below'"
        " order by id limit 1"
    )[0]
    head = demo_store.value("select min(id) from staff where role = 'headteacher'")
    plan_intervention(
        demo_store, Scope.everything(), head,
        Plan(pupil, subject, "Booster group", "Ms TA", date(2026, 11, 2),
             date(2026, 12, 1)),
        ACADEMIC_YEAR,
    )  # fmt: skip

    app = open_page(signed_in_app(demo_store, "headteacher"),
                    "pages/leaders/interventions.py")  # fmt: skip

    strategies = [
        value for frame in app.dataframe for value in
        (frame.value["Strategy"].tolist() if "Strategy" in frame.value else [])
    ]  # fmt: skip
    assert "Booster group" in strategies
    impact = next(f.value for f in app.dataframe if "Compared at" in f.value)
    assert "Now (live)" in impact["Compared at"].tolist()


def test_erasing_a_pupil_removes_their_interventions_reviews_and_actions(store, school):
    everything = Scope.everything()
    amy = school["pupils"]["Amy"]
    amys = plan_intervention(
        store, everything, school["teacher"], plan_for(school, "Amy"), ACADEMIC_YEAR
    )
    review_intervention(
        store, everything, school["teacher"], amys, "worked", None, DECEMBER
    )
    record_action(
        store, everything, school["teacher"], amy, None, "Meet", ACADEMIC_YEAR
    )
    plan_intervention(
        store, everything, school["teacher"], plan_for(school, "Ben"), ACADEMIC_YEAR
    )

    result = erase_pupil(store, everything, school["teacher"], amy)

    assert result.rows["interventions"] == 1
    assert result.rows["intervention_reviews"] == 1
    assert result.rows["pupil_actions"] == 1
    assert load_interventions(store, everything)["pupil"].tolist() == ["Ben Brown"]
