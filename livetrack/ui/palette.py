"""One colour-blind-safe palette (Paul Tol's), the same on every page.

Colour never carries meaning alone: every status also has a symbol and a word.
"""

STATUS_COLOURS = {
    "Above": "#4477AA",
    "On": "#BBBBBB",
    "Below": "#EE6677",
}

STATUS_SYMBOLS = {
    "Above": "▲",
    "On": "●",
    "Below": "▼",
}

STATUS_ORDER_FOR_CHARTS = ["Below", "On", "Above"]


def status_label(status: str) -> str:
    """'▼ Below': the status with its symbol, for grids and legends."""
    return f"{STATUS_SYMBOLS[status]} {status}"
