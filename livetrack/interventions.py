"""Interventions and agreed actions: checked whole, written with their audit, or not.

The policy says a pupil Below "will receive extra in-class intervention".
An intervention names its strategy, who delivers it, when it starts and when
it is reviewed; a review records whether it worked. Nothing is updated in
place: a second review of the same intervention is a new row, the latest wins.
"""

import logging
import time
from dataclasses import dataclass
from datetime import date

from livetrack.calendar import first_calendar_year
from livetrack.domain import NOTE_MAX_CHARACTERS
from livetrack.errors import InvalidInput, NotAllowed
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.audit import (
    ACTION_RECORDED,
    INTERVENTION_PLANNED,
    INTERVENTION_REVIEWED,
    record_event,
)
from livetrack.store.interventions import (
    insert_action,
    insert_intervention,
    insert_review,
    load_interventions,
    pupil_school,
    subject_for_pupil,
)
from livetrack.store.schools import load_half_terms

log = logging.getLogger(__name__)

STRATEGY_MAX_CHARACTERS = 200
DELIVERED_BY_MAX_CHARACTERS = 80

OUTCOMES = {"worked": "Worked", "partly": "Partly", "not_yet": "Not yet"}


@dataclass(frozen=True)
class Plan:
    """An intervention as a form gives it; `subject_id` None for no one subject."""

    pupil_id: int
    subject_id: int | None
    strategy: str
    delivered_by: str
    starts_on: date
    review_on: date


def school_year_bounds(store: Store, school_id: int, academic_year: str):
    """The first and last school day of the year (1 Sep to 31 Jul without dates)."""
    half_terms = load_half_terms(store, school_id, academic_year)
    if half_terms:
        return half_terms[0].starts_on, max(h.ends_on for h in half_terms)
    first = first_calendar_year(academic_year)
    return date(first, 9, 1), date(first + 1, 7, 31)


def require_plan(scope: Scope) -> None:
    if not scope.can_plan:
        raise NotAllowed("Your role can read interventions but not record them.")


