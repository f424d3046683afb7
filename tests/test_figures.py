"""Figures over facts on the tiny school, counted by hand: filters, groups, pupils."""

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from livetrack.errors import NotAllowed
from livetrack.filters import Filters
from livetrack.scope import Scope
from livetrack.store.figures import count_facts, live_source, roll_up_pupils
from livetrack.store.pupils import (
    insert_attendance,
    insert_incidents,
    insert_status_history,
)
from tests.conftest import ACADEMIC_YEAR

AS_AT = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
EVERYTHING = Scope.everything()


def live(scope=EVERYTHING):
    return live_source(scope, ACADEMIC_YEAR, AS_AT)


def set_status(store, school, pupil, subject, status):
    """A change recorded the day before AS_AT, so that it counts whenever tests run."""
    change = {
        "pupil_id": school["pupils"][pupil], "subject_id": school["subjects"][subject],
        "academic_year": ACADEMIC_YEAR, "status": status, "evidence": "Quiz",
        "note": None, "changed_by": school["teacher"],
        "changed_at": AS_AT - timedelta(days=1),
    }  # fmt: skip
    with store.transaction() as cursor:
        insert_status_history(cursor, pd.DataFrame([change]))


def test_every_pupil_on_roll_reads_on_in_each_subject_of_their_year(store, school):
    totals = count_facts(store, live(), Filters())
    assert totals.iloc[0][["above", "on", "below", "total", "pupils"]].tolist() == [
        0, 14, 0, 14, 6,
    ]  # fmt: skip


def test_counts_by_year_group_give_statuses_and_pupils(store, school):
    by_year = count_facts(store, live(), Filters(), ["year_group"])
    assert by_year[["year_group", "total", "pupils"]].values.tolist() == [
        [3, 8, 4],
        [4, 6, 2],
    ]


def test_subjects_come_in_the_schools_order(store, school):
    by_subject = count_facts(store, live(), Filters(), ["subject"])
    assert by_subject["subject"].tolist() == ["Reading", "Maths", "French"]
    assert by_subject["total"].tolist() == [6, 6, 2]


def test_a_filter_narrows_to_its_pupils(store, school):
    set_status(store, school, "Amy", "Maths", "Below")
    set_status(store, school, "Cara", "Reading", "Above")

    pp = count_facts(store, live(), Filters(pupil_premium=True)).iloc[0]
    assert (pp["below"], pp["above"], pp["total"], pp["pupils"]) == (1, 1, 4, 2)
    support = count_facts(store, live(), Filters(send=("K", "E"))).iloc[0]
    assert (support["below"], support["total"], support["pupils"]) == (1, 5, 2)
    boys_in_maths = count_facts(
        store, live(), Filters(sex=("M",), subject_ids=(school["subjects"]["Maths"],))
    ).iloc[0]
    assert (boys_in_maths["total"], boys_in_maths["below"]) == (3, 0)


def test_attendance_and_behaviour_bands_follow_their_thresholds(store, school):
    pupils = school["pupils"]
    with store.transaction() as cursor:
        insert_attendance(cursor, pd.DataFrame([
            attendance(pupils["Amy"], 76, 68),  # 89.5%: persistent absence
            attendance(pupils["Ben"], 76, 38),  # 50.0%: severe
            attendance(pupils["Cara"], 76, 72),  # 94.7%
            attendance(pupils["Dev"], 76, 76),  # 100%
        ]))  # fmt: skip
        insert_incidents(cursor, pd.DataFrame([
            incident(pupils["Ben"], date(2026, 11, 20)),
            incident(pupils["Ben"], date(2026, 11, 25)),
            incident(pupils["Ben"], date(2026, 12, 1)),
            incident(pupils["Cara"], date(2026, 11, 30)),
            incident(pupils["Cara"], date(2026, 9, 20)),  # before the six weeks
        ]))  # fmt: skip

    bands = count_facts(store, live(), Filters(), ["attendance_band"])
    assert dict(zip(bands["attendance_band"], bands["pupils"])) == {
        "persistent": 1, "severe": 1, "90_to_96": 1, "96_plus": 1, "unknown": 2,
    }  # fmt: skip
    behaviour = count_facts(store, live(), Filters(), ["behaviour_band"])
    assert dict(zip(behaviour["behaviour_band"], behaviour["pupils"])) == {
        "frequent": 1, "some": 1, "none": 4,
    }  # fmt: skip
    severe = count_facts(store, live(), Filters(attendance_band=("severe",))).iloc[0]
    assert severe["pupils"] == 1


def attendance(pupil_id, possible, attended):
    return {
        "pupil_id": pupil_id, "starts_on": date(2026, 9, 2),
        "ends_on": date(2026, 10, 23), "sessions_possible": possible,
        "sessions_attended": attended, "sessions_authorised": possible - attended,
        "sessions_unauthorised": 0,
    }  # fmt: skip


def incident(pupil_id, day):
    return {
        "pupil_id": pupil_id, "occurred_on": day, "kind": "negative",
        "category": "Disruption", "points": -1,
    }  # fmt: skip


def test_pupils_roll_up_with_their_subjects_below(store, school):
    set_status(store, school, "Amy", "Maths", "Below")
    set_status(store, school, "Amy", "Reading", "Below")
    set_status(store, school, "Eve", "French", "Above")

    pupils = roll_up_pupils(store, EVERYTHING, live(), Filters()).set_index(
        "first_name"
    )
    assert list(pupils.loc["Amy", "below_subjects"]) == ["Reading", "Maths"]
    assert (pupils.loc["Amy", "below"], pupils.loc["Amy", "subjects"]) == (2, 2)
    assert list(pupils.loc["Eve", "above_subjects"]) == ["French"]
    below = roll_up_pupils(store, EVERYTHING, live(), Filters(), status="Below")
    assert below["first_name"].tolist() == ["Amy"]


def test_a_teachers_scope_reaches_only_their_class(store, school):
    own = Scope(class_ids=frozenset({school["classes"]["3A"]}))
    totals = count_facts(store, live(own), Filters()).iloc[0]
    assert (totals["total"], totals["pupils"]) == (8, 4)
    asked_for_4b = Filters(class_ids=(school["classes"]["4B"],))
    assert count_facts(store, live(own), asked_for_4b).iloc[0]["total"] == 0


def test_names_and_needs_stay_hidden_where_the_scope_says(store, school):
    hidden = Scope(names_visible=False, send_detail=False)
    pupils = roll_up_pupils(store, hidden, live(hidden), Filters())
    assert pupils["first_name"].isna().all()
    assert pupils["primary_need"].isna().all()


def test_a_governor_never_gets_a_pupil_row(store, school):
    governor = Scope(pupil_rows=False, names_visible=False)
    with pytest.raises(NotAllowed):
        roll_up_pupils(store, governor, live(governor), Filters())
    assert count_facts(store, live(governor), Filters()).iloc[0]["total"] == 14


def test_a_half_term_inside_a_year_to_date_row_is_not_counted_twice(store, school):
    amy = school["pupils"]["Amy"]
    autumn_1 = attendance(amy, 76, 60)
    to_date = {**attendance(amy, 120, 108), "ends_on": date(2026, 12, 2)}
    with store.transaction() as cursor:
        insert_attendance(cursor, pd.DataFrame([autumn_1, to_date]))
    pupils = roll_up_pupils(store, EVERYTHING, live(), Filters()).set_index(
        "first_name"
    )
    assert pupils.loc["Amy", "attendance_percent"] == 90.0
