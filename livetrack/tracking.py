"""The rules of the live tracking policy: who may change what, and when.

Every status starts as On from the week-4 start of tracking; teachers change a
status only by exception, from evidence, and every change says who and when.
"""

from dataclasses import dataclass, field
from datetime import date

from livetrack.domain import EVIDENCE_TYPES, NOTE_MAX_CHARACTERS, STATUSES
from livetrack.errors import InvalidChange, NotAllowed, TrackingNotStarted
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.schools import load_tracking_start
from livetrack.store.statuses import (
    Conflict,
    StatusChange,
    append_status_changes,
    find_conflicts,
    load_cells_in_scope,
)


@dataclass(frozen=True)
class SaveResult:
    """What a save did: how many changes it wrote, and which it held back."""

    saved: int
    conflicts: list[Conflict] = field(default_factory=list)


def check_tracking_started(
    store: Store, school_id: int, academic_year: str, today: date
):
    """Raise TrackingNotStarted before the school's start of live tracking."""
    starts_on = load_tracking_start(store, school_id, academic_year)
    if starts_on is None or today < starts_on:
        when = (
            f" on {starts_on:%A %-d %B %Y}" if starts_on else " once its dates are set"
        )
        raise TrackingNotStarted(f"Live tracking for {academic_year} starts{when}.")


def validate_change(change: StatusChange) -> None:
    """Raise InvalidChange for a status, evidence or note the policy does not allow."""
    if change.status not in STATUSES:
        raise InvalidChange(
            f'"{change.status}" is not a status: use Above, On or Below.'
        )
    if change.evidence not in EVIDENCE_TYPES:
        raise InvalidChange(
            "Every change needs its evidence: choose one of "
            + ", ".join(EVIDENCE_TYPES)
            + "."
        )
    if change.note and len(change.note) > NOTE_MAX_CHARACTERS:
        raise InvalidChange(
            f"A note can be at most {NOTE_MAX_CHARACTERS} characters; "
            f"this one has {len(change.note)}."
        )


def save_status_changes(
    store: Store,
    scope: Scope,
    staff_id: int,
    changes: list[StatusChange],
    academic_year: str,
    today: date,
    overwrite: bool = False,
) -> SaveResult:
    """Check and append a teacher's changes; hold back any someone else got to first.

    With `overwrite`, the teacher has seen the other person's change and
    chosen to record theirs on top of it.
    """
    if not changes:
        return SaveResult(saved=0)
    if not scope.can_record:
        raise NotAllowed("Your role can read statuses but not change them.")
    for change in changes:
        validate_change(change)
    school_id = _check_in_scope(store, scope, changes, academic_year)
    check_tracking_started(store, school_id, academic_year, today)

    conflicts = [] if overwrite else find_conflicts(store, changes, academic_year)
    held_back = {(c.change.pupil_id, c.change.subject_id) for c in conflicts}
    to_save = [c for c in changes if (c.pupil_id, c.subject_id) not in held_back]
    saved = (
        append_status_changes(store, to_save, academic_year, staff_id) if to_save else 0
    )
    return SaveResult(saved=saved, conflicts=conflicts)


def _check_in_scope(
    store: Store, scope: Scope, changes: list[StatusChange], academic_year: str
) -> int:
    """The one school the changes belong to; NotAllowed if any cell is out of reach."""
    cells = {(c.pupil_id, c.subject_id) for c in changes}
    found = load_cells_in_scope(store, scope, sorted(cells), academic_year)
    if len(found) != len(cells):
        raise NotAllowed(
            "Some of these pupils or subjects are not yours to change, or the pupil "
            "no longer takes that subject. Nothing was saved."
        )
    schools = found["school_id"].unique()
    if len(schools) != 1:
        raise InvalidChange("Save one school's changes at a time.")
    return int(schools[0])
