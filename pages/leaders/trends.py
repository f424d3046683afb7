"""Trends: % Below and % Above at every snapshot and live, beside a year before."""

import functools

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import qualitative

from livetrack.analytics import SMALL_GROUP_PUPILS
from livetrack.calendar import half_term_on
from livetrack.domain import year_group_label
from livetrack.history import cohort_label, trend_points
from livetrack.store.history import all_of, count_history, load_live_rows
from livetrack.store.schools import load_half_terms
from livetrack.ui import cache, context
from livetrack.ui.filters import filter_bar, school_name
from livetrack.ui.formatting import count, percent
from livetrack.ui.palette import STATUS_COLOURS, status_label

BREAKDOWN_NAMES = {
    "school": "Whole school",
    "subject": "By subject",
    "year_group": "By year group (as it was at each point)",
    "cohort": "By cohort, followed up the school",
}
ALL_SUBJECTS = "All subjects"
CHART_HEIGHT_PX = 380


def pick_view(store, scope, school) -> tuple[str, tuple]:
    """The breakdown, and the subject as a condition on the history rows."""
    left, right = st.columns(2)
    by = left.radio(
        "Show", list(BREAKDOWN_NAMES), format_func=BREAKDOWN_NAMES.get,
        key="trends-by",
    )  # fmt: skip
    subjects = cache.subjects(store, store.version, scope, school.id)
    names = {ALL_SUBJECTS: ALL_SUBJECTS, **dict(zip(subjects["id"], subjects["name"]))}
    chosen = right.selectbox(
        "Subject", list(names), format_func=names.get, key="trends-subject",
        disabled=by == "subject",
    )  # fmt: skip
    if by == "subject" or chosen == ALL_SUBJECTS:
        return by, all_of()
    return by, all_of(("subject_id = ?", [int(chosen)]))


def load_points(store, scope, school, by: str, condition) -> pd.DataFrame:
    today, year = context.today(), context.academic_year()
    live = load_live_rows(store, school.id, year, context.now())
    counts = count_history(store, scope, school.id, by, live, condition=condition)
    live_half_term = half_term_on(load_half_terms(store, school.id, year), today)
    return trend_points(counts, live_half_term.code if live_half_term else None)


def group_names(points: pd.DataFrame, by: str, part: str | None) -> pd.Series:
    """Each point's group as the legend and table name it."""
    if by == "school":
        whole = f"All pupils in {part}" if part else "Whole school"
        return pd.Series(whole, index=points.index)
    if by == "subject":
        return points["subject"]
    if by == "year_group":
        return points["year_group"].map(year_group_label)
    return points["cohort"].map(cohort_label)


def trend_chart(points: pd.DataFrame, status: str, by: str) -> go.Figure:
    """One line per group across the points, labelled with its %; last year beside."""
    column = f"{status.lower()}_percent"
    order = list(dict.fromkeys(points.sort_values("order")["point"]))
    figure = go.Figure()
    groups = list(dict.fromkeys(points["group"]))
    for position, group in enumerate(groups):
        rows = points[points["group"] == group]
        colour = (
            STATUS_COLOURS[status]
            if by == "school"
            else qualitative.Safe[position % len(qualitative.Safe)]
        )
        figure.add_scatter(
            x=rows["point"], y=rows[column], name=group, mode="lines+markers+text",
            line={"color": colour, "width": 3}, marker={"size": 9},
            text=[f"{v:.1f}%" if pd.notna(v) else "" for v in rows[column]],
            textposition="top center",
            customdata=rows[["n", f"{column}_last_year", "n_last_year"]].to_numpy(),
            hovertemplate=(
                f"{group}<br>%{{x}}: %{{y:.1f}}% {status} of %{{customdata[0]}}"
                "<br>A year before: %{customdata[1]:.1f}% of %{customdata[2]}"
                "<extra></extra>"
            ),
        )  # fmt: skip
        if by == "school":
            figure.add_scatter(
                x=rows["point"], y=rows[f"{column}_last_year"],
                name="Same half-term a year before", mode="markers",
                marker={"color": colour, "size": 9, "symbol": "circle-open",
                        "line": {"width": 2}},
                hovertemplate="A year before: %{y:.1f}%<extra></extra>",
            )  # fmt: skip
    figure.update_layout(
        height=CHART_HEIGHT_PX, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title={"text": f"% {status_label(status)}", "x": 0},
        legend={"orientation": "h", "y": -0.25},
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": order,
               "title": None, "tickvals": order, "ticktext": _ticks(points, order)},
        yaxis={"ticksuffix": "%", "rangemode": "tozero", "title": None},
    )  # fmt: skip
    return figure


def _ticks(points: pd.DataFrame, order: list[str]) -> list[str]:
    """Each point's name with its n beneath (the n of all groups shown together)."""
    n = points.groupby("point")["n"].sum()
    return [f"{point}<br>n {n[point]:,}" for point in order]


def points_table(points: pd.DataFrame) -> pd.DataFrame:
    """The points as a report prints them: blank where there is no year before."""
    shares = functools.partial(percent, missing="")
    return pd.DataFrame(
        {
            "Point": points["point"],
            "Group": points["group"],
            "% Below": points["below_percent"].map(shares),
            "% Above": points["above_percent"].map(shares),
            "n": points["n"].map(count),
            "Pupils": points["pupils"].map(count),
            "% Below a year before": points["below_percent_last_year"].map(shares),
            "% Above a year before": points["above_percent_last_year"].map(shares),
            "n a year before": points["n_last_year"].map(count),
        }
    )


def render_trends(points: pd.DataFrame, by: str) -> None:
    whole = points.groupby("point", sort=False)["n"].sum()
    st.caption(
        "Each point counts pupil-subject statuses (n) with each pupil's year group, "
        "class and SEND as they were that day; the last point is live. "
        f"n runs from {whole.min():,} to {whole.max():,} statuses."
    )
    st.plotly_chart(trend_chart(points, "Below", by), key="trend-below")
    st.plotly_chart(trend_chart(points, "Above", by), key="trend-above")
    st.dataframe(points_table(points), hide_index=True)


def main() -> None:
    store, scope = context.store(), context.scope()
    filters = filter_bar(store, scope)
    school = context.School(filters.school_id, school_name(store, scope, filters))
    st.title("Trends")
    st.caption(f"{school.name} · every half-term snapshot, then live")
    by, subject = pick_view(store, scope, school)
    condition = all_of(subject, filters.where())
    points = load_points(store, scope.within_school(school.id), school, by, condition)
    if not scope.pupil_rows:
        # Figures-only roles never see a point drawn from a handful of pupils.
        points = points[points["pupils"] >= SMALL_GROUP_PUPILS]
    if points.empty:
        st.info("There are no snapshots yet: the first is taken when Autumn 1 ends.")
        return
    points["group"] = group_names(points, by, context.reach(scope)).to_numpy()
    render_trends(points, by)


main()
