"""Figures over status facts: counts by group, and pupils rolled up across subjects.

A source is a (sql, params) pair of facts, live (`live_source`) or from a
snapshot (`snapshot_source`); a Filters value narrows it; a grouping from
GROUPS splits it. Nothing here builds SQL from what a person typed.
"""

from datetime import datetime

import pandas as pd

from livetrack.filters import Filters
from livetrack.scope import Scope
from livetrack.store.connection import Store
from livetrack.store.facts import live_facts_sql, snapshot_facts_sql, with_bands
from livetrack.store.snapshots import readable_snapshot_files

Source = tuple[str, list]

# Each grouping a page may ask for, as the fact columns it groups by.
GROUPS = {
    "school": ["school_id"],
    "subject": ["subject_id", "subject"],
    "year_group": ["year_group"],
    "class": ["class_id", "class_name", "year_group"],
    "send": ["send"],
    "pupil_premium": ["pupil_premium"],
    "fsm": ["fsm"],
    "eal": ["eal"],
    "sex": ["sex"],
    "looked_after": ["looked_after"],
    "summer_born": ["summer_born"],
    "attendance_band": ["attendance_band"],
    "behaviour_band": ["behaviour_band"],
    "status": ["status"],
    "half_term": ["academic_year", "half_term"],
}

COUNTS = """
count(*) filter (f.status = 'Above') as above,
count(*) filter (f.status = 'On') as "on",
count(*) filter (f.status = 'Below') as below,
count(*) as total,
count(distinct f.pupil_id) as pupils
"""


def live_source(
    scope: Scope, academic_year: str, as_at: datetime | None = None
) -> Source:
    return live_facts_sql(scope, academic_year, as_at)


def snapshot_source(
    store: Store,
    scope: Scope,
    academic_year: str | None = None,
    half_term: str | None = None,
) -> Source | None:
    """A snapshot's facts (every snapshot's without a year); None before any exists.

    Damaged or missing snapshot files are left out; the pages name them.
    """
    files = readable_snapshot_files(store).readable
    return snapshot_facts_sql(files, scope, academic_year, half_term)


def count_facts(
    store: Store, source: Source, filters: Filters, by: list[str] = ()
) -> pd.DataFrame:
    """Above, On, Below, total statuses and distinct pupils, per group of `by`.

    Subjects come in the school's order; every other grouping in value order.
    """
    columns = [column for key in by for column in GROUPS[key]]
    keys = ", ".join(f"f.{column}" for column in columns)
    where, params = filters.where()
    order = "min(j.position), " if "subject" in by else ""
    sql = f"""
        select {keys + ", " if keys else ""}{COUNTS}
        from ({with_bands(source[0])}) f
        left join subjects j on j.id = f.subject_id
        where {where}
        {"group by " + keys if keys else ""}
        {"order by " + order + keys if keys else ""}
    """
    return store.frame(sql, [*source[1], *params])


PUPIL_ROLLUP = """
select f.pupil_id, any_value(f.school_id) as school_id,
       any_value(f.year_group) as year_group, any_value(f.class_id) as class_id,
       any_value(f.class_name) as class_name, any_value(f.send) as send,
       any_value(f.primary_need) as primary_need,
       any_value(f.pupil_premium) as pupil_premium, any_value(f.fsm) as fsm,
       any_value(f.eal) as eal, any_value(f.sex) as sex,
       any_value(f.looked_after) as looked_after,
       any_value(f.attendance_percent) as attendance_percent,
       any_value(f.attendance_band) as attendance_band,
       any_value(f.negative_recent) as negative_recent,
       any_value(f.negative_before) as negative_before,
       any_value(f.negative_incidents) as negative_incidents,
       any_value(f.positive_incidents) as positive_incidents,
       any_value(f.behaviour_band) as behaviour_band,
       count(*) as subjects,
       count(*) filter (f.status = 'Below') as below,
       count(*) filter (f.status = 'Above') as above,
       list(f.subject order by j.position) filter (f.status = 'Below')
           as below_subjects,
       list(f.subject order by j.position) filter (f.status = 'Above')
           as above_subjects
from ({facts}) f
left join subjects j on j.id = f.subject_id
where {where}
group by f.pupil_id
"""


def roll_up_pupils(
    store: Store,
    scope: Scope,
    source: Source,
    filters: Filters,
    status: str | None = None,
) -> pd.DataFrame:
    """One row per pupil: how many subjects Above and Below, with their context.

    With `status`, only pupils with that status in at least one subject.
    Names are added where the scope allows; primary needs where it shows SEND.
    """
    scope.require_pupil_rows()
    where, params = filters.where()
    rollup = PUPIL_ROLLUP.format(facts=with_bands(source[0]), where=where)
    pupils = store.frame(
        f"""
        select r.*, {NAMES if scope.names_visible else NO_NAMES}
        from ({rollup}) r
        join pupils p on p.id = r.pupil_id
        where ?::varchar is null
           or (? = 'Below' and r.below > 0) or (? = 'Above' and r.above > 0)
           or (? = 'On' and r.subjects > r.below + r.above)
        order by r.year_group, r.class_name, p.legal_last_name, p.id
        """,
        [*source[1], *params, status, status, status, status],
    )
    if not scope.send_detail:
        pupils["primary_need"] = None
    return pupils


NAMES = """
coalesce(p.preferred_first_name, p.legal_first_name) as first_name,
p.legal_last_name as last_name
"""
NO_NAMES = "null::varchar as first_name, null::varchar as last_name"
