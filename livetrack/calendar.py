"""Academic years and half-terms, with English default dates."""

from dataclasses import dataclass
from datetime import date, timedelta

HALF_TERMS = [
    ("autumn-1", "Autumn 1"),
    ("autumn-2", "Autumn 2"),
    ("spring-1", "Spring 1"),
    ("spring-2", "Spring 2"),
    ("summer-1", "Summer 1"),
    ("summer-2", "Summer 2"),
]
HALF_TERM_NAMES = dict(HALF_TERMS)
TRACKING_START_WEEK = 4
SCHOOL_TIME_ZONE = "Europe/London"  # school days, and the times staff read


@dataclass(frozen=True)
class HalfTerm:
    """One half-term of one academic year, with its first and last school days."""

    academic_year: str
    code: str
    starts_on: date
    ends_on: date

    @property
    def name(self) -> str:
        return HALF_TERM_NAMES[self.code]

    @property
    def label(self) -> str:
        return f"{self.name} {self.academic_year}"


def academic_year_of(day: date) -> str:
    """The academic year ('2026-27') a date falls in; August belongs to the old one."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def first_calendar_year(academic_year: str) -> int:
    return int(academic_year[:4])


def _monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _last_weekday_of_month(year: int, month: int, weekday: int) -> date:
    next_month = date(year + month // 12, month % 12 + 1, 1)
    return _weekday_on_or_before(next_month - timedelta(days=1), weekday)


MONDAY, FRIDAY, SATURDAY = 0, 4, 5


def _school_day_on_or_after(day: date) -> date:
    return day if day.weekday() < SATURDAY else _weekday_on_or_after(day, MONDAY)


def _school_day_on_or_before(day: date) -> date:
    return day if day.weekday() < SATURDAY else _weekday_on_or_before(day, FRIDAY)


def default_half_terms(academic_year: str) -> list[HalfTerm]:
    """Typical English half-term dates; schools adjust their own."""
    y = first_calendar_year(academic_year)
    autumn_start = _school_day_on_or_after(date(y, 9, 2))
    october_break = _last_weekday_of_month(y, 10, MONDAY)
    february_break = _weekday_on_or_after(date(y + 1, 2, 12), MONDAY)
    easter_end = _last_weekday_of_month(y + 1, 3, FRIDAY)
    summer_start = _weekday_on_or_after(easter_end + timedelta(days=17), MONDAY)
    may_break = _last_weekday_of_month(y + 1, 5, MONDAY)
    summer_end = _school_day_on_or_before(date(y + 1, 7, 21))
    bounds = [
        (autumn_start, october_break - timedelta(days=3)),
        (
            october_break + timedelta(days=7),
            _weekday_on_or_before(date(y, 12, 19), FRIDAY),
        ),
        (
            _school_day_on_or_after(date(y + 1, 1, 4)),
            february_break - timedelta(days=3),
        ),
        (february_break + timedelta(days=7), easter_end),
        (summer_start, may_break - timedelta(days=3)),
        (may_break + timedelta(days=7), summer_end),
    ]
    return [
        HalfTerm(academic_year, code, start, end)
        for (code, _), (start, end) in zip(HALF_TERMS, bounds, strict=True)
    ]


def default_tracking_start(academic_year: str) -> date:
    """The Monday of week 4 of the autumn term, when every status starts as On."""
    autumn_start = default_half_terms(academic_year)[0].starts_on
    return _monday_of(autumn_start) + timedelta(weeks=TRACKING_START_WEEK - 1)


def half_term_on(half_terms: list[HalfTerm], day: date) -> HalfTerm | None:
    """The half-term a school day falls in, or the last one ended before a holiday."""
    current = None
    for half_term in sorted(half_terms, key=lambda h: h.starts_on):
        if half_term.starts_on <= day:
            current = half_term
    return current


def next_academic_year(academic_year: str) -> str:
    return academic_year_of(date(first_calendar_year(academic_year) + 1, 9, 1))


def previous_academic_year(academic_year: str) -> str:
    return academic_year_of(date(first_calendar_year(academic_year) - 1, 9, 1))


def academic_year_bounds(academic_year: str) -> tuple[date, date]:
    """The first and last days an academic year can hold: 1 September to 31 August."""
    first = first_calendar_year(academic_year)
    return date(first, 9, 1), date(first + 1, 8, 31)


def is_academic_year(text: str) -> bool:
    """Whether text names an academic year as LiveTrack writes it: '2026-27'."""
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit():
        return False
    return academic_year_of(date(int(text[:4]), 9, 1)) == text


def _day(day: date) -> str:
    return f"{day:%A %-d %B %Y}"


def calendar_problems(
    academic_year: str, half_terms: list[HalfTerm], tracking_start: date
) -> list[str]:
    """Everything wrong with a year's dates, in plain words; empty when they are fine.

    Six half-terms in order, each on school days (Monday to Friday), none
    overlapping the next, all inside the academic year, and live tracking
    starting on a school day inside Autumn 1.
    """
    codes = [h.code for h in half_terms]
    if sorted(codes) != sorted(HALF_TERM_NAMES) or len(codes) != len(HALF_TERMS):
        return ["A year needs all six half-terms, Autumn 1 to Summer 2, once each."]
    by_code = {h.code: h for h in half_terms}
    ordered = [by_code[code] for code, _ in HALF_TERMS]
    year_starts, year_ends = academic_year_bounds(academic_year)
    problems = []
    for half_term in ordered:
        problems += _half_term_problems(half_term, year_starts, year_ends)
    for before, after in zip(ordered, ordered[1:]):
        if after.starts_on <= before.ends_on:
            problems.append(
                f"{after.name} starts on {_day(after.starts_on)}, before "
                f"{before.name} ends ({_day(before.ends_on)}): half-terms follow "
                "one another without overlapping."
            )
    return problems + _tracking_start_problems(ordered[0], tracking_start)


def _half_term_problems(half_term: HalfTerm, year_starts, year_ends) -> list[str]:
    problems = []
    if half_term.ends_on < half_term.starts_on:
        problems.append(
            f"{half_term.name} ends ({_day(half_term.ends_on)}) before it starts "
            f"({_day(half_term.starts_on)})."
        )
    for what, day in (("starts", half_term.starts_on), ("ends", half_term.ends_on)):
        if not year_starts <= day <= year_ends:
            problems.append(
                f"{half_term.name} {what} on {_day(day)}, outside the "
                f"{half_term.academic_year} school year (1 September {year_starts.year}"
                f" to 31 August {year_ends.year})."
            )
        elif day.weekday() >= SATURDAY:
            problems.append(
                f"{half_term.name} {what} on a {day:%A} ({_day(day)}): "
                "choose a school day, Monday to Friday."
            )
    return problems


def _tracking_start_problems(autumn_1: HalfTerm, tracking_start: date) -> list[str]:
    if not autumn_1.starts_on <= tracking_start <= autumn_1.ends_on:
        return [
            f"Live tracking starts on {_day(tracking_start)}, outside Autumn 1 "
            f"({_day(autumn_1.starts_on)} to {_day(autumn_1.ends_on)}): it starts "
            "in Autumn 1, usually on the Monday of week 4."
        ]
    if tracking_start.weekday() >= SATURDAY:
        return [
            f"Live tracking starts on a {tracking_start:%A}: choose a school day, "
            "Monday to Friday."
        ]
    return []
