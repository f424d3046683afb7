"""History in figures: trends across snapshots, and transitions between two moments.

Pure functions on the frames `livetrack.store.history` reads, so that every
figure can be checked against a history counted by hand. Shares come with
their n; transitions count pupils who joined or left, or whose subject was
not tracked at one of the moments, apart, so that a matrix always adds up.
"""

import pandas as pd

from livetrack.calendar import HALF_TERM_NAMES, HALF_TERMS, previous_academic_year

LIVE = "live"
LIVE_LABEL = "Live"
SHORT_HALF_TERM_NAMES = {
    "autumn-1": "Aut 1", "autumn-2": "Aut 2", "spring-1": "Spr 1",
    "spring-2": "Spr 2", "summer-1": "Sum 1", "summer-2": "Sum 2",
}  # fmt: skip
STATUS_ORDER = ["Below", "On", "Above"]
# A pupil with no status at all at a moment was not at the school then (or,
# in a year group with no tracked subject, not in the figures).
JOINED = "Joined since"
LEFT = "Left since"
NOT_TRACKED = "Subject not tracked"  # at the school, but not in this subject then
FROM_STATES = [*STATUS_ORDER, JOINED, NOT_TRACKED]
TO_STATES = [*STATUS_ORDER, LEFT, NOT_TRACKED]
TOTAL = "Total"


def point_label(academic_year: str, half_term: str) -> str:
    """'Aut 1 2025-26', or 'Live' for the live picture."""
    if half_term == LIVE:
        return LIVE_LABEL
    return f"{SHORT_HALF_TERM_NAMES[half_term]} {academic_year}"


def moment_name(academic_year: str, half_term: str) -> str:
    """'Autumn 1 2025-26', or 'Live, today' for the live picture."""
    if half_term == LIVE:
        return "Live, today"
    return f"{HALF_TERM_NAMES[half_term]} {academic_year}"


def cohort_label(cohort: int) -> str:
    """A cohort by the calendar year its pupils started Reception."""
    return f"Started Reception in {cohort}"


def percent(part, whole):
    """part as a % of whole, to one decimal; NaN where whole is 0."""
    whole = pd.Series(whole, dtype="float64")
    return (100 * pd.Series(part, dtype="float64") / whole.where(whole > 0)).round(1)


def trend_points(counts: pd.DataFrame, live_half_term: str | None = None):
    """Each moment's % Below and % Above with n, in time order, and beside each
    the same half-term a year before (the live point beside the half-term it
    falls in, `live_half_term`).

    `counts` is one row per moment and group (store.history.count_history);
    the group's columns are kept. Adds point, order, below_percent,
    above_percent and the same three a year before (`*_last_year`: n,
    below_percent, above_percent), NaN where there was none.
    """
    points = counts.copy()
    points["below_percent"] = percent(points["below"], points["n"]).to_numpy()
    points["above_percent"] = percent(points["above"], points["n"]).to_numpy()
    points["point"] = [
        point_label(y, h) for y, h in zip(points["academic_year"], points["half_term"])
    ]
    points["order"] = [
        _moment_order(y, h)
        for y, h in zip(points["academic_year"], points["half_term"])
    ]
    return (
        _beside_last_year(points, live_half_term)
        .sort_values(["order", *group_columns(points)])
        .reset_index(drop=True)
    )


MOMENT_COLUMNS = {
    "academic_year", "half_term", "as_at", "below", "on", "above", "n", "pupils",
    "below_percent", "above_percent", "point", "order",
}  # fmt: skip


def group_columns(points: pd.DataFrame) -> list[str]:
    """The columns of a trend frame that name its groups (subject, year group...)."""
    return [c for c in points.columns if c not in MOMENT_COLUMNS and
            not c.endswith("_last_year") and not c.startswith("_")]  # fmt: skip


def _moment_order(academic_year: str, half_term: str) -> int:
    """Snapshots in calendar order, the live point after its year's snapshots."""
    position = (
        len(HALF_TERMS) if half_term == LIVE else list(HALF_TERM_NAMES).index(half_term)
    )
    return int(academic_year[:4]) * 10 + position


