"""Roles: who each person is, what their role lets them reach, and which pages they get.

The scope a role gives is the only way the storage layer learns what a
person may read or change; the pages a role gets only decide the menu.
"""

from dataclasses import dataclass

from livetrack.domain import ROLE_NAMES
from livetrack.scope import Scope

TEACHER = "teacher"
SUBJECT_LEAD = "subject_lead"
PHASE_LEAD = "phase_lead"
SENCO = "senco"
HEADTEACHER = "headteacher"
SLT = "slt"
TRUST_LEADER = "trust_leader"
GOVERNOR = "governor"
ADMIN = "admin"

# What a role lets a person do, named for the pages that need it.
RECORD = "record"  # change their classes' statuses
FIGURES = "figures"  # read shares and trends
PUPILS = "pupils"  # read individual pupils
PLAN = "plan"  # record interventions and meeting actions
SNAPSHOTS = "snapshots"  # take or replace a half-term's snapshot
TRUST = "trust"  # see every school side by side
ADMINISTER = "administer"  # imports, calendar, people, audit

CAPABILITIES = {
    TEACHER: {RECORD, FIGURES, PUPILS, PLAN},
    SUBJECT_LEAD: {FIGURES, PUPILS},
    PHASE_LEAD: {FIGURES, PUPILS},
    SENCO: {FIGURES, PUPILS, PLAN},
    HEADTEACHER: {FIGURES, PUPILS, PLAN, SNAPSHOTS},
    SLT: {FIGURES, PUPILS, PLAN, SNAPSHOTS},
    TRUST_LEADER: {FIGURES, PUPILS, TRUST},
    GOVERNOR: {FIGURES},
    ADMIN: {PUPILS, SNAPSHOTS, ADMINISTER},
}

WHAT_EACH_ROLE_SEES = {
    TEACHER: "their own classes; changes their classes' statuses",
    SUBJECT_LEAD: "their subjects across the school, read only",
    PHASE_LEAD: "their year groups across the school, read only",
    SENCO: "every pupil of the school, with SEND detail",
    HEADTEACHER: "the whole school",
    SLT: "the whole school",
    TRUST_LEADER: "every school in the trust",
    GOVERNOR: "figures for groups only, never a pupil",
    ADMIN: "imports, the calendar, people and the audit log",
}


@dataclass(frozen=True)
class Person:
    """A member of staff as LiveTrack knows them, with their area."""

    id: int
    name: str
    email: str
    role: str
    school_id: int | None
    class_ids: frozenset[int] = frozenset()
    subject_ids: frozenset[int] = frozenset()
    year_groups: frozenset[int] = frozenset()

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]

    def can(self, capability: str) -> bool:
        return capability in CAPABILITIES[self.role]


def scope_for(person: Person) -> Scope:
    """Everything a person's role lets them reach, as the storage layer enforces it."""
    school = None if person.role == TRUST_LEADER else frozenset({person.school_id})
    return Scope(
        school_ids=school,
        class_ids=person.class_ids if person.role == TEACHER else None,
        subject_ids=person.subject_ids if person.role == SUBJECT_LEAD else None,
        year_groups=person.year_groups if person.role == PHASE_LEAD else None,
        pupil_rows=person.can(PUPILS),
        names_visible=person.can(PUPILS),
        send_detail=person.role in (SENCO, HEADTEACHER, SLT, TRUST_LEADER),
        can_record=person.can(RECORD),
        can_plan=person.can(PLAN),
        can_administer=person.can(ADMINISTER),
    )
