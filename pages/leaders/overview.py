"""Overview: the live Above, On and Below, where they stand out, and the group gaps."""

import pandas as pd
import streamlit as st

from livetrack import analytics
from livetrack.domain import year_group_label
from livetrack.filters import Filters
from livetrack.ui import cache, context
from livetrack.ui.charts import share_heatmap, status_bars
from livetrack.ui.filters import filter_bar, names_for, school_name
from livetrack.ui.formatting import count, percent, points
from livetrack.ui.palette import STATUS_COLOURS, status_label
from livetrack.ui.tables import render_table

SMALL = f"too small to read (n < {analytics.SMALL_GROUP_PUPILS})"


def render_headline(now: pd.DataFrame, before: pd.DataFrame | None, since: str):
    columns = st.columns(3)
    total, pupils = int(now["total"].sum()), int(now["pupils"].sum())
    shares = analytics.overall_shares(now)
    earlier = analytics.overall_shares(before) if before is not None else None
    for column, status in zip(columns, ["Below", "On", "Above"]):
        count, percent = shares[status]
        delta, change = None, None
        if earlier is not None and before["total"].sum():
            change = round(percent - earlier[status][1], 1)
            delta = (
                f"{change:+.1f} pts since {since}"
                if change
                else f"no change since {since}"
            )
        column.metric(
            status_label(status), f"{percent:.1f}%", delta=delta,
            delta_color="off" if not change else
            {"Below": "inverse", "On": "off"}.get(status, "normal"),
            delta_arrow="auto" if change else "off", border=True,
        )  # fmt: skip
        column.caption(
            f"{count:,} of {total:,} statuses · {pupils:,} "
            f"pupil{'' if pupils == 1 else 's'}"
        )


def render_heatmap(cells: pd.DataFrame) -> None:
    st.subheader("% Below by subject and year group")
    if cells.empty:
        st.info("No statuses to show for these filters.")
        return
    shares = analytics.add_shares(cells).assign(
        year=lambda frame: frame["year_group"].map(year_group_label),
        too_small=lambda frame: frame["pupils"].map(analytics.is_too_small),
    )
    st.plotly_chart(
        share_heatmap(shares, "subject", "year", "pct_below", STATUS_COLOURS["Below"]),
        key="heatmap", config={"displayModeBar": False},
    )  # fmt: skip
    st.caption(
        "Each cell shows % Below and its n pupils. A cell of fewer than "
        f"{analytics.SMALL_GROUP_PUPILS} pupils is too small to read and is left "
        "uncoloured."
    )


def render_breakdown(counts: pd.DataFrame, before, label: str, title: str, key):
    st.subheader(title)
    if counts.empty:
        st.info("No statuses to show for these filters.")
        return
    st.plotly_chart(
        status_bars(analytics.shares_long(counts, label), label),
        key=f"chart-{key}", config={"displayModeBar": False},
    )  # fmt: skip
    with st.expander(f"{title} as a table"):
        render_table(
            share_table(counts, before, label), title, key=f"table-{key}", static=True
        )


def share_table(counts, before, label: str) -> pd.DataFrame:
    """Each group's shares with their n, and the change in % Below since before."""
    keys = [label]
    changes = analytics.change_since(counts, before, keys)
    table = pd.DataFrame({label.replace("_", " ").capitalize(): counts[label]})
    for status, column in analytics.COUNT_COLUMNS.items():
        table[status] = [
            analytics.format_share(count, total)
            for count, total in zip(counts[column], counts["total"])
        ]
    table["n pupils"] = counts["pupils"]
    table["Below since last snapshot"] = changes["change_below"].map(points)
    return table


def render_gaps(gaps: pd.DataFrame, hidden: bool) -> None:
    """The group gaps table. When `hidden` (a figures-only role), a group under
    five pupils was left out of the counts: its n reads "under 5", and the n it
    is compared with is not shown, which would give the group's size away."""
    st.subheader("Group gaps")
    readable = ~gaps["too_small"]
    left_out = hidden & (gaps["group_pupils"] == 0)
    group_n = gaps["group_pupils"].map(count).where(~left_out, analytics.LEFT_OUT)
    for column in ("group_below", "group_above", "others_below", "others_above"):
        gaps[column] = gaps[column].where(readable)
    table = pd.DataFrame(
        {
            "Group": gaps["gap"],
            "n pupils": group_n,
            "% Below": gaps["group_below"].map(percent),
            "% Above": gaps["group_above"].map(percent),
            "n compared with": gaps["others_pupils"].map(count).where(~left_out, ""),
            "% Below (compared)": gaps["others_below"].map(percent),
            "% Above (compared)": gaps["others_above"].map(percent),
            "Gap in % Below": [
                SMALL if small else f"{gap:+.1f} pts"
                for gap, small in zip(gaps["below_gap"], gaps["too_small"])
            ],
        }
    )
    render_table(table, "Group gaps", key="gaps", static=True)
    st.caption(
        "Each group against the pupils it is compared with: pupil premium and "
        "EAL against the rest, SEN support and EHC plans against pupils with no "
        "SEN, girls against boys. Percentages are of pupil-subject statuses."
    )


def group_counts(store, scope, source, filters: Filters) -> dict[str, pd.DataFrame]:
    columns = {column for _, column, _, _ in analytics.GAPS}
    return {
        column: cache.counts(store, store.version, scope, source, filters, (column,))
        for column in columns
    }


def main() -> None:
    store, scope = context.store(), context.scope()
    filters = filter_bar(store, scope)
    school_scope = scope.within_school(filters.school_id)
    year = context.academic_year()
    live = ("live", year, context.today().isoformat())
    before_key, since = cache.last_snapshot(store, school_scope, filters.school_id)

    def counts(source, *by):
        if source is None:
            return None
        return cache.counts(store, store.version, school_scope, source, filters, by)

    name = school_name(store, scope, filters)
    described = filters.describe(names_for(store, school_scope, filters.school_id))
    st.title("Overview")
    part = context.reach(school_scope)
    who = f"{described} in {part}" if part else described
    st.caption(f"{name} · {who} · live statuses for {year}, as they are now")
    now = counts(live)
    if now.empty or not now["total"].sum():
        st.info(
            "No pupils match these filters."
            if scope.pupil_rows
            else f"Fewer than {analytics.SMALL_GROUP_PUPILS} pupils match these "
            "filters: too few to show to your role."
        )
        return
    render_headline(now, counts(before_key), since)
    render_heatmap(counts(live, "subject", "year_group"))
    left, right = st.columns(2, gap="large")
    with left:
        render_breakdown(counts(live, "subject"), counts(before_key, "subject"),
                         "subject", "By subject", "subject")  # fmt: skip
    with right:
        by_year = counts(live, "year_group")
        earlier = counts(before_key, "year_group")
        for frame in (by_year, earlier):
            if frame is not None:
                frame["year_group"] = frame["year_group"].map(year_group_label)
        render_breakdown(by_year, earlier, "year_group", "By year group", "year")
    render_gaps(
        analytics.group_gaps(group_counts(store, school_scope, live, filters)),
        hidden=not scope.pupil_rows,
    )


main()
