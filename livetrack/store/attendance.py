"""Attendance: sessions per pupil for a date range, and each pupil's % from them.

A row covers one pupil from one date to another. Importing a range again
replaces its rows. A row inside a wider row of the same pupil (Autumn 1
inside a year-to-date export) is already counted by the wider one, so the
figures leave it out: neither a cumulative export nor a CTF's year total is
ever counted twice.
"""

from datetime import date

import duckdb
import pandas as pd

from livetrack.calendar import first_calendar_year
from livetrack.domain import PERSISTENT_ABSENCE_PERCENT, SEVERE_ABSENCE_PERCENT
from livetrack.scope import Scope
from livetrack.store.connection import Store
from livetrack.store.pupils import ATTENDANCE_COLUMNS

FIGURE_COLUMNS = [
    "pupil_id", "sessions_possible", "sessions_attended", "sessions_authorised",
    "sessions_unauthorised", "percent", "persistent_absence", "severe_absence",
]  # fmt: skip


def replace_attendance(
    cursor: duckdb.DuckDBPyConnection, attendance: pd.DataFrame
) -> int:
    """Write rows (ATTENDANCE_COLUMNS), replacing any a pupil has for the same range.

    Returns how many rows were already there and are replaced.
    """
    cursor.register("incoming", attendance[ATTENDANCE_COLUMNS])
    replaced = cursor.execute(
        "select count(*) from attendance a join incoming i using"
        " (pupil_id, starts_on, ends_on)"
    ).fetchone()[0]
    cursor.execute(
        "delete from attendance where (pupil_id, starts_on, ends_on) in"
        " (select (pupil_id, starts_on, ends_on) from incoming)"
    )
    columns = ", ".join(ATTENDANCE_COLUMNS)
    cursor.execute(f"insert into attendance ({columns}) select {columns} from incoming")
    cursor.unregister("incoming")
    return replaced


def year_bounds(academic_year: str) -> tuple[date, date]:
    """1 September to 31 August: every day an academic year's data can cover."""
    first = first_calendar_year(academic_year)
    return date(first, 9, 1), date(first + 1, 8, 31)


# The rows of a school's pupils on roll that the scope reaches, in one year.
_PUPIL_ROWS = """
    select a.*
    from attendance a join pupils p on p.id = a.pupil_id
    where p.school_id = ? and p.left_on is null and {where}
      and a.starts_on between ? and ?
"""

_FIGURES = """
    sum(sessions_possible)::integer as sessions_possible,
    sum(sessions_attended)::integer as sessions_attended,
    sum(sessions_authorised)::integer as sessions_authorised,
    sum(sessions_unauthorised)::integer as sessions_unauthorised,
    round(100.0 * sum(sessions_attended) / nullif(sum(sessions_possible), 0), 1)
        as percent
"""


def attendance_to_date(
    store: Store, scope: Scope, school_id: int, academic_year: str
) -> pd.DataFrame:
    """Each pupil's attendance this year so far, with the absence flags.

    One row per pupil with any attendance (FIGURE_COLUMNS); `percent` is
    sessions attended over possible, to one decimal place.
    """
    scope.require_pupil_rows()
    where, params = scope.where(
        school="p.school_id", klass="p.class_id", year_group="p.year_group"
    )
    figures = store.frame(
        f"""
        with rows as ({_PUPIL_ROWS.format(where=where)}),
        kept as (
            select * from rows r
            where not exists (
                select 1 from rows w
                where w.pupil_id = r.pupil_id
                  and w.starts_on <= r.starts_on and w.ends_on >= r.ends_on
                  and (w.starts_on, w.ends_on) != (r.starts_on, r.ends_on)
            )
        )
        select pupil_id, {_FIGURES}
        from kept group by pupil_id order by pupil_id
        """,
        [school_id, *params, *year_bounds(academic_year)],
    )
    return _flagged(figures)


def attendance_by_half_term(
    store: Store, scope: Scope, school_id: int, academic_year: str
) -> pd.DataFrame:
    """Each pupil's attendance in each half-term, with the absence flags.

    A row counts toward a half-term when it lies within it (with the holidays
    either side); a row spanning two half-terms counts toward the year only.
    Columns: `half_term` (its code, e.g. autumn-1) and FIGURE_COLUMNS.
    """
    scope.require_pupil_rows()
    where, params = scope.where(
        school="p.school_id", klass="p.class_id", year_group="p.year_group"
    )
    year_start, year_end = year_bounds(academic_year)
    figures = store.frame(
        f"""
        with terms as (
            select half_term, starts_on,
                   coalesce(lag(ends_on) over w + 1, ?::date) as opens,
                   coalesce(lead(starts_on) over w - 1, ?::date) as closes
            from half_terms where school_id = ? and academic_year = ?
            window w as (order by starts_on)
        ),
        rows as ({_PUPIL_ROWS.format(where=where)}),
        placed as (
            select r.*, t.half_term, t.starts_on as term_starts
            from rows r join terms t
              on r.starts_on >= t.opens and r.ends_on <= t.closes
            qualify row_number() over (
                partition by r.pupil_id, r.starts_on, r.ends_on order by t.starts_on
            ) = 1
        ),
        kept as (
            select * from placed r
            where not exists (
                select 1 from placed w
                where w.pupil_id = r.pupil_id and w.half_term = r.half_term
                  and w.starts_on <= r.starts_on and w.ends_on >= r.ends_on
                  and (w.starts_on, w.ends_on) != (r.starts_on, r.ends_on)
            )
        )
        select pupil_id, half_term, {_FIGURES}
        from kept group by pupil_id, half_term, term_starts
        order by pupil_id, term_starts
        """,
        [
            year_start, year_end, school_id, academic_year,
            school_id, *params, year_start, year_end,
        ],
    )  # fmt: skip
    return _flagged(figures)


def _flagged(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures with persistent (90% or below) and severe (50% or below) flags."""
    percent = figures["percent"].astype(float)
    return figures.assign(
        persistent_absence=(percent <= PERSISTENT_ABSENCE_PERCENT).fillna(False),
        severe_absence=(percent <= SEVERE_ABSENCE_PERCENT).fillna(False),
    )
