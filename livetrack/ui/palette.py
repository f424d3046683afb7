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
    """'▼ Below': the status with its symbol, for grids and legends.

    A value that is not a status is shown as it is, for the save to refuse.
    """
    symbol = STATUS_SYMBOLS.get(status)
    return f"{symbol} {status}" if symbol else str(status)
