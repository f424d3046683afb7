"""One pupil's statuses over time as a chart: subjects down, snapshots across."""

import pandas as pd
import plotly.graph_objects as go

from livetrack.ui.palette import STATUS_COLOURS, STATUS_ORDER_FOR_CHARTS, STATUS_SYMBOLS

ROW_HEIGHT_PX = 34
LABELLED_POINTS = (
    7  # beyond a year's snapshots the words crowd: shape and colour say it
)
MARKERS = {"Below": "triangle-down", "On": "circle", "Above": "triangle-up"}


def status_timeline_chart(timeline: pd.DataFrame) -> go.Figure:
    """A marker per subject and point, its colour, shape and word saying the status."""
    points = list(dict.fromkeys(timeline.sort_values("moment")["point"]))
    subjects = list(dict.fromkeys(timeline.sort_values("position")["subject"]))
    labelled = len(points) <= LABELLED_POINTS
    figure = go.Figure()
    for status in STATUS_ORDER_FOR_CHARTS:
        cells = timeline[timeline["status"] == status]
        figure.add_scatter(
            x=cells["point"], y=cells["subject"],
            mode="markers+text" if labelled else "markers",
            name=f"{STATUS_SYMBOLS[status]} {status}", text=cells["status"],
            textposition="middle right",
            marker={"symbol": MARKERS[status], "size": 16,
                    "color": STATUS_COLOURS[status],
                    "line": {"width": 1, "color": "#333333"}},
        )  # fmt: skip
    figure.update_xaxes(categoryorder="array", categoryarray=points, side="top")
    figure.update_yaxes(
        categoryorder="array", categoryarray=list(reversed(subjects)), title=None
    )
    figure.update_layout(
        height=ROW_HEIGHT_PX * len(subjects) + 120,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "y": -0.05},
    )
    return figure
