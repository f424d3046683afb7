"""Status facts: one row per pupil per tracked subject, with the pupil's context.

The same columns come from two places: the live statuses with each pupil's
context now (or as at a moment, which is what a snapshot freezes), and the
snapshot files. Every figure in LiveTrack is a query over facts, so a
filter or a grouping is written once and means the same live and in history.
"""

from datetime import date, datetime, timedelta
from pathlib import Path

from livetrack.calendar import first_calendar_year
from livetrack.domain import PERSISTENT_ABSENCE_PERCENT, SEVERE_ABSENCE_PERCENT
from livetrack.scope import Scope
from livetrack.store.statuses import live_statuses_sql

RECENT_BEHAVIOUR_DAYS = 42
"""Behaviour bands and "rising" read negative incidents over the last six weeks."""

FACTS = """
select l.school_id, l.pupil_id, l.subject_id, l.subject, l.status,
       l.changed_at as status_changed_at,
       p.year_group, l.class_id, l.class_name, p.sex, p.send, p.primary_need,
       p.pupil_premium, p.fsm, p.eal, p.looked_after,
       coalesce(month(p.date_of_birth) between 4 and 8, false) as summer_born,
       coalesce(a.sessions_possible, 0) as sessions_possible,
       coalesce(a.sessions_attended, 0) as sessions_attended,
       round(100.0 * a.sessions_attended / nullif(a.sessions_possible, 0), 1)
           as attendance_percent,
       coalesce(b.negative_incidents, 0) as negative_incidents,
       coalesce(b.positive_incidents, 0) as positive_incidents,
       coalesce(b.behaviour_points, 0) as behaviour_points,
       coalesce(b.negative_recent, 0) as negative_recent,
       coalesce(b.negative_before, 0) as negative_before,
       ?::timestamptz as as_at,
       ?::timestamptz as taken_at
from ({live}) l
join pupils p on p.id = l.pupil_id
left join (
    select pupil_id,
           sum(sessions_possible) as sessions_possible,
           sum(sessions_attended) as sessions_attended
    from attendance r
    where starts_on >= ? and starts_on <= ?
      -- A row inside a wider one (Autumn 1 in a year-to-date export) is
      -- already counted by the wider one.
      and not exists (
          select 1 from attendance w
          where w.pupil_id = r.pupil_id
            and w.starts_on >= ? and w.starts_on <= ?
            and w.starts_on <= r.starts_on and w.ends_on >= r.ends_on
            and (w.starts_on, w.ends_on) <> (r.starts_on, r.ends_on)
      )
    group by pupil_id
) a on a.pupil_id = l.pupil_id
left join (
    select pupil_id,
           count(*) filter (kind = 'negative') as negative_incidents,
           count(*) filter (kind = 'positive') as positive_incidents,
           sum(points) as behaviour_points,
           count(*) filter (kind = 'negative' and occurred_on > ?) as negative_recent,
           count(*) filter (kind = 'negative' and occurred_on <= ? and occurred_on > ?)
               as negative_before
    from behaviour_incidents
    where occurred_on between ? and ?
    group by pupil_id
) b on b.pupil_id = l.pupil_id
"""


def live_facts_sql(
    scope: Scope,
    academic_year: str,
    as_at: datetime | None = None,
    taken_at: datetime | None = None,
) -> tuple[str, list]:
    """The facts of every live status in the scope, as at now or a moment."""
    moment = as_at or datetime.now().astimezone()
    live, live_params = live_statuses_sql(scope, academic_year, moment)
    year_start = date(first_calendar_year(academic_year), 9, 1)
    day = moment.date()
    recent = day - timedelta(days=RECENT_BEHAVIOUR_DAYS)
    before = recent - timedelta(days=RECENT_BEHAVIOUR_DAYS)
    params = [
        moment, taken_at or moment, *live_params,
        year_start, day, year_start, day,
        recent, recent, before, year_start, day,
    ]  # fmt: skip
    return FACTS.format(live=live), params


ATTENDANCE_BANDS = {
    "96_plus": "96% and above",
    "90_to_96": "90% to 96%",
    "persistent": "Persistent absence (50% to 90%)",
    "severe": "Severe absence (50% or below)",
    "unknown": "No attendance yet",
}
BEHAVIOUR_BANDS = {
    "none": "No negative incidents in six weeks",
    "some": "1 or 2 negative incidents",
    "frequent": "3 or more negative incidents",
}
FREQUENT_NEGATIVE_INCIDENTS = 3

# Bands as SQL over fact columns; their codes are the keys above.
BANDS = f"""
case when attendance_percent is null then 'unknown'
     when attendance_percent <= {SEVERE_ABSENCE_PERCENT} then 'severe'
     when attendance_percent <= {PERSISTENT_ABSENCE_PERCENT} then 'persistent'
     when attendance_percent < 96 then '90_to_96'
     else '96_plus' end as attendance_band,
case when negative_recent = 0 then 'none'
     when negative_recent < {FREQUENT_NEGATIVE_INCIDENTS} then 'some'
     else 'frequent' end as behaviour_band
"""


def with_bands(facts_sql: str) -> str:
    """Facts with their attendance and behaviour bands beside them."""
    return f"select *, {BANDS} from ({facts_sql})"


HIVE_TYPES = "{'school': integer, 'year': varchar, 'half_term': varchar}"


def snapshot_facts_sql(
    files: list[Path],
    scope: Scope,
    academic_year: str | None = None,
    half_term: str | None = None,
) -> tuple[str, list] | None:
    """The facts of the snapshot files given, narrowed to the scope, year, half-term.

    `files` are the readable snapshot files (store/snapshots.py checks them);
    None when none is left to read, so callers show an empty history.
    """
    wanted = [
        path for path in files
        if _partition(path, "school") in _schools(scope)
        and academic_year in (None, _partition(path, "year"))
        and half_term in (None, _partition(path, "half_term"))
    ]  # fmt: skip
    if not wanted:
        return None
    where, params = scope.where(
        school="school", klass="class_id", subject="subject_id",
        year_group="year_group",
    )  # fmt: skip
    sql = f"""
        select school as school_id, year as academic_year,
               * exclude (school, year)
        from read_parquet(?, hive_partitioning = true, union_by_name = true,
                          hive_types = {HIVE_TYPES})
        where {where}
    """
    return sql, [[str(path) for path in wanted], *params]


def _partition(path: Path, key: str) -> str | None:
    """The value of a hive partition (school=3) in a snapshot file's path."""
    for part in path.parts:
        name, _, value = part.partition("=")
        if name == key:
            return value
    return None


class _Everything:
    def __contains__(self, item) -> bool:
        return True


def _schools(scope: Scope):
    if scope.school_ids is None:
        return _Everything()
    return {str(school_id) for school_id in scope.school_ids}
