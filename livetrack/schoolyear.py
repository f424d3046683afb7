"""The school year as an admin runs it: the calendar's dates and the new year.

Plain Python over the Store: the School page and the command line call the
same functions, which check the person's scope, validate in plain words,
write in one transaction and record the change in the audit log.
"""

import logging
import time
from dataclasses import dataclass, replace
from datetime import date

from livetrack.calendar import (
    HALF_TERM_NAMES,
    HalfTerm,
    calendar_problems,
    default_half_terms,
    default_tracking_start,
)
from livetrack.errors import InvalidInput, NotAllowed
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.audit import CALENDAR_CHANGED, record_event
from livetrack.store.schools import (
    load_half_terms,
    load_tracking_start,
    save_academic_year,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SchoolCalendar:
    """One school's dates for one academic year; `saved` False means defaults."""

    academic_year: str
    half_terms: list[HalfTerm]
    tracking_start: date
    saved: bool


def load_calendar(store: Store, school_id: int, academic_year: str) -> SchoolCalendar:
    """The school's dates for a year, or England's defaults where none are saved."""
    half_terms = load_half_terms(store, school_id, academic_year)
    tracking_start = load_tracking_start(store, school_id, academic_year)
    if tracking_start is None or len(half_terms) != len(HALF_TERM_NAMES):
        return SchoolCalendar(
            academic_year,
            default_half_terms(academic_year),
            default_tracking_start(academic_year),
            saved=False,
        )
    return SchoolCalendar(academic_year, half_terms, tracking_start, saved=True)


def _require_admin_of(scope: Scope, school_id: int) -> None:
    scope.require_administer()
    if not scope.allows_school(school_id):
        raise NotAllowed("That school is not one you can set up.")


def save_calendar(
    store: Store,
    scope: Scope,
    staff_id: int | None,
    school_id: int,
    calendar: SchoolCalendar,
) -> SchoolCalendar:
    """Check a year's dates and save them; InvalidInput says what is wrong."""
    _require_admin_of(scope, school_id)
    started = time.perf_counter()
    problems = calendar_problems(
        calendar.academic_year, calendar.half_terms, calendar.tracking_start
    )
    if problems:
        raise InvalidInput("The dates were not saved. " + " ".join(problems))
    before = load_calendar(store, school_id, calendar.academic_year)
    with store.transaction() as cursor:
        save_academic_year(
            cursor,
            school_id,
            calendar.academic_year,
            calendar.tracking_start,
            calendar.half_terms,
        )
        record_event(
            cursor, staff_id, school_id, CALENDAR_CHANGED,
            academic_year=calendar.academic_year,
            **_differences(before, calendar),
        )  # fmt: skip
    log.info(
        "saved the %s calendar of school %d in %.0f ms",
        calendar.academic_year, school_id, (time.perf_counter() - started) * 1000,
    )  # fmt: skip
    return replace(calendar, saved=True)


def _differences(before: SchoolCalendar, after: SchoolCalendar) -> dict:
    """What a save changed, for the audit log: dates only, no personal data."""
    was = {h.code: h for h in before.half_terms}
    changed = {
        h.code: [str(h.starts_on), str(h.ends_on)]
        for h in after.half_terms
        if not before.saved
        or (was[h.code].starts_on, was[h.code].ends_on) != (h.starts_on, h.ends_on)
    }
    details = {"half_terms": changed, "first_saved": not before.saved}
    if not before.saved or before.tracking_start != after.tracking_start:
        details["tracking_start"] = str(after.tracking_start)
    return details


def change_calendar(
    store: Store,
    scope: Scope,
    staff_id: int | None,
    school_id: int,
    academic_year: str,
    tracking_start: date | None = None,
    half_term: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> SchoolCalendar:
    """Change some of a year's dates (the rest as they are, or England's defaults)."""
    calendar = load_calendar(store, school_id, academic_year)
    if half_term is not None:
        if half_term not in HALF_TERM_NAMES:
            raise InvalidInput(
                f'"{half_term}" is not a half-term: use one of '
                + ", ".join(HALF_TERM_NAMES)
                + "."
            )
        calendar = replace(
            calendar,
            half_terms=[
                replace(
                    h,
                    starts_on=starts_on or h.starts_on,
                    ends_on=ends_on or h.ends_on,
                )
                if h.code == half_term
                else h
                for h in calendar.half_terms
            ],
        )
    elif starts_on or ends_on:
        raise InvalidInput("Say which half-term the dates are for, with --half-term.")
    if tracking_start is not None:
        calendar = replace(calendar, tracking_start=tracking_start)
    return save_calendar(store, scope, staff_id, school_id, calendar)
