"""Chart builders: Above, On and Below in the same colours and order everywhere."""

import pandas as pd
import plotly.graph_objects as go

from livetrack.ui.palette import STATUS_COLOURS, STATUS_ORDER_FOR_CHARTS, status_label

BAR_HEIGHT_PX = 34
# Segments narrower than these percentages show a shorter label, or none.
NARROW_SEGMENT_PERCENT = 4
WIDE_SEGMENT_PERCENT = 13
CHART_MARGIN_PX = 90


SMALL_GROUP_COLOUR = "#E4E4E4"


def status_bars(
    shares: pd.DataFrame, label: str, too_small: frozenset = frozenset()
) -> go.Figure:
    """Horizontal 100% bars, one per group, each segment labelled with its % and count.

    `shares` is long: one row per group and status with `count`, `percent`, `n`.
    A group in `too_small` is one plain grey bar with no split: never a finding.
    """
    groups = list(dict.fromkeys(shares[label]))
    small = [group in too_small for group in groups]
    figure = go.Figure()
    for status in STATUS_ORDER_FOR_CHARTS:
        part = shares[shares["status"] == status].set_index(label).reindex(groups)
        texts = [_segment_text(p, c) for p, c in zip(part["percent"], part["count"])]
        figure.add_bar(
            name=status_label(status),
            y=groups,
            x=[None if is_small else p for p, is_small in zip(part["percent"], small)],
            orientation="h",
            marker_color=STATUS_COLOURS[status],
            marker_line={"color": "white", "width": 1},
            text=["" if is_small else text for text, is_small in zip(texts, small)],
            textposition="inside",
            insidetextanchor="middle",
            customdata=[[c, n, status] for c, n in zip(part["count"], part["n"])],
            hovertemplate=(
                f"%{{y}}<br>{status}: %{{x:.1f}}%"
                " (%{customdata[0]} of %{customdata[1]})<extra></extra>"
            ),
        )
    if any(small):
        figure.add_bar(
            name="Too small to read",
            y=[group for group, is_small in zip(groups, small) if is_small],
            x=[100] * sum(small),
            orientation="h",
            marker_color=SMALL_GROUP_COLOUR,
            hovertemplate="%{y}<extra></extra>",
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


HEATMAP_ROW_PX = 30
TOP_LABELS_PX = 70  # room above the grid for its column names, which slant
SMALL_CELL_TEXT = "too few"


def share_heatmap(
    cells: pd.DataFrame, rows: str, columns: str, percent: str, colour: str
) -> go.Figure:
    """A grid of one share (say % Below), each cell labelled with its % and n.

    `cells` is long: one row per cell with `rows`, `columns`, `percent`,
    `pupils` and `too_small`. A cell too small to read is left blank and
    says so, never coloured as a finding.
    """
    row_order = list(dict.fromkeys(cells[rows]))
    column_order = list(dict.fromkeys(cells[columns]))

    def pivot(values: str) -> pd.DataFrame:
        return cells.pivot(index=rows, columns=columns, values=values).reindex(
            index=row_order, columns=column_order
        )

    percents, pupils = pivot(percent), pivot("pupils")
    too_small = pivot("too_small").fillna(True).astype(bool)
    shown = percents.where(~too_small)
    text = [
        [_cell_text(p, n, small) for p, n, small in zip(*row)]
        for row in zip(percents.to_numpy(), pupils.to_numpy(), too_small.to_numpy())
    ]
    figure = go.Figure(
        go.Heatmap(
            z=shown.to_numpy(), x=column_order, y=row_order, text=text,
            texttemplate="%{text}", colorscale=[[0, "#FFFFFF"], [1, colour]],
            zmin=0, zmax=max(40.0, float(shown.max().max() or 0)),
            hovertemplate="%{y} · %{x}<br>%{text}<extra></extra>",
            colorbar={"ticksuffix": "%", "thickness": 12}, xgap=2, ygap=2,
        )
    )  # fmt: skip
    figure.update_layout(
        height=CHART_MARGIN_PX + TOP_LABELS_PX + HEATMAP_ROW_PX * len(row_order),
        margin={"l": 10, "r": 10, "t": TOP_LABELS_PX, "b": 10},
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"side": "top", "type": "category"},
        plot_bgcolor="#F3F3F3",
    )
    return figure


def _cell_text(percent, pupils, too_small) -> str:
    if pd.isna(pupils):
        return ""
    if too_small:
        return f"{SMALL_CELL_TEXT}<br>n={int(pupils)}"
    return f"{percent:.0f}%<br>n={int(pupils)}"