def _beside_last_year(points: pd.DataFrame, live_half_term: str | None):
    groups = group_columns(points)
    points["_compare_year"] = points["academic_year"].map(previous_academic_year)
    points["_compare_half_term"] = points["half_term"].replace(
        LIVE, live_half_term or LIVE
    )
    snapshots = points[points["half_term"] != LIVE]
    last_year = snapshots[
        ["academic_year", "half_term", *groups, "n", "below_percent", "above_percent"]
    ].rename(
        columns={
            "academic_year": "_compare_year", "half_term": "_compare_half_term",
            "n": "n_last_year", "below_percent": "below_percent_last_year",
            "above_percent": "above_percent_last_year",
        }
    )  # fmt: skip
    beside = points.merge(
        last_year, on=["_compare_year", "_compare_half_term", *groups], how="left"
    )
    return beside.drop(columns=["_compare_year", "_compare_half_term"])


# --- Transitions between two moments ---


def transition_states(pairs: pd.DataFrame) -> pd.DataFrame:
    """Each pupil and subject with where they stood at each moment.

    `pairs` is store.history.load_transitions: a status at each moment, or
    none, and whether the pupil was at the school then. Adds `from_state`
    (a status, JOINED or NOT_TRACKED) and `to_state` (a status, LEFT or
    NOT_TRACKED).
    """
    return pairs.assign(
        from_state=_state(pairs["status_before"], pairs["pupil_before"], JOINED),
        to_state=_state(pairs["status_after"], pairs["pupil_after"], LEFT),
    )


def _state(status: pd.Series, was_there: pd.Series, absent: str) -> list[str]:
    return [
        s if not pd.isna(s) else (NOT_TRACKED if there else absent)
        for s, there in zip(status, was_there.astype(bool))
    ]


def transition_matrix(pairs: pd.DataFrame) -> pd.DataFrame:
    """Counts from each state at the first moment to each at the second, with totals.

    Rows are FROM_STATES then TOTAL, columns TO_STATES then TOTAL; every
    pupil and subject of `pairs` is counted once, so the matrix adds up to
    len(pairs).
    """
    states = transition_states(pairs)
    matrix = pd.crosstab(
        pd.Categorical(states["from_state"], FROM_STATES),
        pd.Categorical(states["to_state"], TO_STATES),
        dropna=False,
    ).reindex(index=FROM_STATES, columns=TO_STATES, fill_value=0)
    matrix.loc[TOTAL] = matrix.sum()
    matrix[TOTAL] = matrix.sum(axis=1)
    matrix.index.name, matrix.columns.name = "from", "to"
    return matrix.astype("int64")


def transition_pupils(pairs: pd.DataFrame) -> pd.DataFrame:
    """How many pupils are behind each count of transition_matrix, totals too.

    The same rows and columns as the matrix; a pupil with several subjects in
    one cell is one pupil there, and one in a total however many cells hold them.
    """
    states = transition_states(pairs)
    pupils = (
        states.groupby(["from_state", "to_state"])["pupil_id"].nunique()
        .unstack(fill_value=0)
        .reindex(index=FROM_STATES, columns=TO_STATES, fill_value=0)
    )  # fmt: skip
    pupils.loc[TOTAL] = states.groupby("to_state")["pupil_id"].nunique()
    pupils[TOTAL] = states.groupby("from_state")["pupil_id"].nunique()
    pupils.loc[TOTAL, TOTAL] = states["pupil_id"].nunique()
    pupils.index.name, pupils.columns.name = "from", "to"
    return pupils.fillna(0).astype("int64")


def transition_cells(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per non-empty cell: from, to, count and the pupil ids behind it."""
    states = transition_states(pairs)
    cells = (
        states.groupby(["from_state", "to_state"])
        .agg(count=("pupil_id", "size"),
             pupil_ids=("pupil_id", lambda ids: sorted(set(ids))))
        .reset_index()
    )  # fmt: skip
    return cells.rename(columns={"from_state": "from", "to_state": "to"})


def pupils_behind(pairs: pd.DataFrame, from_state: str, to_state: str) -> pd.DataFrame:
    """The pupil-subject rows behind one cell of the matrix."""
    states = transition_states(pairs)
    return states[
        (states["from_state"] == from_state) & (states["to_state"] == to_state)
    ].reset_index(drop=True)


def moved(matrix: pd.DataFrame) -> dict[str, int]:
    """How many statuses went up, stayed and went down between the two moments."""
    rank = {status: position for position, status in enumerate(STATUS_ORDER)}
    counts = {"up": 0, "same": 0, "down": 0}
    for before in STATUS_ORDER:
        for after in STATUS_ORDER:
            step = rank[after] - rank[before]
            key = "up" if step > 0 else "down" if step < 0 else "same"
            counts[key] += int(matrix.loc[before, after])
    return counts
