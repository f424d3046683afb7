"""Pupils, their attendance and behaviour: bulk writes for imports and the demo."""

import duckdb
import pandas as pd

from livetrack.scope import Scope
from livetrack.store.connection import Store

PUPIL_COLUMNS = [
    "school_id", "upn", "legal_first_name", "legal_last_name",
    "preferred_first_name", "date_of_birth", "sex", "year_group", "class_id",
    "send", "primary_need", "pupil_premium", "fsm", "eal", "looked_after",
    "joined_on", "left_on",
]  # fmt: skip

ATTENDANCE_COLUMNS = [
    "pupil_id", "starts_on", "ends_on", "sessions_possible", "sessions_attended",
    "sessions_authorised", "sessions_unauthorised",
]  # fmt: skip

INCIDENT_COLUMNS = ["pupil_id", "occurred_on", "kind", "category", "points"]

HISTORY_COLUMNS = [
    "pupil_id", "subject_id", "academic_year", "status", "evidence", "note",
    "changed_by", "changed_at",
]  # fmt: skip


def _insert_frame(
    cursor: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[str],
    frame: pd.DataFrame,
) -> None:
    # `table` and `columns` come from this module's constants, never from input.
    cursor.register("incoming", frame[columns])
    column_list = ", ".join(columns)
    cursor.execute(
        f"insert into {table} ({column_list}) select {column_list} from incoming"
    )
    cursor.unregister("incoming")


def insert_pupils(cursor: duckdb.DuckDBPyConnection, pupils: pd.DataFrame) -> pd.Series:
    """Add pupils (one row each, PUPIL_COLUMNS); returns their new ids by UPN."""
    _insert_frame(cursor, "pupils", PUPIL_COLUMNS, pupils)
    school_ids = sorted(pupils["school_id"].unique().tolist())
    ids = cursor.execute(
        "select upn, id from pupils where list_contains(?::integer[], school_id)",
        [school_ids],
    ).df()
    return ids.set_index("upn")["id"]


def update_pupils(cursor: duckdb.DuckDBPyConnection, pupils: pd.DataFrame) -> None:
    """Overwrite the details of existing pupils, matched by school and UPN."""
    cursor.register("incoming", pupils[PUPIL_COLUMNS])
    assignments = ", ".join(
        f"{column} = incoming.{column}"
        for column in PUPIL_COLUMNS
        if column not in ("school_id", "upn")
    )
    cursor.execute(
        f"update pupils set {assignments} from incoming"
        " where pupils.school_id = incoming.school_id and pupils.upn = incoming.upn"
    )
    cursor.unregister("incoming")


def insert_attendance(
    cursor: duckdb.DuckDBPyConnection, attendance: pd.DataFrame
) -> None:
    _insert_frame(cursor, "attendance", ATTENDANCE_COLUMNS, attendance)


def insert_incidents(
    cursor: duckdb.DuckDBPyConnection, incidents: pd.DataFrame
) -> None:
    _insert_frame(cursor, "behaviour_incidents", INCIDENT_COLUMNS, incidents)


def insert_status_history(
    cursor: duckdb.DuckDBPyConnection, history: pd.DataFrame
) -> None:
    """Append past status changes with their own times (the demo's history)."""
    _insert_frame(
        cursor, "status_changes", HISTORY_COLUMNS, history.sort_values("changed_at")
    )


def load_roster(store: Store, school_id: int) -> pd.DataFrame:
    """Every pupil a school has ever had, on roll or left, with their class name."""
    return store.frame(
        """
        select p.*, c.name as class_name
        from pupils p left join classes c on c.id = p.class_id
        where p.school_id = ?
        order by p.upn
        """,
        [school_id],
    )


def load_pupils(store: Store, scope: Scope, school_id: int) -> pd.DataFrame:
    """The pupils on roll that a person may see, with their class."""
    scope.require_pupil_rows()
    where, params = scope.where(
        school="p.school_id", klass="p.class_id", year_group="p.year_group"
    )
    return store.frame(
        f"""
        select p.id, p.upn, p.legal_first_name, p.legal_last_name,
               p.preferred_first_name, p.year_group, c.name as class_name,
               p.send, p.pupil_premium, p.fsm, p.eal, p.sex
        from pupils p join classes c on c.id = p.class_id
        where p.school_id = ? and p.left_on is null and {where}
        order by p.year_group, c.name, p.legal_last_name, p.legal_first_name
        """,
        [school_id, *params],
    )
