"""Live statuses: the append-only log of changes, and the current status read from it.

A pupil's current status in a subject is their latest change this academic
year, or On where there is none. Only pupils on roll, in subjects tracked for
their year group, have a status.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from livetrack.domain import DEFAULT_STATUS
from livetrack.scope import Scope
from livetrack.store.connection import Store

log = logging.getLogger(__name__)

# Every live-status read starts from this: one row per pupil on roll per
# subject tracked for their year group, as at a moment in time. Parameters,
# in order: academic year, as-at time, the scope's condition on the log (so
# that a school's read never scans the trust's log), the as-at time twice
# more for the roll (joined before it, not left by it), and the scope's
# condition on pupils and subjects.
LIVE_STATUSES = """
with latest as (
    select pupil_id, subject_id,
           max(id) as change_id,
           arg_max(status, id) as status,
           arg_max(evidence, id) as evidence,
           arg_max(note, id) as note,
           arg_max(changed_by, id) as changed_by,
           max(changed_at) as changed_at
    from status_changes
    where academic_year = ? and changed_at <= ?
      and {log_scope}
      and pupil_id in (select q.id from pupils q where {pupil_scope})
    group by pupil_id, subject_id
)
select p.id as pupil_id, p.school_id, p.class_id, c.name as class_name,
       p.year_group, s.id as subject_id, s.name as subject, s.position,
       coalesce(latest.status, 'On') as status,
       latest.change_id, latest.evidence, latest.note,
       latest.changed_by, latest.changed_at
from pupils p
join classes c on c.id = p.class_id
join subjects s on s.school_id = p.school_id
join subject_year_groups g on g.subject_id = s.id and g.year_group = p.year_group
left join latest on latest.pupil_id = p.id and latest.subject_id = s.id
where (p.joined_on is null or p.joined_on <= ?::timestamptz::date)
  and (p.left_on is null or p.left_on > ?::timestamptz::date)
  and {scope}
"""


def live_statuses_sql(scope: Scope, academic_year: str, as_at: datetime | None):
    """The live-status query and its parameters, for other queries to build on."""
    moment = as_at or datetime.now().astimezone()
    where, scope_params = scope.where(
        school="p.school_id", klass="p.class_id", subject="s.id",
        year_group="p.year_group",
    )  # fmt: skip
    log_scope, log_params = scope.where(subject="subject_id")
    pupil_scope, pupil_params = scope.where(
        school="q.school_id", klass="q.class_id", year_group="q.year_group"
    )
    sql = LIVE_STATUSES.format(
        scope=where, log_scope=log_scope, pupil_scope=pupil_scope
    )
    return sql, [
        academic_year, moment, *log_params, *pupil_params,
        moment, moment, *scope_params,
    ]  # fmt: skip


def load_class_statuses(
    store: Store, scope: Scope, class_id: int, academic_year: str
) -> pd.DataFrame:
    """Every pupil of one class by subject: status, and who last changed it and when."""
    scope.require_pupil_rows()
    sql, params = live_statuses_sql(scope, academic_year, None)
    return store.frame(
        f"""
        select l.pupil_id, p.upn, p.legal_last_name,
               coalesce(p.preferred_first_name, p.legal_first_name) as first_name,
               l.subject_id, l.subject, l.position, l.status, l.change_id,
               l.evidence, l.note, l.changed_at, st.display_name as changed_by
        from ({sql}) l
        join pupils p on p.id = l.pupil_id
        left join staff st on st.id = l.changed_by
        where l.class_id = ?
        order by p.legal_last_name, first_name, p.id, l.position
        """,
        [*params, class_id],
    )


GROUPINGS = {
    "school": ("l.school_id",),
    "subject": ("l.subject_id", "l.subject", "l.position"),
    "year_group": ("l.year_group",),
    "class": ("l.class_id", "l.class_name", "l.year_group"),
}


def count_statuses(
    store: Store,
    scope: Scope,
    academic_year: str,
    by: str,
    school_id: int | None = None,
    as_at: datetime | None = None,
) -> pd.DataFrame:
    """How many pupil-subject statuses are Above, On and Below, per group.

    `by` names the grouping (an allow-listed key of GROUPINGS); the frame has
    the group's columns, then `above`, `on`, `below` and `total` counts.
    """
    columns = GROUPINGS[by]
    group_list = ", ".join(columns)
    select_list = ", ".join(f"{column} as {column.split('.')[1]}" for column in columns)
    sql, params = live_statuses_sql(scope, academic_year, as_at)
    return store.frame(
        f"""
        select {select_list},
               count(*) filter (l.status = 'Above') as above,
               count(*) filter (l.status = 'On') as "on",
               count(*) filter (l.status = 'Below') as below,
               count(*) as total
        from ({sql}) l
        where ?::integer is null or l.school_id = ?
        group by {group_list}
        order by {group_list}
        """,
        [*params, school_id, school_id],
    )


@dataclass(frozen=True)
class StatusChange:
    """One cell a teacher changed: the new status, why, and what they saw before.

    `seen_change_id` is the latest change the teacher's grid showed (None when
    it showed the default On), so a save can tell if someone else got there first.
    """

    pupil_id: int
    subject_id: int
    status: str
    evidence: str | None
    note: str | None
    seen_change_id: int | None


@dataclass(frozen=True)
class Conflict:
    """A cell someone else changed after the teacher's grid was loaded."""

    change: StatusChange
    their_status: str
    their_name: str
    their_time: datetime


