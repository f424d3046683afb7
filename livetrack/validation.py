"""Checks for what a person types into a form or a command, in plain words.

Each returns the value cleaned, or raises InvalidInput saying what is wrong
and what would do. Forms check everything before writing anything, then
write in one transaction, so a refused form changes nothing.
"""

from collections.abc import Iterable
from datetime import date

from livetrack.calendar import first_calendar_year
from livetrack.errors import InvalidInput


def year_bounds(academic_year: str) -> tuple[date, date]:
    """1 September to 31 August: the days an academic year ('2026-27') covers."""
    first = first_calendar_year(academic_year)
    return date(first, 9, 1), date(first + 1, 8, 31)


def check_date_in_year(day: date | None, academic_year: str, what: str) -> date:
    """A date inside the academic year, e.g. check_date_in_year(d, y, 'The start')."""
    if day is None:
        raise InvalidInput(f"{what} is missing: choose a date.")
    first, last = year_bounds(academic_year)
    if not first <= day <= last:
        raise InvalidInput(
            f"{what} ({day:%-d %B %Y}) falls outside {academic_year}, which runs "
            f"from {first:%-d %B %Y} to {last:%-d %B %Y}."
        )
    return day


def check_text(
    text: str | None, what: str, max_characters: int, required: bool = True
) -> str | None:
    """Text with its spaces tidied, no longer than `max_characters`."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        if required:
            raise InvalidInput(f"{what} is missing: type it in.")
        return None
    if len(cleaned) > max_characters:
        raise InvalidInput(
            f"{what} can be at most {max_characters} characters; this one has "
            f"{len(cleaned)}."
        )
    return cleaned


def check_choice(value, choices: Iterable, what: str):
    """One of the allowed choices (a subject, a status, an evidence type)."""
    allowed = list(choices)
    if value not in allowed:
        raise InvalidInput(
            f'{what} "{value}" is not one of: {", ".join(map(str, allowed))}.'
        )
    return value
