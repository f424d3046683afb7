"""How times and names read on screen: London time, and pupils as teachers say them."""

import pandas as pd

from livetrack.calendar import SCHOOL_TIME_ZONE


def london_time(moments: pd.Series, pattern: str = "%-d %b %Y, %H:%M") -> pd.Series:
    """UTC timestamps as London wall-clock text; blank where there is none."""
    stamped = pd.to_datetime(moments, utc=True)
    return stamped.dt.tz_convert(SCHOOL_TIME_ZONE).dt.strftime(pattern).fillna("")


def pupil_name(first_names: pd.Series, last_names: pd.Series) -> pd.Series:
    return first_names + " " + last_names


def percent(value, missing: str = "–") -> str:
    """'26.1%', or `missing` where there is no figure."""
    return missing if pd.isna(value) else f"{value:.1f}%"


def points(change) -> str:
    """'+1.5 pts', or blank where there is nothing to compare with."""
    return "" if pd.isna(change) else f"{change:+.1f} pts"


def count(value) -> str:
    """'4,228', or blank where there is none."""
    return "" if pd.isna(value) else f"{int(value):,}"


def plural(number: int, noun: str) -> str:
    """'1 school', '12 schools': a count with its noun, plural where it needs one."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
