from datetime import UTC, datetime

from livetrack.scope import Scope
from livetrack.store.statuses import (
    StatusChange,
    append_status_changes,
    count_statuses,
    load_class_statuses,
    status_totals,
)
from tests.conftest import ACADEMIC_YEAR


def change(school, pupil, subject, status, seen=None):
    return StatusChange(
        school["pupils"][pupil], school["subjects"][subject], status, "Quiz", None, seen
    )


def test_every_status_reads_on_until_changed(store, school):
    grid = load_class_statuses(
        store, Scope.everything(), school["classes"]["3A"], ACADEMIC_YEAR
    )
    assert len(grid) == 8
    assert set(grid["status"]) == {"On"}
    assert grid["changed_by"].isna().all()


def test_only_subjects_tracked_for_the_year_group_appear(store, school):
    grid = load_class_statuses(
        store, Scope.everything(), school["classes"]["4B"], ACADEMIC_YEAR
    )
    assert sorted(grid["subject"].unique()) == ["French", "Maths", "Reading"]
    assert len(grid) == 6, "Gus has left, so only Eve and Finn count"


def test_the_latest_change_is_the_status_and_the_log_keeps_both(store, school):
    teacher = school["teacher"]
    append_status_changes(
        store, [change(school, "Amy", "Maths", "Below")], ACADEMIC_YEAR, teacher
    )
    append_status_changes(
        store, [change(school, "Amy", "Maths", "Above")], ACADEMIC_YEAR, teacher
    )

    grid = load_class_statuses(
        store, Scope.everything(), school["classes"]["3A"], ACADEMIC_YEAR
    )
    amy_maths = grid[(grid["first_name"] == "Amy") & (grid["subject"] == "Maths")].iloc[
        0
    ]
    assert amy_maths["status"] == "Above"
    assert amy_maths["changed_by"] == "Ms Teacher"
    assert store.value("select count(*) from status_changes") == 2


def test_changes_from_another_year_do_not_carry_over(store, school):
    append_status_changes(
        store, [change(school, "Amy", "Maths", "Below")], "2025-26", school["teacher"]
    )
    assert status_totals(store, Scope.everything(), ACADEMIC_YEAR)["Below"] == 0


def test_counts_by_subject_add_up_by_hand(store, school):
    changes = [
        change(school, "Amy", "Maths", "Below"),
        change(school, "Ben", "Maths", "Below"),
        change(school, "Eve", "Maths", "Above"),
        change(school, "Finn", "French", "Below"),
    ]
    append_status_changes(store, changes, ACADEMIC_YEAR, school["teacher"])

    counts = count_statuses(store, Scope.everything(), ACADEMIC_YEAR, "subject")
    maths = counts.set_index("subject").loc["Maths"]
    assert (maths["above"], maths["on"], maths["below"], maths["total"]) == (1, 3, 2, 6)
    french = counts.set_index("subject").loc["French"]
    assert (french["on"], french["below"], french["total"]) == (1, 1, 2)
    assert status_totals(store, Scope.everything(), ACADEMIC_YEAR) == {
        "Above": 1, "On": 10, "Below": 3,
    }  # fmt: skip


def test_counts_as_at_an_earlier_moment_ignore_later_changes(store, school):
    append_status_changes(
        store,
        [change(school, "Amy", "Maths", "Below")],
        ACADEMIC_YEAR,
        school["teacher"],
    )
    earlier = datetime(2026, 1, 1, tzinfo=UTC)
    counts = count_statuses(
        store, Scope.everything(), ACADEMIC_YEAR, "school", as_at=earlier
    )
    assert counts.loc[0, "below"] == 0


def test_scope_limits_what_is_read(store, school):
    only_4b = Scope(class_ids=frozenset({school["classes"]["4B"]}))
    counts = count_statuses(store, only_4b, ACADEMIC_YEAR, "year_group")
    assert counts["year_group"].tolist() == [4]
    assert counts["total"].tolist() == [6]
    grid = load_class_statuses(store, only_4b, school["classes"]["3A"], ACADEMIC_YEAR)
    assert grid.empty
