"""The audit log: who signed in, imported, exported, replaced or changed what, and when.

Append-only, like the status log: nothing here updates or deletes a row.
Details are ids and counts, never a pupil's name, UPN or note.
"""

import json
from datetime import datetime

import duckdb
import pandas as pd

from livetrack.scope import Scope
from livetrack.store.connection import Store

SIGN_IN = "sign_in"
SIGN_OUT = "sign_out"
IMPORT = "import"
SNAPSHOT_REPLACED = "snapshot_replaced"
DOWNLOAD = "download"
EXPORT = "export"
ROLE_CHANGED = "role_changed"
PERSON_ADDED = "person_added"
CALENDAR_CHANGED = "calendar_changed"
NEW_YEAR = "new_year"
BACKUP = "backup"
RESTORE = "restore"
ERASURE = "erasure"
RETENTION = "retention"
SETTING_CHANGED = "setting_changed"
INTERVENTION_PLANNED = "intervention_planned"
INTERVENTION_REVIEWED = "intervention_reviewed"
ACTION_RECORDED = "action_recorded"

ACTION_NAMES = {
    SIGN_IN: "Signed in",
    SIGN_OUT: "Signed out",
    IMPORT: "Imported a file",
    SNAPSHOT_REPLACED: "Replaced a snapshot",
    DOWNLOAD: "Downloaded a table",
    EXPORT: "Exported a report",
    ROLE_CHANGED: "Changed a person's role or area",
    PERSON_ADDED: "Added a person",
    CALENDAR_CHANGED: "Changed the calendar",
    NEW_YEAR: "Started a new school year",
    BACKUP: "Made a backup",
    RESTORE: "Restored a backup",
    ERASURE: "Erased a pupil",
    RETENTION: "Removed leavers' personal data",
    SETTING_CHANGED: "Changed a setting",
    INTERVENTION_PLANNED: "Planned an intervention",
    INTERVENTION_REVIEWED: "Reviewed an intervention",
    ACTION_RECORDED: "Recorded a pupil's agreed action",
}


def record_event(
    cursor: duckdb.DuckDBPyConnection,
    staff_id: int | None,
    school_id: int | None,
    action: str,
    **details,
) -> None:
    """Append one event, inside the caller's transaction when it has one."""
    if action not in ACTION_NAMES:
        raise ValueError(f"unknown audit action {action!r}")
    cursor.execute(
        "insert into audit_log (staff_id, school_id, action, details)"
        " values (?, ?, ?, ?)",
        [staff_id, school_id, action, json.dumps(details, default=str)],
    )


def log_event(
    store: Store, staff_id: int | None, school_id: int | None, action: str, **details
) -> None:
    """Append one event in a transaction of its own."""
    with store.transaction() as cursor:
        record_event(cursor, staff_id, school_id, action, **details)


def load_audit(
    store: Store,
    scope: Scope,
    action: str | None = None,
    since: datetime | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """The newest events in the scope's schools, of one kind or since a time."""
    scope.require_administer()
    where, params = scope.where(school="coalesce(a.school_id, -1)")
    if scope.school_ids is not None:
        # Trust-wide events (no school) are shown to every admin.
        where = f"(a.school_id is null or {where})"
    return store.frame(
        f"""
        select a.id, a.recorded_at, a.action, a.school_id, a.details,
               coalesce(s.display_name, 'LiveTrack') as who
        from audit_log a
        left join staff s on s.id = a.staff_id
        where {where}
          and (?::varchar is null or a.action = ?)
          and (?::timestamptz is null or a.recorded_at >= ?)
        order by a.id desc
        limit ?
        """,
        [*params, action, action, since, since, limit],
    )
