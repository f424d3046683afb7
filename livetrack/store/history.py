"""The SQL behind history: the years a school has, and figures read from snapshots.

Every figure of the past is read from the snapshot files with the context
each pupil had that day, never from the pupils table as it is now. Queries
run set-based in DuckDB over the hive-partitioned Parquet, pruned to the
schools and years asked for.
"""

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from livetrack.scope import Scope
from livetrack.store.connection import Store
from livetrack.store.facts import with_bands
from livetrack.store.snapshots import (
    read_snapshot_rows,
    readable_snapshot_files,
)


def load_academic_years(store: Store, school_id: int) -> list[str]:
    """The academic years a school has dates saved for, oldest first."""
    rows = store.rows(
        "select academic_year from academic_years where school_id = ?"
        " order by academic_year",
        [school_id],
    )
    return [row[0] for row in rows]


def load_half_terms_to_freeze(
    store: Store, academic_years: list[str]
) -> list[tuple[int, str, str, date, date]]:
    """Every school's half-terms of these years that ended after it came to LiveTrack.

    A half-term over before a school was set up here has nothing to freeze.
    Rows are (school_id, academic_year, half_term, starts_on, ends_on).
    """
    return store.rows(
        """
        select h.school_id, h.academic_year, h.half_term, h.starts_on, h.ends_on
        from half_terms h
        join schools s on s.id = h.school_id
        where list_contains(?::varchar[], h.academic_year)
          and h.ends_on >= timezone('Europe/London', s.created_at)::date
        order by h.school_id, h.ends_on
        """,
        [academic_years],
    )


# --- Figures read from the snapshots, with the live picture as the last point ---

# One school's snapshot files: only its own folder is listed and read.
LIVE = "live"  # the half_term of the live picture, beside the snapshots' codes
# An extra condition on a history row's own columns (send, pupil_premium, fsm,
# eal, sex, looked_after, summer_born, attendance_percent, behaviour_points,
# year_group, class_id, subject_id...), bare or as `f.column`, with its
# parameters: how the leader pages' shared filters plug in (`Filters.where()`,
# whose alias is f). Column names only from code, never input.
RowCondition = tuple[str, list]
ALL_ROWS: RowCondition = ("true", [])


def all_of(*conditions: RowCondition) -> RowCondition:
    """Several row conditions joined: a row must meet every one."""
    sql = " and ".join(f"({condition[0]})" for condition in conditions) or "true"
    return sql, [param for condition in conditions for param in condition[1]]


# What a trend can be broken down by: the key, its columns in the history rows.
BREAKDOWNS = {
    "school": [],
    "subject": ["subject_id", "subject"],
    "year_group": ["year_group"],
    # The calendar year a pupil started Reception: a cohort, followed up the school.
    "cohort": ["cohort"],
}


@dataclass(frozen=True)
class Moment:
    """A snapshot (academic year and half-term code) or the live picture (LIVE)."""

    academic_year: str
    half_term: str

    @property
    def is_live(self) -> bool:
        return self.half_term == LIVE


def _history_source(store: Store, school_id: int, live_rows) -> tuple[str, list]:
    """The readable snapshot rows of one school, then live, with their bands."""
    sources = []
    params: list = []
    files = [
        str(path)
        for path in readable_snapshot_files(store).readable
        if path.parent.parent.parent.name == f"school={int(school_id)}"
    ]
    if files:
        sources.append(
            """
            select * exclude (school)
            from read_parquet(?, hive_partitioning = true, union_by_name = true,
                hive_types = {'school': integer, 'year': varchar,
                              'half_term': varchar})
            """
        )
        params.append(files)
    if live_rows is not None:
        sources.append("select *, ? as year, ? as half_term from live_rows")
        params += [live_rows[0], LIVE]
    if not sources:
        return "select null::varchar as year where false", []
    return with_bands(" union all by name ".join(sources)), params


