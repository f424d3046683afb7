"""Audit: who did what and when. Read only: nothing here can be edited or deleted."""

import json
from datetime import UTC, datetime, time, timedelta

import pandas as pd
import streamlit as st

from livetrack.store.audit import ACTION_NAMES, load_audit
from livetrack.ui import context
from livetrack.ui.formatting import london_time
from livetrack.ui.tables import render_table

SHOWN_EVENTS = 1000


def details_in_words(details: str | None) -> str:
    """An event's details as 'rows: 12 · table: Concern list'."""
    if not details:
        return ""
    values = json.loads(details)
    return " · ".join(
        f"{key.replace('_', ' ')}: {value}" for key, value in values.items()
    )


def main() -> None:
    store, scope = context.store(), context.scope()
    st.title("Audit log")
    st.caption(
        "Every sign-in, import, snapshot replacement, download, export and change "
        "of a person's role, with who and when. Status changes are kept in the "
        "status log itself. Nothing here can be changed or deleted."
    )
    left, right = st.columns(2)
    action = left.selectbox(
        "What", [None, *ACTION_NAMES], format_func=lambda a: ACTION_NAMES.get(a, "All"),
        key="audit-action",
    )  # fmt: skip
    since = right.date_input(
        "Since", context.today() - timedelta(days=30), key="audit-since",
        max_value=context.today(), format="DD/MM/YYYY",
    )  # fmt: skip
    events = load_audit(
        store, scope, action, datetime.combine(since, time.min, tzinfo=UTC),
        limit=SHOWN_EVENTS,
    )  # fmt: skip
    if events.empty:
        st.info("Nothing recorded for that choice.")
        return
    table = pd.DataFrame(
        {
            "When": london_time(events["recorded_at"], "%-d %b %Y, %H:%M:%S"),
            "Who": events["who"],
            "What": events["action"].map(ACTION_NAMES),
            "Details": events["details"].map(details_in_words),
        }
    )
    st.caption(f"The newest {len(table):,} events (at most {SHOWN_EVENTS:,}).")
    render_table(table, "Audit log", key="audit")


main()
