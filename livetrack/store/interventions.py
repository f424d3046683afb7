"""Interventions, their reviews and pupils' agreed actions: append-only, in scope.

An intervention is never changed once written: its outcome is a review row
of its own, and the latest review is the outcome. Every read filters by the
person's scope in SQL, through the pupil (school, class, year group) and the
subject; an intervention for no one subject is outside a subject lead's reach.
"""

from datetime import date

import duckdb
import pandas as pd

from livetrack.calendar import HALF_TERM_NAMES
from livetrack.scope import Scope
from livetrack.store.connection import Store
from livetrack.store.figures import live_source, snapshot_source
from livetrack.store.statuses import live_statuses_sql


def in_scope(scope: Scope, pupil: str = "p", subject: str = "i.subject_id"):
    """The scope as a condition over a pupil alias and a subject id column."""
    pupils, pupil_params = scope.where(
        school=f"{pupil}.school_id", klass=f"{pupil}.class_id",
        year_group=f"{pupil}.year_group",
    )  # fmt: skip
    subjects, subject_params = scope.where(subject=subject)
    return f"{pupils} and coalesce({subjects}, false)", pupil_params + subject_params


def pupil_school(store: Store, scope: Scope, pupil_id: int) -> int | None:
    """The school of a pupil on roll whom the scope reaches, or None."""
    where, params = scope.where(
        school="p.school_id", klass="p.class_id", year_group="p.year_group"
    )
    return store.value(
        f"select p.school_id from pupils p where p.id = ? and p.left_on is null"
        f" and {where}",
        [pupil_id, *params],
    )


def subject_for_pupil(
    store: Store, scope: Scope, pupil_id: int, subject_id: int
) -> str | None:
    """A subject's name when it is tracked for the pupil's year group and in scope."""
    where, params = scope.where(subject="s.id")
    return store.value(
        f"""
        select s.name
        from pupils p
        join subjects s on s.school_id = p.school_id
        join subject_year_groups g
          on g.subject_id = s.id and g.year_group = p.year_group
        where p.id = ? and s.id = ? and {where}
        """,
        [pupil_id, subject_id, *params],
    )


def insert_intervention(cursor: duckdb.DuckDBPyConnection, row: dict) -> int:
    """Append one intervention inside the caller's transaction; returns its id."""
    return cursor.execute(
        """
        insert into interventions (pupil_id, subject_id, academic_year, strategy,
            delivered_by, starts_on, review_on, recorded_by)
        values (?, ?, ?, ?, ?, ?, ?, ?) returning id
        """,
        [
            row["pupil_id"], row["subject_id"], row["academic_year"],
            row["strategy"], row["delivered_by"], row["starts_on"],
            row["review_on"], row["recorded_by"],
        ],
    ).fetchone()[0]  # fmt: skip


def insert_review(cursor: duckdb.DuckDBPyConnection, row: dict) -> int:
    return cursor.execute(
        """
        insert into intervention_reviews (intervention_id, pupil_id, outcome,
            note, reviewed_on, recorded_by)
        values (?, ?, ?, ?, ?, ?) returning id
        """,
        [
            row["intervention_id"], row["pupil_id"], row["outcome"], row["note"],
            row["reviewed_on"], row["recorded_by"],
        ],
    ).fetchone()[0]  # fmt: skip


def insert_action(cursor: duckdb.DuckDBPyConnection, row: dict) -> int:
    return cursor.execute(
        """
        insert into pupil_actions (pupil_id, subject_id, academic_year, note,
            recorded_by)
        values (?, ?, ?, ?, ?) returning id
        """,
        [
            row["pupil_id"], row["subject_id"], row["academic_year"], row["note"],
            row["recorded_by"],
        ],
    ).fetchone()[0]  # fmt: skip


PUPIL_NAME = """
coalesce(p.preferred_first_name, p.legal_first_name) || ' ' || p.legal_last_name
"""

INTERVENTIONS = """
with latest_review as (
    select intervention_id,
           arg_max(outcome, id) as outcome,
           arg_max(note, id) as outcome_note,
           arg_max(reviewed_on, id) as reviewed_on,
           arg_max(recorded_by, id) as reviewed_by_id,
           max(recorded_at) as reviewed_at
    from intervention_reviews
    group by intervention_id
)
select i.id, i.pupil_id, {name} as pupil, p.school_id, p.year_group,
       c.name as class_name, i.subject_id, s.name as subject, i.academic_year,
       i.strategy, i.delivered_by, i.starts_on, i.review_on,
       rb.display_name as recorded_by, i.recorded_at,
       r.outcome, r.outcome_note, r.reviewed_on,
       reviewer.display_name as reviewed_by, r.reviewed_at
from interventions i
join pupils p on p.id = i.pupil_id
left join classes c on c.id = p.class_id
left join subjects s on s.id = i.subject_id
join staff rb on rb.id = i.recorded_by
left join latest_review r on r.intervention_id = i.id
left join staff reviewer on reviewer.id = r.reviewed_by_id
where {scope}
  and (?::varchar is null or i.academic_year = ?)
  and (?::integer is null or i.pupil_id = ?)
  and (?::integer is null or p.school_id = ?)
  and (?::bigint is null or i.id = ?)
  and (?::date is null or (i.review_on <= ? and r.outcome is null))
order by i.review_on, i.id
"""


