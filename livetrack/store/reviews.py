"""Review freshness: when each class's statuses in each subject were last looked at.

A status change is a review of that pupil; a teacher can also confirm a
whole class's column as reviewed without changing anything. The latest of
the two is when the column was last reviewed.
"""

import logging
from datetime import datetime

import pandas as pd

from livetrack.errors import InvalidChange, NotAllowed
from livetrack.scope import Scope
from livetrack.store.connection import Store

log = logging.getLogger(__name__)


def confirm_reviewed(
    store: Store,
    scope: Scope,
    staff_id: int,
    class_id: int,
    subject_ids: list[int],
    academic_year: str,
) -> int:
    """Record that a teacher reviewed a class's statuses in these subjects."""
    if not scope.can_record:
        raise NotAllowed("Your role can read statuses but not review them.")
    where, params = scope.where(
        school="c.school_id", klass="c.id", subject="s.id", year_group="c.year_group"
    )
    found = store.rows(
        f"""
        select s.id from classes c
        join subjects s on s.school_id = c.school_id
        join subject_year_groups g
          on g.subject_id = s.id and g.year_group = c.year_group
        where c.id = ? and list_contains(?::integer[], s.id) and {where}
        """,
        [class_id, subject_ids, *params],
    )
    if len(found) != len(set(subject_ids)) or not subject_ids:
        raise InvalidChange("Those subjects are not yours to review for this class.")
    with store.transaction() as cursor:
        cursor.executemany(
            "insert into status_reviews"
            " (class_id, subject_id, academic_year, reviewed_by) values (?, ?, ?, ?)",
            [
                [class_id, subject_id, academic_year, staff_id]
                for (subject_id,) in found
            ],
        )
    log.info("confirmed %d subjects reviewed for class %d", len(found), class_id)
    return len(found)


def load_freshness(
    store: Store, scope: Scope, school_id: int, academic_year: str
) -> pd.DataFrame:
    """Every class and subject in the scope: when last reviewed, and by whom."""
    where, params = scope.where(
        school="c.school_id", klass="c.id", subject="s.id", year_group="c.year_group"
    )
    return store.frame(
        f"""
        with changes as (
            select p.class_id, sc.subject_id,
                   max(sc.changed_at) as at, arg_max(sc.changed_by, sc.changed_at) as by
            from status_changes sc join pupils p on p.id = sc.pupil_id
            where sc.academic_year = ? and p.left_on is null
            group by all
        ), reviews as (
            select class_id, subject_id,
                   max(reviewed_at) as at, arg_max(reviewed_by, reviewed_at) as by
            from status_reviews where academic_year = ?
            group by all
        )
        select c.id as class_id, c.name as class_name, c.year_group,
               s.id as subject_id, s.name as subject, s.position,
               greatest(ch.at, r.at) as last_reviewed,
               st.display_name as reviewed_by,
               ch.at as last_change, r.at as last_confirmed
        from classes c
        join subjects s on s.school_id = c.school_id
        join subject_year_groups g
          on g.subject_id = s.id and g.year_group = c.year_group
        left join changes ch on ch.class_id = c.id and ch.subject_id = s.id
        left join reviews r on r.class_id = c.id and r.subject_id = s.id
        left join staff st on st.id = case when r.at is null or ch.at > r.at
                                           then ch.by else r.by end
        where c.school_id = ? and {where}
          and exists (select 1 from pupils p
                      where p.class_id = c.id and p.left_on is null)
        order by c.year_group, c.name, s.position
        """,
        [academic_year, academic_year, school_id, *params],
    )


FRESHNESS_BANDS = [
    (14, "In the last two weeks"),
    (42, "Two to six weeks ago"),
    (None, "Over six weeks ago"),
]
NEVER = "Never reviewed"


def freshness_band(last_reviewed, now: datetime) -> str:
    """How long ago a column was reviewed, in a leader's words."""
    if last_reviewed is None or pd.isna(last_reviewed):
        return NEVER
    days = (now - pd.Timestamp(last_reviewed).to_pydatetime()).days
    for limit, words in FRESHNESS_BANDS:
        if limit is None or days < limit:
            return words
    return FRESHNESS_BANDS[-1][1]
