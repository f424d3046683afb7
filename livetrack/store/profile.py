"""One pupil's whole picture: details, statuses over time, the changes behind them,
attendance and behaviour. Every query reaches the pupil only through the scope,
so a person outside it gets NotAllowed, never a row.
"""

import pandas as pd

from livetrack.calendar import HALF_TERM_NAMES
from livetrack.errors import NotAllowed
from livetrack.scope import Scope
from livetrack.store.connection import Store
from livetrack.store.facts import live_facts_sql
from livetrack.store.figures import snapshot_source

NOT_YOURS = "This pupil is not yours to see."
NOW = "Now (live)"


def _pupil_in_scope(scope: Scope) -> tuple[str, list]:
    return scope.where(
        school="p.school_id", klass="p.class_id", year_group="p.year_group"
    )


def load_pupil(store: Store, scope: Scope, pupil_id: int) -> dict:
    """The pupil's details as the scope allows; NotAllowed when out of reach."""
    scope.require_pupil_rows()
    where, params = _pupil_in_scope(scope)
    names = (
        "coalesce(p.preferred_first_name, p.legal_first_name) as first_name,"
        " p.legal_last_name as last_name"
        if scope.names_visible
        else "null::varchar as first_name, null::varchar as last_name"
    )
    found = store.frame(
        f"""
        select p.id, p.school_id, sc.name as school, {names}, p.year_group,
               c.name as class_name, p.sex, p.send, p.primary_need,
               p.pupil_premium, p.fsm, p.eal, p.looked_after, p.joined_on,
               p.left_on
        from pupils p
        join schools sc on sc.id = p.school_id
        left join classes c on c.id = p.class_id
        where p.id = ? and {where}
        """,
        [pupil_id, *params],
    )
    if found.empty:
        raise NotAllowed(NOT_YOURS)
    pupil = found.iloc[0].to_dict()
    if not scope.send_detail:
        pupil["primary_need"] = None
    return pupil


def load_pupil_choices(store: Store, scope: Scope, school_id: int) -> pd.DataFrame:
    """The pupils on roll in scope, for a search box: named only where allowed."""
    scope.require_pupil_rows()
    where, params = _pupil_in_scope(scope)
    label = (
        "coalesce(p.preferred_first_name, p.legal_first_name) || ' '"
        " || p.legal_last_name"
        if scope.names_visible
        else "'Pupil ' || p.id"
    )
    return store.frame(
        f"""
        select p.id, {label} || ' (' || c.name || ')' as label
        from pupils p join classes c on c.id = p.class_id
        where p.school_id = ? and p.left_on is null and {where}
        order by {"p.legal_last_name, p.legal_first_name, " if scope.names_visible
                  else ""}p.id
        """,
        [school_id, *params],
    )  # fmt: skip


TIMELINE_COLUMNS = """
f.subject_id, f.subject, f.status, f.attendance_percent,
f.negative_incidents, f.positive_incidents, f.behaviour_points
"""


def load_pupil_timeline(
    store: Store, scope: Scope, pupil_id: int, academic_year: str
) -> pd.DataFrame:
    """The pupil's status in each subject at every snapshot, then now.

    Columns: point, moment, academic_year, half_term, subject_id, subject,
    position, status, attendance_percent and behaviour counts at that point.
    """
    load_pupil(store, scope, pupil_id)
    frames = []
    snapshots = snapshot_source(store, scope)
    if snapshots is not None:
        taken = store.frame(
            f"""
            select f.academic_year, f.half_term, f.as_at as moment, {TIMELINE_COLUMNS}
            from ({snapshots[0]}) f where f.pupil_id = ?
            """,
            [*snapshots[1], pupil_id],
        )
        taken["point"] = (
            taken["half_term"].map(HALF_TERM_NAMES) + " " + taken["academic_year"]
        )
        frames.append(taken)
    live, params = live_facts_sql(scope, academic_year)
    now = store.frame(
        f"select f.as_at as moment, {TIMELINE_COLUMNS} from ({live}) f"
        " where f.pupil_id = ?",
        [*params, pupil_id],
    )
    frames.append(now.assign(point=NOW, academic_year=academic_year, half_term=None))
    timeline = pd.concat([f for f in frames if not f.empty] or frames)
    positions = store.frame(
        "select id as subject_id, position from subjects where school_id ="
        " (select school_id from pupils where id = ?)",
        [pupil_id],
    )
    timeline = timeline.merge(positions, on="subject_id", how="left")
    return timeline.sort_values(["moment", "position"]).reset_index(drop=True)


def load_pupil_changes(store: Store, scope: Scope, pupil_id: int) -> pd.DataFrame:
    """Every status change recorded for the pupil in subjects in scope, newest first."""
    load_pupil(store, scope, pupil_id)
    where, params = scope.where(subject="s.id")
    return store.frame(
        f"""
        select sc.changed_at, sc.academic_year, s.name as subject, sc.status,
               sc.evidence, sc.note, st.display_name as changed_by
        from status_changes sc
        join subjects s on s.id = sc.subject_id
        join staff st on st.id = sc.changed_by
        where sc.pupil_id = ? and {where}
        order by sc.changed_at desc, sc.id desc
        """,
        [pupil_id, *params],
    )


def load_pupil_attendance(store: Store, scope: Scope, pupil_id: int) -> pd.DataFrame:
    """The pupil's attendance, period by period as the school recorded it."""
    load_pupil(store, scope, pupil_id)
    return store.frame(
        """
        select starts_on, ends_on, sessions_possible, sessions_attended,
               sessions_authorised, sessions_unauthorised,
               round(100.0 * sessions_attended / nullif(sessions_possible, 0), 1)
                   as attendance_percent
        from attendance where pupil_id = ?
        order by starts_on
        """,
        [pupil_id],
    )


def load_pupil_behaviour(store: Store, scope: Scope, pupil_id: int) -> pd.DataFrame:
    """The pupil's behaviour incidents by half-term: negative, positive and points."""
    load_pupil(store, scope, pupil_id)
    behaviour = store.frame(
        """
        select h.academic_year, h.half_term, min(h.starts_on) as starts_on,
               count(*) filter (b.kind = 'negative') as negative,
               count(*) filter (b.kind = 'positive') as positive,
               coalesce(sum(b.points), 0) as points
        from behaviour_incidents b
        join pupils p on p.id = b.pupil_id
        left join half_terms h on h.school_id = p.school_id
             and b.occurred_on between h.starts_on and h.ends_on
        where b.pupil_id = ?
        group by all
        order by starts_on nulls last
        """,
        [pupil_id],
    )
    behaviour["half_term"] = (
        behaviour["half_term"].map(HALF_TERM_NAMES) + " " + behaviour["academic_year"]
    ).fillna("Holidays")
    return behaviour.drop(columns=["academic_year"])