def load_interventions(
    store: Store,
    scope: Scope,
    academic_year: str | None = None,
    pupil_id: int | None = None,
    school_id: int | None = None,
    intervention_id: int | None = None,
    due_by: date | None = None,
) -> pd.DataFrame:
    """Interventions in scope with their latest outcome; `due_by` gives reviews due.

    A review is due when its date is on or before `due_by` and no outcome
    is recorded yet. Pupils are named only where the scope allows.
    """
    scope.require_pupil_rows()
    where, params = in_scope(scope)
    name = PUPIL_NAME if scope.names_visible else "null::varchar"
    filters = [academic_year, pupil_id, school_id, intervention_id, due_by]
    return store.frame(
        INTERVENTIONS.format(name=name, scope=where),
        [*params, *[value for value in filters for _ in (0, 1)]],
    )


def load_actions(store: Store, scope: Scope, pupil_id: int) -> pd.DataFrame:
    """A pupil's agreed actions (not interventions), newest first."""
    scope.require_pupil_rows()
    where, params = in_scope(scope, subject="a.subject_id")
    return store.frame(
        f"""
        select a.id, s.name as subject, a.academic_year, a.note,
               st.display_name as recorded_by, a.recorded_at
        from pupil_actions a
        join pupils p on p.id = a.pupil_id
        left join subjects s on s.id = a.subject_id
        join staff st on st.id = a.recorded_by
        where a.pupil_id = ? and {where}
        order by a.id desc
        """,
        [pupil_id, *params],
    )


def load_below_without_intervention(
    store: Store, scope: Scope, academic_year: str, school_id: int
) -> pd.DataFrame:
    """Live Below statuses with no intervention this year in that subject.

    An intervention for no one subject covers every subject of the pupil.
    """
    scope.require_pupil_rows()
    live, params = live_statuses_sql(scope, academic_year, None)
    name = PUPIL_NAME if scope.names_visible else "null::varchar"
    return store.frame(
        f"""
        select l.pupil_id, {name} as pupil, l.year_group, l.class_name,
               l.subject_id, l.subject, l.changed_at as below_since
        from ({live}) l
        join pupils p on p.id = l.pupil_id
        where l.status = 'Below' and l.school_id = ?
          and not exists (
              select 1 from interventions i
              where i.pupil_id = l.pupil_id and i.academic_year = ?
                and (i.subject_id is null or i.subject_id = l.subject_id)
          )
        order by l.year_group, l.class_name, p.legal_last_name, p.id, l.position
        """,
        [*params, school_id, academic_year],
    )


def load_intervention_starts(store: Store, scope: Scope) -> pd.DataFrame:
    """Every subject intervention in scope: pupil, subject and start, for impact."""
    where, params = in_scope(scope)
    return store.frame(
        f"""
        select i.pupil_id, i.subject_id, i.starts_on
        from interventions i join pupils p on p.id = i.pupil_id
        where i.subject_id is not null and {where}
        """,
        params,
    )


HISTORY_COLUMNS = [
    "pupil_id", "subject_id", "subject", "year_group", "status", "point", "moment",
]  # fmt: skip
NOW = "Now (live)"


def load_status_points(
    store: Store, scope: Scope, school_id: int, academic_year: str, today: date
) -> pd.DataFrame:
    """Every pupil's status per subject at each snapshot of a school, then now.

    One row per pupil per subject per point, as `livetrack.impact` reads it.
    """
    frames = []
    snapshots = snapshot_source(store, scope)
    if snapshots is not None:
        taken = store.frame(
            f"""
            select pupil_id, subject_id, subject, year_group, status,
                   academic_year, half_term, as_at::date as moment
            from ({snapshots[0]}) where school_id = ?
            """,
            [*snapshots[1], school_id],
        )
        taken["point"] = (
            taken["half_term"].map(HALF_TERM_NAMES) + " " + taken["academic_year"]
        )
        frames.append(taken[HISTORY_COLUMNS])
    live, params = live_source(scope, academic_year)
    now = store.frame(
        f"select pupil_id, subject_id, subject, year_group, status from ({live})"
        " where school_id = ?",
        [*params, school_id],
    )
    frames.append(now.assign(point=NOW, moment=today)[HISTORY_COLUMNS])
    history = pd.concat([f for f in frames if not f.empty] or frames)
    history["moment"] = pd.to_datetime(history["moment"]).dt.date
    return history.reset_index(drop=True)
