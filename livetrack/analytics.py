"""Figures from frames: shares of Above, On and Below with the n behind them.

Pure functions over the counts the store returns, so each can be checked by
hand on a few rows.
"""

import pandas as pd

from livetrack.domain import STATUSES

SMALL_GROUP_PUPILS = 5
"""A group with fewer pupils than this is too small to read as a finding."""

COUNT_COLUMNS = {"Below": "below", "On": "on", "Above": "above"}


def add_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """The counts with `pct_above`, `pct_on` and `pct_below` (0-100) beside them."""
    shares = counts.copy()
    total = shares["total"].where(shares["total"] > 0)
    for column in COUNT_COLUMNS.values():
        shares[f"pct_{column}"] = (100 * shares[column] / total).round(1)
    return shares


def shares_long(counts: pd.DataFrame, label: str) -> pd.DataFrame:
    """One row per group and status: count, percent and the group's n, for charts."""
    shares = add_shares(counts)
    rows = []
    for status in STATUSES:
        column = COUNT_COLUMNS[status]
        rows.append(
            pd.DataFrame(
                {
                    label: shares[label],
                    "status": status,
                    "count": shares[column],
                    "percent": shares[f"pct_{column}"],
                    "n": shares["total"],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def overall_shares(counts: pd.DataFrame) -> dict[str, tuple[int, float]]:
    """The count and percent of each status across every row of `counts`."""
    total = int(counts["total"].sum())
    result = {}
    for status, column in COUNT_COLUMNS.items():
        count = int(counts[column].sum())
        result[status] = (count, round(100 * count / total, 1) if total else 0.0)
    return result


def format_share(count: int, total: int) -> str:
    """'14% (57 of 410)': a share always with its n."""
    if total == 0:
        return "no pupils"
    return f"{100 * count / total:.0f}% ({count:,} of {total:,})"
