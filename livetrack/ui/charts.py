"""Chart builders: Above, On and Below in the same colours and order everywhere."""

import pandas as pd
import plotly.graph_objects as go

from livetrack.ui.palette import STATUS_COLOURS, STATUS_ORDER_FOR_CHARTS, status_label

BAR_HEIGHT_PX = 34
# Segments narrower than these percentages show a shorter label, or none.
NARROW_SEGMENT_PERCENT = 4
WIDE_SEGMENT_PERCENT = 13
CHART_MARGIN_PX = 90


def status_bars(shares: pd.DataFrame, label: str) -> go.Figure:
    """Horizontal 100% bars, one per group, each segment labelled with its % and count.

    `shares` is long: one row per group and status with `count`, `percent`, `n`.
    """
    groups = list(dict.fromkeys(shares[label]))
    figure = go.Figure()
    for status in STATUS_ORDER_FOR_CHARTS:
        part = shares[shares["status"] == status].set_index(label).reindex(groups)
        figure.add_bar(
            name=status_label(status),
            y=groups,
            x=part["percent"],
            orientation="h",
            marker_color=STATUS_COLOURS[status],
            text=[_segment_text(p, c) for p, c in zip(part["percent"], part["count"])],
            textposition="inside",
            insidetextanchor="middle",
            customdata=part[["count", "n"]].to_numpy(),
            hovertemplate=(
                f"%{{y}}<br>{status}: %{{x:.1f}}%"
                " (%{customdata[0]} of %{customdata[1]})<extra></extra>"
            ),
        )
    _lay_out(figure, groups)
    return figure


def _segment_text(percent: float, count: int) -> str:
    """Label a segment wide enough to hold it; a thin one is left to the hover."""
    if pd.isna(percent) or percent < NARROW_SEGMENT_PERCENT:
        return ""
    if percent < WIDE_SEGMENT_PERCENT:
        return f"{percent:.0f}%"
    return f"{percent:.0f}% ({count})"


def _lay_out(figure: go.Figure, groups: list) -> None:
    figure.update_layout(
        barmode="stack",
        height=CHART_MARGIN_PX + BAR_HEIGHT_PX * len(groups),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.0,
            "x": 0,
            "traceorder": "normal",
        },
        xaxis={"range": [0, 100], "ticksuffix": "%", "title": None},
        yaxis={"autorange": "reversed", "title": None, "type": "category"},
        uniformtext={"minsize": 11, "mode": "hide"},
    )