def find_conflicts(
    store: Store, changes: list[StatusChange], academic_year: str
) -> list[Conflict]:
    """The changes whose cell has moved on since the teacher's grid was loaded."""
    if not changes:
        return []
    cells = pd.DataFrame(
        {
            "pupil_id": [c.pupil_id for c in changes],
            "subject_id": [c.subject_id for c in changes],
        }
    )
    with store.cursor() as cursor:
        cursor.register("cells", cells)
        latest = cursor.execute(
            """
            select sc.pupil_id, sc.subject_id, max(sc.id), arg_max(sc.status, sc.id),
                   arg_max(st.display_name, sc.id), max(sc.changed_at)
            from status_changes sc
            join cells using (pupil_id, subject_id)
            join staff st on st.id = sc.changed_by
            where sc.academic_year = ?
            group by sc.pupil_id, sc.subject_id
            """,
            [academic_year],
        ).fetchall()
    now = {(row[0], row[1]): row[2:] for row in latest}
    conflicts = []
    for change in changes:
        found = now.get((change.pupil_id, change.subject_id))
        if found and found[0] != change.seen_change_id:
            conflicts.append(Conflict(change, found[1], found[2], found[3]))
    return conflicts


def append_status_changes(
    store: Store, changes: list[StatusChange], academic_year: str, staff_id: int
) -> int:
    """Append changes to the log in one transaction; returns how many were written."""
    started = time.perf_counter()
    columns = [
        [c.pupil_id for c in changes],
        [c.subject_id for c in changes],
        [c.status for c in changes],
        [c.evidence for c in changes],
        [c.note for c in changes],
    ]
    with store.transaction() as cursor:
        # One statement for the whole save: the lists unnest side by side.
        cursor.execute(
            """
            insert into status_changes
                (pupil_id, subject_id, status, evidence, note, academic_year,
                 changed_by)
            select unnest(?::integer[]), unnest(?::integer[]),
                   unnest(?::varchar[]), unnest(?::varchar[]), unnest(?::varchar[]),
                   ?, ?
            """,
            [*columns, academic_year, staff_id],
        )
    log.info(
        "saved %d status changes in %.0f ms",
        len(changes),
        (time.perf_counter() - started) * 1000,
    )
    return len(changes)


def load_cells_in_scope(
    store: Store, scope: Scope, cells: list[tuple[int, int]], academic_year: str
) -> pd.DataFrame:
    """Which (pupil, subject) cells exist now and lie in the scope, with their class."""
    frame = pd.DataFrame(cells, columns=["pupil_id", "subject_id"])
    sql, params = live_statuses_sql(scope, academic_year, None)
    with store.cursor() as cursor:
        cursor.register("cells", frame)
        return cursor.execute(
            f"select l.pupil_id, l.subject_id, l.school_id, l.class_id, l.status"
            f" from ({sql}) l join cells using (pupil_id, subject_id)",
            params,
        ).df()


def status_totals(store: Store, scope: Scope, academic_year: str) -> dict[str, int]:
    """How many live statuses are Above, On and Below across the scope."""
    sql, params = live_statuses_sql(scope, academic_year, None)
    rows = store.rows(f"select status, count(*) from ({sql}) l group by status", params)
    totals = {"Above": 0, DEFAULT_STATUS: 0, "Below": 0}
    totals.update(dict(rows))
    return totals


def load_recent_changes(
    store: Store, scope: Scope, class_id: int, academic_year: str, limit: int = 20
) -> pd.DataFrame:
    """The latest changes recorded for a class's pupils this year, newest first."""
    scope.require_pupil_rows()
    where, params = scope.where(
        school="p.school_id", klass="p.class_id", subject="s.id",
        year_group="p.year_group",
    )  # fmt: skip
    return store.frame(
        f"""
        select sc.changed_at, st.display_name as changed_by,
               coalesce(p.preferred_first_name, p.legal_first_name)
                   || ' ' || p.legal_last_name as pupil,
               s.name as subject, sc.status, sc.evidence, sc.note
        from status_changes sc
        join pupils p on p.id = sc.pupil_id
        join subjects s on s.id = sc.subject_id
        join staff st on st.id = sc.changed_by
        where p.class_id = ? and sc.academic_year = ? and {where}
        order by sc.id desc
        limit ?
        """,
        [class_id, academic_year, *params, limit],
    )
