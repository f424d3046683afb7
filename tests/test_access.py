"""Every role, trying to read and write outside its scope, through the storage layer."""

from datetime import UTC, datetime

import pytest

from livetrack import access
from livetrack.access import Person, scope_for
from livetrack.errors import InvalidChange, NotAllowed
from livetrack.filters import Filters
from livetrack.scope import Scope
from livetrack.store.audit import load_audit
from livetrack.store.figures import count_facts, live_source, roll_up_pupils
from livetrack.store.people import load_people
from livetrack.store.pupils import load_pupils
from livetrack.store.reviews import confirm_reviewed
from livetrack.store.schools import create_school, load_schools
from livetrack.store.statuses import StatusChange, load_class_statuses
from livetrack.tracking import save_status_changes
from tests.conftest import ACADEMIC_YEAR, TODAY

AS_AT = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)


def person(school, role, **area) -> Person:
    return Person(1, "Someone", "someone@test.invalid", role, school["id"], **area)


def statuses_seen(store, scope) -> int:
    facts = live_source(scope, ACADEMIC_YEAR, AS_AT)
    return int(count_facts(store, facts, Filters()).iloc[0]["total"])


def change(school, pupil="Eve", subject="Maths") -> StatusChange:
    return StatusChange(
        school["pupils"][pupil],
        school["subjects"][subject],
        "Below",
        "Quiz",
        None,
        None,
    )


@pytest.fixture
def second_school(store, school):
    with store.transaction() as cursor:
        return create_school(cursor, "Other Primary", 201, 2002)


def test_a_teacher_sees_and_changes_only_their_class(store, school):
    teacher = scope_for(
        person(school, access.TEACHER, class_ids=frozenset({school["classes"]["3A"]}))
    )
    assert statuses_seen(store, teacher) == 8
    assert load_class_statuses(
        store, teacher, school["classes"]["4B"], ACADEMIC_YEAR
    ).empty
    with pytest.raises(NotAllowed):
        save_status_changes(
            store, teacher, 1, [change(school, "Eve")], ACADEMIC_YEAR, TODAY
        )
    with pytest.raises(InvalidChange):
        confirm_reviewed(
            store, teacher, 1, school["classes"]["4B"],
            [school["subjects"]["Maths"]], ACADEMIC_YEAR,
        )  # fmt: skip


def test_a_subject_lead_reads_their_subject_and_changes_nothing(store, school):
    lead = scope_for(
        person(school, access.SUBJECT_LEAD,
               subject_ids=frozenset({school["subjects"]["Maths"]}))
    )  # fmt: skip
    assert statuses_seen(store, lead) == 6
    with pytest.raises(NotAllowed):
        save_status_changes(store, lead, 1, [change(school)], ACADEMIC_YEAR, TODAY)
    with pytest.raises(NotAllowed):
        confirm_reviewed(
            store, lead, 1, school["classes"]["3A"],
            [school["subjects"]["Maths"]], ACADEMIC_YEAR,
        )  # fmt: skip


def test_a_phase_lead_reads_their_year_groups(store, school):
    lead = scope_for(person(school, access.PHASE_LEAD, year_groups=frozenset({4})))
    assert statuses_seen(store, lead) == 6
    pupils = load_pupils(store, lead, school["id"])
    assert set(pupils["year_group"]) == {4}


def test_a_governor_gets_figures_and_never_a_pupil(store, school):
    governor = scope_for(person(school, access.GOVERNOR))
    assert statuses_seen(store, governor) == 14
    facts = live_source(governor, ACADEMIC_YEAR, AS_AT)
    for read in (
        lambda: roll_up_pupils(store, governor, facts, Filters()),
        lambda: load_class_statuses(
            store, governor, school["classes"]["3A"], ACADEMIC_YEAR
        ),
        lambda: load_pupils(store, governor, school["id"]),
    ):
        with pytest.raises(NotAllowed):
            read()
    with pytest.raises(NotAllowed):
        save_status_changes(store, governor, 1, [change(school)], ACADEMIC_YEAR, TODAY)


def test_a_headteacher_sees_their_school_and_not_another(store, school, second_school):
    head = scope_for(person(school, access.HEADTEACHER))
    assert load_schools(store, head)["id"].tolist() == [school["id"]]
    with pytest.raises(NotAllowed):
        head.within_school(second_school)
    assert statuses_seen(store, head) == 14
    assert not head.can_record


def test_a_trust_leader_sees_every_school(store, school, second_school):
    leader = scope_for(
        Person(2, "Trust", "trust@test.invalid", access.TRUST_LEADER, None)
    )
    assert set(load_schools(store, leader)["id"]) == {school["id"], second_school}


def test_only_an_admin_reads_the_audit_log_and_the_people(store, school):
    for role in access.CAPABILITIES:
        scope = scope_for(person(school, role))
        if role == access.ADMIN:
            assert load_audit(store, scope).empty
            assert len(load_people(store, scope, school["id"])) == 1
            continue
        with pytest.raises(NotAllowed):
            load_audit(store, scope)
        with pytest.raises(NotAllowed):
            load_people(store, scope, school["id"])


def test_nobody_signed_in_reaches_nothing(store, school):
    nothing = Scope.nothing()
    assert statuses_seen(store, nothing) == 0
    assert load_schools(store, nothing).empty
    with pytest.raises(NotAllowed):
        load_pupils(store, nothing, school["id"])


@pytest.mark.parametrize("role", list(access.CAPABILITIES))
def test_only_a_teacher_may_record(store, school, role):
    assert scope_for(person(school, role)).can_record == (role == access.TEACHER)
