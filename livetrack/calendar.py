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