def _history_frame(
    store: Store,
    scope: Scope,
    school_id: int,
    sql: str,
    params: list,
    condition: RowCondition,
    live: tuple | None,
) -> pd.DataFrame:
    """Run `sql` over the school's history rows `h` in the scope and condition."""
    scope.within_school(school_id)  # NotAllowed outside the person's schools
    source, source_params = _history_source(store, school_id, live)
    where, scope_params = scope.where(
        klass="class_id", subject="subject_id", year_group="year_group"
    )
    full = f"""
        with h as (
            select *,
                   cast(left(year, 4) as integer) - year_group as cohort
            from ({source}) f
            where {where} and ({condition[0]})
        )
        {sql}
    """
    with store.cursor() as cursor:
        if live is not None:
            cursor.register("live_rows", live[1])
        return cursor.execute(
            full, [*source_params, *scope_params, *condition[1], *params]
        ).df()


def count_history(
    store: Store,
    scope: Scope,
    school_id: int,
    by: str,
    live: tuple | None = None,
    condition: RowCondition = ALL_ROWS,
) -> pd.DataFrame:
    """Below, On and Above at every snapshot (and live), per group, with n.

    `by` is a key of BREAKDOWNS; `live` is (academic year, live rows) as
    `load_live_rows` reads them, or None for the snapshots alone. One row
    per moment and group: academic_year, half_term, as_at, the group's
    columns, below, on, above, n.
    """
    group = BREAKDOWNS[by]
    group_by = ", ".join(["year", "half_term", *group])
    return _history_frame(
        store, scope, school_id,
        f"""
        select year as academic_year, half_term, max(as_at) as as_at,
               {"".join(f"{column}, " for column in group)}
               count(*) filter (status = 'Below') as below,
               count(*) filter (status = 'On') as "on",
               count(*) filter (status = 'Above') as above,
               count(*) as n,
               count(distinct pupil_id) as pupils
        from h
        group by {group_by}
        order by max(as_at), {group_by}
        """,
        [], condition, live,
    )  # fmt: skip


def load_live_rows(store: Store, school_id: int, academic_year: str, now: datetime):
    """The live picture in the snapshots' shape, for a history to end on."""
    return academic_year, read_snapshot_rows(store, school_id, academic_year, now, now)


def load_moments(store: Store, scope: Scope, school_id: int) -> list[Moment]:
    """The school's snapshots on disk, oldest first."""
    counts = count_history(store, scope, school_id, "school")
    return [Moment(y, h) for y, h in zip(counts["academic_year"], counts["half_term"])]


def load_transitions(
    store: Store,
    scope: Scope,
    school_id: int,
    before: Moment,
    after: Moment,
    live: tuple | None = None,
    condition: RowCondition = ALL_ROWS,
) -> pd.DataFrame:
    """Every pupil and subject at either moment, with their status at each.

    A status is missing where the pupil was not at the school then
    (`pupil_before`/`pupil_after` False) or the subject was not tracked for
    them. The condition applies at the moment it is read: a pupil counts
    where their context then matched.
    """
    return _history_frame(
        store, scope, school_id,
        """
        , b as (select * from h where year = ? and half_term = ?),
          a as (select * from h where year = ? and half_term = ?)
        select coalesce(b.pupil_id, a.pupil_id) as pupil_id,
               coalesce(b.subject_id, a.subject_id) as subject_id,
               coalesce(b.subject, a.subject) as subject,
               b.status as status_before, a.status as status_after,
               b.year_group as year_group_before, a.year_group as year_group_after,
               b.class_name as class_before, a.class_name as class_after,
               coalesce(b.pupil_id, a.pupil_id) in (select pupil_id from b)
                   as pupil_before,
               coalesce(b.pupil_id, a.pupil_id) in (select pupil_id from a)
                   as pupil_after
        from b full join a using (pupil_id, subject_id)
        order by pupil_id, subject_id
        """,
        [before.academic_year, before.half_term, after.academic_year,
         after.half_term],
        condition, live,
    )  # fmt: skip


def load_pupil_names(
    store: Store, scope: Scope, school_id: int, pupil_ids: list[int]
) -> dict[int, str]:
    """The names of some of a school's pupils, on roll or left, for a person who
    may read pupils by name (NotAllowed otherwise)."""
    scope.require_pupil_rows()
    scope.within_school(school_id)
    if not scope.names_visible:
        return {}
    return dict(
        store.rows(
            """
            select id, coalesce(preferred_first_name, legal_first_name)
                       || ' ' || legal_last_name
            from pupils
            where school_id = ? and list_contains(?::integer[], id)
            """,
            [school_id, sorted(pupil_ids)],
        )
    )
