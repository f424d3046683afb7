"""Behaviour incidents: written once each, whatever file brings them again.

Every imported incident carries a natural key (see MIS_IMPORTS in
migrations.py); an incident whose pupil already has its key is left alone.
"""

import duckdb
import pandas as pd

from livetrack.scope import Scope
from livetrack.store.attendance import year_bounds
from livetrack.store.connection import Store

KEYED_INCIDENT_COLUMNS = [
    "pupil_id", "occurred_on", "kind", "category", "points", "natural_key",
]  # fmt: skip

HALF_TERM_COLUMNS = [
    "pupil_id", "half_term", "positive", "negative", "positive_points",
    "negative_points",
]  # fmt: skip


def add_new_incidents(
    cursor: duckdb.DuckDBPyConnection, incidents: pd.DataFrame
) -> int:
    """Insert the incidents (KEYED_INCIDENT_COLUMNS) not yet held; returns how many."""
    cursor.register("incoming", incidents[KEYED_INCIDENT_COLUMNS])
    columns = ", ".join(KEYED_INCIDENT_COLUMNS)
    added = cursor.execute(
        f"""
        insert into behaviour_incidents ({columns})
        select {columns} from incoming i
        where not exists (
            select 1 from behaviour_incidents b
            where b.pupil_id = i.pupil_id and b.natural_key = i.natural_key
        )
        """
    ).fetchone()[0]
    cursor.unregister("incoming")
    return added


def behaviour_by_half_term(
    store: Store, scope: Scope, school_id: int, academic_year: str
) -> pd.DataFrame:
    """Each pupil's positive and negative incidents, and their points, by half-term.

    An incident in a holiday counts toward the half-term before it (one on
    1 September, before the first half-term starts, toward the first).
    Only pupils with incidents appear (HALF_TERM_COLUMNS).
    """
    scope.require_pupil_rows()
    where, params = scope.where(
        school="p.school_id", klass="p.class_id", year_group="p.year_group"
    )
    year_start, year_end = year_bounds(academic_year)
    return store.frame(
        f"""
        with terms as (
            select half_term, starts_on,
                   case when row_number() over w = 1 then ?::date
                        else starts_on end as opens,
                   coalesce(lead(starts_on) over w - 1, ?::date) as closes
            from half_terms where school_id = ? and academic_year = ?
            window w as (order by starts_on)
        )
        select b.pupil_id, t.half_term,
               count(*) filter (where b.kind = 'positive')::integer as positive,
               count(*) filter (where b.kind = 'negative')::integer as negative,
               coalesce(sum(b.points) filter (where b.kind = 'positive'), 0)::integer
                   as positive_points,
               coalesce(sum(b.points) filter (where b.kind = 'negative'), 0)::integer
                   as negative_points
        from behaviour_incidents b
        join pupils p on p.id = b.pupil_id
        join terms t on b.occurred_on between t.opens and t.closes
        where p.school_id = ? and p.left_on is null and {where}
        group by b.pupil_id, t.half_term, t.starts_on
        order by b.pupil_id, t.starts_on
        """,
        [year_start, year_end, school_id, academic_year, school_id, *params],
    )
