"""The school year as an admin runs it: the calendar's dates and the new year.

Plain Python over the Store: the School page and the command line call the
same functions, which check the person's scope, validate in plain words,
write in one transaction and record the change in the audit log.
"""

import logging
import re
import time
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from livetrack.calendar import (
    HALF_TERM_NAMES,
    HalfTerm,
    academic_year_of,
    calendar_problems,
    default_half_terms,
    default_tracking_start,
    next_academic_year,
    previous_academic_year,
)
from livetrack.errors import InvalidInput, NotAllowed
from livetrack.scope import Scope
from livetrack.snapshots import take_due_snapshots
from livetrack.store import Store
from livetrack.store.audit import CALENDAR_CHANGED, NEW_YEAR, record_event
from livetrack.store.schools import (
    ensure_class,
    load_half_terms,
    load_tracking_start,
    save_academic_year,
)
from livetrack.store.schoolyear import (
    count_status_changes,
    load_class_years,
    load_new_year_event,
    load_roll_by_class,
    move_pupils_up,
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


# --- A new academic year ---

# A class named by its year group, as most primaries name them: "3A", "RB",
# "Y4", "Year 5 Oak". The year is followed by nothing, one capital letter,
# or a space or hyphen and more; "Reception" or "Oak" are not named by year.
CLASS_NAMED_BY_YEAR = re.compile(r"^(Year ?|Y)?(R|[1-5])([A-Z]?|[ -].*)$")
LAST_YEAR_GROUP = 6


@dataclass(frozen=True)
class NewYearPlan:
    """What starting a new academic year will do to one school, before it does it."""

    school_id: int
    from_year: str
    to_year: str
    leaves_on: date  # Year 6 are on roll until the day before
    moving_up: int
    leaving: int
    class_moves: dict[str, str]  # this year's class name: next year's
    classes_kept: list[str]  # not named by year: pupils stay, the roster sorts them

    def describe(self) -> str:
        moves = ", ".join(f"{old} to {new}" for old, new in self.class_moves.items())
        kept = (
            f" Classes not named by year ({', '.join(self.classes_kept)}) keep their "
            "pupils until the next roster import places them."
            if self.classes_kept
            else ""
        )
        return (
            f"{self.moving_up} pupils move up a year group ({moves or 'no classes'})"
            f" and {self.leaving} in Year 6 are marked as left on"
            f" {self.leaves_on:%-d %B %Y}; nobody is deleted.{kept} The"
            f" {self.to_year} statuses all start at On when live tracking starts."
        )


def next_class_name(name: str) -> str | None:
    """The class a class's pupils move up to ('3A' to '4A'), or None if not by year."""
    found = CLASS_NAMED_BY_YEAR.match(name)
    if found is None:
        return None
    prefix, year, rest = found.groups()
    return f"{prefix or ''}{1 if year == 'R' else int(year) + 1}{rest}"


def plan_new_year(store: Store, school_id: int, today: date) -> NewYearPlan:
    """What the next new year would do; InvalidInput says why it cannot start now."""
    from_year, to_year = _years_to_turn(store, school_id, today)
    _refuse_if_started(store, school_id, to_year, today)
    leaves_on = load_calendar(store, school_id, from_year).half_terms[-1].ends_on
    roll = load_roll_by_class(store, school_id)
    moving = roll[roll["year_group"] < LAST_YEAR_GROUP]
    moves, kept = {}, []
    for name in dict.fromkeys(moving["class_name"]):
        new_name = next_class_name(name)
        if new_name is None:
            kept.append(name)
        else:
            moves[name] = new_name
    return NewYearPlan(
        school_id, from_year, to_year, leaves_on + timedelta(days=1),
        int(moving["pupils"].sum()),
        int(roll.loc[roll["year_group"] >= LAST_YEAR_GROUP, "pupils"].sum()),
        moves, kept,
    )  # fmt: skip


def _years_to_turn(store: Store, school_id: int, today: date) -> tuple[str, str]:
    """The year ending and the year starting: after Summer 2, the next one begins."""
    this_year = academic_year_of(today)
    summer_2 = load_calendar(store, school_id, this_year).half_terms[-1]
    if today > summer_2.ends_on:
        return this_year, next_academic_year(this_year)
    return previous_academic_year(this_year), this_year


def _refuse_if_started(store: Store, school_id: int, to_year: str, today) -> None:
    started = load_new_year_event(store, school_id, to_year)
    if started is not None:
        raise InvalidInput(
            f"The {to_year} school year was started on {started:%-d %B %Y}. "
            "A new year is started once; the pupils have already moved up."
        )
    calendar = load_calendar(store, school_id, to_year)
    recorded = count_status_changes(store, school_id, to_year)
    if today >= calendar.tracking_start or recorded:
        summer_2 = calendar.half_terms[-1]
        raise InvalidInput(
            f"{to_year} is already under way (live tracking started on "
            f"{calendar.tracking_start:%-d %B %Y}), so its pupils are in their "
            f"{to_year} year groups. Start the next year after Summer 2 ends on "
            f"{summer_2.ends_on:%-d %B %Y}."
        )


def start_new_year(
    store: Store,
    scope: Scope,
    staff_id: int | None,
    school_id: int,
    now: datetime,
) -> NewYearPlan:
    """Move a school into its next academic year, once, and say what was done.

    The ending year's due snapshots are taken first, so that its history
    keeps every pupil's context; then, in one transaction, every pupil on
    roll moves up a year group (and to the next class where classes are
    named by year, created if needed), Year 6 are marked as left, the new
    year gets England's default dates unless it has its own, and the event
    goes in the audit log.
    """
    _require_admin_of(scope, school_id)
    started = time.perf_counter()
    today = now.date()
    plan = plan_new_year(store, school_id, today)
    take_due_snapshots(store, now, school_id=school_id)
    with store.transaction() as cursor:
        created = _move_pupils_up(cursor, school_id, plan)
        if not load_calendar(store, school_id, plan.to_year).saved:
            calendar = load_calendar(store, school_id, plan.to_year)
            save_academic_year(
                cursor, school_id, plan.to_year, calendar.tracking_start,
                calendar.half_terms,
            )  # fmt: skip
        record_event(
            cursor, staff_id, school_id, NEW_YEAR,
            from_year=plan.from_year, to_year=plan.to_year,
            moved_up=plan.moving_up, left=plan.leaving,
            class_moves=plan.class_moves, classes_created=created,
        )  # fmt: skip
    log.info(
        "started %s in school %d: %d pupils moved up, %d left, %d classes created"
        " in %.0f ms",
        plan.to_year, school_id, plan.moving_up, plan.leaving, len(created),
        (time.perf_counter() - started) * 1000,
    )  # fmt: skip
    return plan


def _move_pupils_up(cursor, school_id: int, plan: NewYearPlan) -> list[str]:
    """Year 6 leave; the rest move up a year and class. Returns classes created."""
    year_groups = load_class_years(cursor, school_id)
    created = [name for name in plan.class_moves.values() if name not in year_groups]
    class_ids = {
        old: ensure_class(cursor, school_id, new, year_groups[old] + 1)
        for old, new in plan.class_moves.items()
    }
    move_pupils_up(cursor, school_id, class_ids, plan.leaves_on, LAST_YEAR_GROUP)
    return created
