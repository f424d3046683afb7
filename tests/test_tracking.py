from datetime import date

import pytest

from livetrack.errors import InvalidChange, NotAllowed, TrackingNotStarted
from livetrack.scope import Scope
from livetrack.store.statuses import StatusChange, load_class_statuses
from livetrack.tracking import save_status_changes
from tests.conftest import ACADEMIC_YEAR, TODAY


def cell(
    school, pupil="Amy", subject="Maths", status="Below", evidence="Quiz", note=None
):
    return StatusChange(
        school["pupils"][pupil],
        school["subjects"][subject],
        status,
        evidence,
        note,
        None,
    )


EVERYTHING = Scope.everything()


def save(store, school, changes, scope=EVERYTHING, today=TODAY, **options):
    return save_status_changes(
        store, scope, school["teacher"], changes, ACADEMIC_YEAR, today, **options
    )


def test_a_valid_change_is_saved_with_its_evidence(store, school):
    result = save(store, school, [cell(school, note="Gaps in column addition")])
    assert result.saved == 1
    row = store.rows("select status, evidence, note, changed_by from status_changes")[0]
    assert row == ("Below", "Quiz", "Gaps in column addition", school["teacher"])


@pytest.mark.parametrize(
    "bad, words",
    [
        ({"status": "Behind"}, "not a status"),
        ({"evidence": None}, "needs its evidence"),
        ({"evidence": "Hunch"}, "needs its evidence"),
        ({"note": "x" * 501}, "at most 500"),
    ],
)
def test_an_invalid_change_is_refused_and_nothing_saved(store, school, bad, words):
    with pytest.raises(InvalidChange, match=words):
        save(store, school, [cell(school, "Ben"), cell(school, **bad)])
    assert store.value("select count(*) from status_changes") == 0


def test_a_teacher_cannot_change_another_class(store, school):
    own_class = Scope(class_ids=frozenset({school["classes"]["3A"]}))
    with pytest.raises(NotAllowed):
        save(store, school, [cell(school, "Amy"), cell(school, "Eve")], scope=own_class)
    assert store.value("select count(*) from status_changes") == 0


def test_a_read_only_role_cannot_save(store, school):
    with pytest.raises(NotAllowed):
        save(store, school, [cell(school)], scope=Scope(can_record=False))


def test_a_subject_not_tracked_for_the_year_group_is_refused(store, school):
    with pytest.raises(NotAllowed):
        save(store, school, [cell(school, "Amy", "French")])


def test_a_leaver_cannot_be_changed(store, school):
    with pytest.raises(NotAllowed):
        save(store, school, [cell(school, "Gus")])


def test_nothing_changes_before_tracking_starts(store, school):
    with pytest.raises(TrackingNotStarted, match="Monday 21 September 2026"):
        save(store, school, [cell(school)], today=date(2026, 9, 18))


def test_someone_elses_later_change_is_shown_not_overwritten(store, school):
    save(store, school, [cell(school, status="Above")])
    stale = cell(school, status="Below")
    other = cell(school, "Ben", status="Below")

    result = save(store, school, [stale, other])

    assert result.saved == 1
    [conflict] = result.conflicts
    assert (conflict.change, conflict.their_status, conflict.their_name) == (
        stale, "Above", "Ms Teacher",
    )  # fmt: skip
    grid = load_class_statuses(
        store, Scope.everything(), school["classes"]["3A"], ACADEMIC_YEAR
    )
    amy = grid[(grid["first_name"] == "Amy") & (grid["subject"] == "Maths")]
    assert amy["status"].item() == "Above"


def test_a_change_based_on_the_latest_row_is_not_a_conflict(store, school):
    save(store, school, [cell(school, status="Above")])
    latest = store.value("select max(id) from status_changes")
    fresh = StatusChange(
        school["pupils"]["Amy"],
        school["subjects"]["Maths"],
        "On",
        "Book look",
        None,
        latest,
    )
    assert save(store, school, [fresh]).conflicts == []


def test_overwrite_records_on_top_of_the_other_change(store, school):
    save(store, school, [cell(school, status="Above")])
    result = save(store, school, [cell(school, status="Below")], overwrite=True)
    assert result.saved == 1
    assert store.value("select count(*) from status_changes") == 2
