"""The SQL behind a new academic year: the roll by class, and moving pupils up."""

from datetime import date, datetime

import duckdb
import pandas as pd

from livetrack.store.audit import NEW_YEAR
from livetrack.store.connection import Store


def load_roll_by_class(store: Store, school_id: int) -> pd.DataFrame:
    """How many pupils on roll sit in each class, by their year group."""
    return store.frame(
        """
        select c.name as class_name, p.year_group, count(*) as pupils
        from pupils p join classes c on c.id = p.class_id
        where p.school_id = ? and p.left_on is null
        group by all
        order by p.year_group, c.name
        """,
        [school_id],
    )


def load_new_year_event(store: Store, school_id: int, to_year: str) -> datetime | None:
    """When the school's move into `to_year` was recorded, if it was."""
    return store.value(
        """
        select max(recorded_at) from audit_log
        where school_id = ? and action = ?
          and json_extract_string(details, '$.to_year') = ?
        """,
        [school_id, NEW_YEAR, to_year],
    )


def count_status_changes(store: Store, school_id: int, academic_year: str) -> int:
    """How many statuses of a school's pupils were changed in an academic year."""
    return store.value(
        """
        select count(*) from status_changes sc
        join pupils p on p.id = sc.pupil_id
        where p.school_id = ? and sc.academic_year = ?
        """,
        [school_id, academic_year],
    )


def load_class_years(cursor: duckdb.DuckDBPyConnection, school_id: int) -> dict:
    """Each of a school's classes by name, with its year group."""
    return dict(
        cursor.execute(
            "select name, year_group from classes where school_id = ?", [school_id]
        ).fetchall()
    )


def move_pupils_up(
    cursor: duckdb.DuckDBPyConnection,
    school_id: int,
    class_moves: dict[str, int],
    leaves_on: date,
    last_year_group: int,
) -> None:
    """Mark the last year group as left; move the rest up a year, and class.

    `class_moves` maps a class's name to the id of the class its pupils move
    to; pupils of any other class stay where they are. Nothing is deleted.
    """
    cursor.execute(
        "update pupils set left_on = ?"
        " where school_id = ? and left_on is null and year_group >= ?",
        [leaves_on, school_id, last_year_group],
    )
    moves = pd.DataFrame(
        {"old_name": list(class_moves), "new_class_id": list(class_moves.values())},
        columns=["old_name", "new_class_id"],
    )
    cursor.register("moves", moves)
    cursor.execute(
        """
        update pupils set class_id = moves.new_class_id
        from moves join classes c on c.name = moves.old_name and c.school_id = ?
        where pupils.class_id = c.id and pupils.school_id = ?
          and pupils.left_on is null
        """,
        [school_id, school_id],
    )
    cursor.unregister("moves")
    cursor.execute(
        "update pupils set year_group = year_group + 1"
        " where school_id = ? and left_on is null",
        [school_id],
    )