def _text(value: str | None, what: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(f"Say {what}.")
    if len(text) > limit:
        raise InvalidInput(
            f"The {what} can be at most {limit} characters; this has {len(text)}."
        )
    return text


def _school_and_subject(store, scope, pupil_id: int, subject_id: int | None) -> int:
    school_id = pupil_school(store, scope, pupil_id)
    if school_id is None:
        raise NotAllowed("This pupil is not yours to see. Nothing was saved.")
    if subject_id is not None and not subject_for_pupil(
        store, scope, pupil_id, subject_id
    ):
        raise InvalidInput(
            "That subject is not tracked for this pupil, or not one of yours."
        )
    return school_id


def check_plan(store: Store, scope: Scope, plan: Plan, academic_year: str) -> dict:
    """The plan as a row to write; InvalidInput or NotAllowed for what cannot be."""
    require_plan(scope)
    school_id = _school_and_subject(store, scope, plan.pupil_id, plan.subject_id)
    strategy = _text(plan.strategy, "the strategy", STRATEGY_MAX_CHARACTERS)
    delivered_by = _text(
        plan.delivered_by, "who delivers it", DELIVERED_BY_MAX_CHARACTERS
    )
    first, last = school_year_bounds(store, school_id, academic_year)
    for day, what in ((plan.starts_on, "start"), (plan.review_on, "review")):
        if not first <= day <= last:
            raise InvalidInput(
                f"The {what} date must fall in the school year {academic_year} "
                f"({first:%-d %B %Y} to {last:%-d %B %Y})."
            )
    if plan.review_on < plan.starts_on:
        raise InvalidInput("The review date cannot be before the start date.")
    return {
        "school_id": school_id, "pupil_id": plan.pupil_id,
        "subject_id": plan.subject_id, "academic_year": academic_year,
        "strategy": strategy, "delivered_by": delivered_by,
        "starts_on": plan.starts_on, "review_on": plan.review_on,
    }  # fmt: skip


def plan_interventions(
    store: Store, scope: Scope, staff_id: int, plans: list[Plan], academic_year: str
) -> list[int]:
    """Check every plan, then write them all with their audit in one transaction."""
    started = time.perf_counter()
    rows = [check_plan(store, scope, plan, academic_year) for plan in plans]
    with store.transaction() as cursor:
        ids = [insert_intervention(cursor, {**row, "recorded_by": staff_id})
               for row in rows]  # fmt: skip
        for row, intervention_id in zip(rows, ids):
            record_event(
                cursor, staff_id, row["school_id"], INTERVENTION_PLANNED,
                intervention_id=intervention_id, pupil_id=row["pupil_id"],
                subject_id=row["subject_id"],
            )  # fmt: skip
    log.info(
        "planned %d interventions in %.0f ms",
        len(ids), (time.perf_counter() - started) * 1000,
    )  # fmt: skip
    return ids


def plan_intervention(
    store: Store, scope: Scope, staff_id: int, plan: Plan, academic_year: str
) -> int:
    """Write one intervention; returns its id."""
    return plan_interventions(store, scope, staff_id, [plan], academic_year)[0]


def review_intervention(
    store: Store,
    scope: Scope,
    staff_id: int,
    intervention_id: int,
    outcome: str,
    note: str | None,
    reviewed_on: date,
) -> int:
    """Record an intervention's outcome (worked, partly, not yet) with a note."""
    started = time.perf_counter()
    require_plan(scope)
    found = load_interventions(store, scope, intervention_id=intervention_id)
    if found.empty:
        raise NotAllowed("This intervention is not yours to see. Nothing was saved.")
    if outcome not in OUTCOMES:
        raise InvalidInput("Choose an outcome: worked, partly or not yet.")
    note = _text(note, "note", NOTE_MAX_CHARACTERS, required=False)
    intervention = found.iloc[0]
    if reviewed_on < intervention["starts_on"].date():
        raise InvalidInput("The review cannot be before the intervention started.")
    with store.transaction() as cursor:
        review_id = insert_review(cursor, {
            "intervention_id": intervention_id,
            "pupil_id": int(intervention["pupil_id"]), "outcome": outcome,
            "note": note or None, "reviewed_on": reviewed_on,
            "recorded_by": staff_id,
        })  # fmt: skip
        record_event(
            cursor, staff_id, int(intervention["school_id"]), INTERVENTION_REVIEWED,
            intervention_id=intervention_id, outcome=outcome,
        )  # fmt: skip
    log.info(
        "reviewed 1 intervention in %.0f ms", (time.perf_counter() - started) * 1000
    )
    return review_id


def record_action(
    store: Store,
    scope: Scope,
    staff_id: int,
    pupil_id: int,
    subject_id: int | None,
    note: str,
    academic_year: str,
) -> int:
    """Record an agreed action that is not an intervention, as a note."""
    started = time.perf_counter()
    require_plan(scope)
    school_id = _school_and_subject(store, scope, pupil_id, subject_id)
    note = _text(note, "the action agreed", NOTE_MAX_CHARACTERS)
    with store.transaction() as cursor:
        action_id = insert_action(cursor, {
            "pupil_id": pupil_id, "subject_id": subject_id,
            "academic_year": academic_year, "note": note, "recorded_by": staff_id,
        })  # fmt: skip
        record_event(
            cursor, staff_id, school_id, ACTION_RECORDED,
            action_id=action_id, pupil_id=pupil_id,
        )  # fmt: skip
    log.info("recorded 1 action in %.0f ms", (time.perf_counter() - started) * 1000)
    return action_id


def outcome_label(outcome) -> str:
    """'Worked', 'Partly', 'Not yet', or 'Not reviewed yet' where there is none."""
    return OUTCOMES.get(outcome, "Not reviewed yet")
