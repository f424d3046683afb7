"""The SQL behind snapshots: live statuses with each pupil's context as at a moment,
and the history read back from the Parquet files."""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa

from livetrack.calendar import first_calendar_year
from livetrack.files import parquet_problem
from livetrack.scope import Scope
from livetrack.store.connection import Store
from livetrack.store.statuses import live_statuses_sql

SNAPSHOT_FILE_NAME = "snapshot.parquet"
HISTORY_GLOB = f"school=*/year=*/half_term=*/{SNAPSHOT_FILE_NAME}"
SNAPSHOT_COUNT_COLUMNS = [
    "school_id", "academic_year", "half_term", "as_at", "taken_at", "pupils",
    "above", "on", "below", "total",
]  # fmt: skip

SNAPSHOT_ROWS = """
select l.pupil_id, l.subject_id, l.subject, l.status, l.changed_at as status_changed_at,
       p.year_group, l.class_id, l.class_name, p.sex, p.send, p.primary_need,
       p.pupil_premium, p.fsm, p.eal, p.looked_after,
       month(p.date_of_birth) between 4 and 8 as summer_born,
       coalesce(a.sessions_possible, 0) as sessions_possible,
       coalesce(a.sessions_attended, 0) as sessions_attended,
       round(100.0 * a.sessions_attended / nullif(a.sessions_possible, 0), 1)
           as attendance_percent,
       coalesce(b.negative_incidents, 0) as negative_incidents,
       coalesce(b.positive_incidents, 0) as positive_incidents,
       coalesce(b.behaviour_points, 0) as behaviour_points,
       ?::timestamptz as as_at,
       ?::timestamptz as taken_at
from ({live}) l
join pupils p on p.id = l.pupil_id
left join (
    select pupil_id,
           sum(sessions_possible) as sessions_possible,
           sum(sessions_attended) as sessions_attended
    from attendance
    where starts_on >= ? and ends_on <= ?
    group by pupil_id
) a on a.pupil_id = l.pupil_id
left join (
    select pupil_id,
           count(*) filter (kind = 'negative') as negative_incidents,
           count(*) filter (kind = 'positive') as positive_incidents,
           sum(points) as behaviour_points
    from behaviour_incidents
    where occurred_on between ? and ?
    group by pupil_id
) b on b.pupil_id = l.pupil_id
where l.school_id = ?
order by l.pupil_id, l.position
"""


def read_snapshot_rows(
    store: Store,
    school_id: int,
    academic_year: str,
    as_at: datetime,
    taken_at: datetime,
) -> pa.Table:
    """Every live status of a school as at a moment, with each pupil's context then."""
    live, live_params = live_statuses_sql(Scope.everything(), academic_year, as_at)
    year_start = date(first_calendar_year(academic_year), 9, 1)
    day = as_at.date()
    with store.cursor() as cursor:
        return cursor.sql(
            SNAPSHOT_ROWS.format(live=live),
            params=[
                as_at,
                taken_at,
                *live_params,
                year_start,
                day,
                year_start,
                day,
                school_id,
            ],
        ).to_arrow_table()


def count_snapshot_statuses(store: Store, scope: Scope) -> pd.DataFrame:
    """Each snapshot on disk in the scope, with its Above, On and Below counts."""
    files = readable_snapshot_files(store).readable
    if not files:
        return pd.DataFrame(columns=SNAPSHOT_COUNT_COLUMNS)
    where, params = scope.where(
        school="school", klass="class_id", subject="subject_id",
        year_group="year_group",
    )  # fmt: skip
    return store.frame(
        f"""
        select school as school_id, year as academic_year, half_term,
               max(as_at) as as_at,
               max(taken_at) as taken_at,
               count(distinct pupil_id) as pupils,
               count(*) filter (status = 'Above') as above,
               count(*) filter (status = 'On') as "on",
               count(*) filter (status = 'Below') as below,
               count(*) as total
        from read_parquet(
            ?::varchar[], hive_partitioning = true,
            hive_types = {{'school': integer, 'year': varchar, 'half_term': varchar}})
        where {where}
        group by all
        order by school_id, as_at
        """,
        [[str(path) for path in files], *params],
    )


@dataclass(frozen=True)
class SnapshotFiles:
    """The snapshot files that read whole, and the names of those that do not."""

    readable: list[Path]
    unreadable: dict[str, str]  # name under the data folder: what is wrong


def readable_snapshot_files(store: Store) -> SnapshotFiles:
    """Every snapshot file on disk, checked: history reads the readable ones only.

    A half-term folder without its file is a snapshot lost from the disk.
    """
    readable, unreadable = [], {}
    for folder in sorted(store.snapshots_dir.glob(HISTORY_GLOB.rpartition("/")[0])):
        path = folder / SNAPSHOT_FILE_NAME
        problem = parquet_problem(path, ("pupil_id", "status"))
        if problem is None:
            readable.append(path)
        else:
            unreadable[str(path.relative_to(store.data_dir))] = problem
    return SnapshotFiles(readable, unreadable)
