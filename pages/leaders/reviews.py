"""Reviews: when each class's statuses in each subject were last looked at."""

from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from livetrack.domain import year_group_label
from livetrack.filters import Filters
from livetrack.store.reviews import FRESHNESS_BANDS, NEVER, freshness_band
from livetrack.ui import cache, context
from livetrack.ui.charts import CHART_MARGIN_PX, TOP_LABELS_PX
from livetrack.ui.filters import filter_bar
from livetrack.ui.formatting import london_time
from livetrack.ui.tables import render_table

BANDS = [words for _, words in FRESHNESS_BANDS] + [NEVER]
# Fresh to stale, light to dark, so the grid reads without its colours too.
BAND_COLOURS = ["#DDEEFF", "#88AACC", "#44607F", "#222222"]
ROW_PX = 28


def narrowed(freshness: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The classes and subjects the filters choose."""
    keep = pd.Series(True, index=freshness.index)
    if filters.year_groups:
        keep &= freshness["year_group"].isin(filters.year_groups)
    if filters.class_ids:
        keep &= freshness["class_id"].isin(filters.class_ids)
    if filters.subject_ids:
        keep &= freshness["subject_id"].isin(filters.subject_ids)
    return freshness[keep]


def render_summary(freshness: pd.DataFrame) -> None:
    counts = freshness["band"].value_counts()
    columns = st.columns(len(BANDS))
    for column, band in zip(columns, BANDS):
        count = int(counts.get(band, 0))
        column.metric(band, f"{count}", border=True)
        column.caption(f"of {len(freshness)} class and subject columns")


def render_grid(freshness: pd.DataFrame) -> None:
    classes = list(dict.fromkeys(freshness["class_name"]))
    subjects = list(dict.fromkeys(freshness.sort_values("position")["subject"]))
    level = freshness.pivot(index="class_name", columns="subject", values="level")
    text = freshness.pivot(index="class_name", columns="subject", values="ago")
    level, text = (f.reindex(index=classes, columns=subjects) for f in (level, text))
    scale = [
        [position / len(BANDS), colour]
        for index, colour in enumerate(BAND_COLOURS)
        for position in (index, index + 1)
    ]
    figure = go.Figure(
        go.Heatmap(
            z=level.to_numpy(), x=subjects, y=classes,
            text=text.fillna("").to_numpy(), texttemplate="%{text}",
            colorscale=scale, zmin=-0.5, zmax=len(BANDS) - 0.5, showscale=False,
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>", xgap=2, ygap=2,
        )
    )  # fmt: skip
    figure.update_layout(
        height=CHART_MARGIN_PX + TOP_LABELS_PX + ROW_PX * len(classes),
        margin={"l": 10, "r": 10, "t": TOP_LABELS_PX, "b": 10},
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"side": "top", "type": "category"},
    )
    st.plotly_chart(figure, key="freshness", config={"displayModeBar": False})
    st.caption(
        "Days since each class's statuses in each subject were changed or "
        "confirmed as reviewed; darker is longer ago."
    )


def ago(last_reviewed, now: datetime) -> str:
    if pd.isna(last_reviewed):
        return "never"
    days = (now - pd.Timestamp(last_reviewed).to_pydatetime()).days
    return "today" if days == 0 else f"{days} d"


def main() -> None:
    store, scope = context.store(), context.scope()
    filters = filter_bar(store, scope)
    school_scope = scope.within_school(filters.school_id)
    year = context.academic_year()
    st.title("Reviews")
    st.caption(
        "Every status starts On, so a leader needs to know which columns have "
        "been looked at: a teacher's change, or a teacher confirming a column "
        "as reviewed on the Record page, counts as a review."
    )
    freshness = cache.freshness(store, store.version, school_scope, filters.school_id,
                                year)  # fmt: skip
    freshness = narrowed(freshness, filters)
    if freshness.empty:
        st.info("No classes match these filters.")
        return
    now = datetime.combine(context.today(), datetime.max.time(), tzinfo=UTC)
    freshness = freshness.assign(
        band=[freshness_band(at, now) for at in freshness["last_reviewed"]],
        ago=[ago(at, now) for at in freshness["last_reviewed"]],
    )
    freshness["level"] = freshness["band"].map(BANDS.index)
    render_summary(freshness)
    render_grid(freshness)
    table = pd.DataFrame(
        {
            "Class": freshness["class_name"],
            "Year": freshness["year_group"].map(year_group_label),
            "Subject": freshness["subject"],
            "Last reviewed": london_time(freshness["last_reviewed"]),
            "By": freshness["reviewed_by"].fillna(""),
            "How long ago": freshness["band"],
        }
    ).sort_values(
        "How long ago", key=lambda bands: bands.map(BANDS.index), ascending=False
    )
    with st.expander("Every column as a table"):
        render_table(table, "Review freshness", key="freshness-table")


main()
