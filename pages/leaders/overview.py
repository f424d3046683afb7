"""Overview: the school's live Above, On and Below, by subject and by year group."""

import pandas as pd
import streamlit as st

from livetrack import analytics
from livetrack.calendar import HALF_TERM_NAMES, HALF_TERMS
from livetrack.domain import year_group_label
from livetrack.ui import cache, context
from livetrack.ui.charts import status_bars
from livetrack.ui.palette import status_label

HALF_TERM_ORDER = {code: position for position, (code, _) in enumerate(HALF_TERMS)}


def latest_snapshot(snapshots: pd.DataFrame, school_id: int) -> pd.Series | None:
    """A school's most recent half-term snapshot, by the calendar, not the clock."""
    own = snapshots[snapshots["school_id"] == school_id]
    if own.empty:
        return None
    order = own["academic_year"] + own["half_term"].map(HALF_TERM_ORDER).astype(str)
    return own.loc[order.idxmax()]


def render_headline(live: dict, snapshot: pd.Series | None, pupils: int) -> None:
    since = ""
    if snapshot is not None:
        since = f"{HALF_TERM_NAMES[snapshot['half_term']]} {snapshot['academic_year']}"
    columns = st.columns(3)
    total = sum(count for count, _ in live.values())
    for column, status in zip(columns, ["Below", "On", "Above"]):
        count, percent = live[status]
        delta = None
        if snapshot is not None and snapshot["total"]:
            before = 100 * snapshot[status.lower()] / snapshot["total"]
            delta = f"{percent - before:+.1f} pts since {since}"
        column.metric(
            status_label(status),
            f"{percent:.1f}%",
            delta=delta,
            delta_color={"Below": "inverse", "On": "off"}.get(status, "normal"),
            help=f"{count:,} of {total:,} pupil-subject statuses",
            border=True,
        )
        column.caption(f"{count:,} of {total:,} statuses · {pupils:,} pupils")


def render_breakdown(counts: pd.DataFrame, label: str, title: str) -> None:
    st.subheader(title)
    if counts.empty:
        st.info("No statuses to show yet.")
        return
    shares = analytics.shares_long(counts, label)
    st.plotly_chart(
        status_bars(shares, label),
        key=f"chart-{label}",
        config={"displayModeBar": False},
    )
    with st.expander(f"{title} as a table"):
        st.table(share_table(counts, label), hide_index=True)


def share_table(counts: pd.DataFrame, label: str) -> pd.DataFrame:
    """Each group's counts and shares, written the way a report would print them."""
    table = pd.DataFrame({label.replace("_", " ").capitalize(): counts[label]})
    for status, column in analytics.COUNT_COLUMNS.items():
        table[status] = [
            analytics.format_share(count, total)
            for count, total in zip(counts[column], counts["total"])
        ]
    table["n (statuses)"] = counts["total"].map("{:,}".format)
    return table


def main() -> None:
    store, scope = context.store(), context.scope()
    school = context.pick_school(store, scope)
    year = context.academic_year()
    st.title("Overview")
    st.caption(f"{school.name} · live statuses for {year}, as they stand right now")

    by_subject = cache.status_counts(
        store, store.version, scope, year, "subject", school.id
    )
    by_year = cache.status_counts(
        store, store.version, scope, year, "year_group", school.id
    )
    by_year["year_group"] = by_year["year_group"].map(year_group_label)
    snapshots = cache.snapshot_counts(store, store.version, scope)
    pupils = cache.classes(store, store.version, scope, school.id)["pupils"].sum()

    render_headline(
        analytics.overall_shares(by_subject),
        latest_snapshot(snapshots, school.id),
        pupils,
    )
    left, right = st.columns(2, gap="large")
    with left:
        render_breakdown(by_subject, "subject", "By subject")
    with right:
        render_breakdown(by_year, "year_group", "By year group")


main()
