"""Compare: where each status stood at two moments, and the pupils behind each move."""

import pandas as pd
import streamlit as st

from livetrack.analytics import LEFT_OUT, SMALL_GROUP_PUPILS
from livetrack.domain import year_group_label
from livetrack.history import (
    FROM_STATES,
    JOINED,
    LEFT,
    NOT_TRACKED,
    TO_STATES,
    TOTAL,
    moment_name,
    moved,
    pupils_behind,
    transition_matrix,
    transition_pupils,
)
from livetrack.store.history import (
    LIVE,
    Moment,
    all_of,
    load_live_rows,
    load_moments,
    load_pupil_names,
    load_transitions,
)
from livetrack.ui import cache, context
from livetrack.ui.filters import filter_bar, school_name
from livetrack.ui.palette import STATUS_SYMBOLS

CELL = "compare-cell"
# In place of a count drawn from too few pupils to show a figures-only role.
FEW = f"{LEFT_OUT} pupils"
SOME = f"some (from {LEFT_OUT} pupils)"
ALL_SUBJECTS = "All subjects"


def state_label(state: str) -> str:
    symbol = STATUS_SYMBOLS.get(state)
    return f"{symbol} {state}" if symbol else state


def pick_moments(moments: list[Moment], year: str) -> tuple[Moment, Moment]:
    choices = [*moments, Moment(year, LIVE)]
    names = [moment_name(m.academic_year, m.half_term) for m in choices]
    left, right = st.columns(2)
    first = left.selectbox(
        "From", range(len(choices)), index=max(len(choices) - 2, 0),
        format_func=names.__getitem__, key="compare-from",
    )  # fmt: skip
    second = right.selectbox(
        "To", range(len(choices)), index=len(choices) - 1,
        format_func=names.__getitem__, key="compare-to",
    )  # fmt: skip
    return choices[first], choices[second]


def pick_subject(store, scope, school) -> tuple:
    subjects = cache.subjects(store, store.version, scope, school.id)
    names = {ALL_SUBJECTS: ALL_SUBJECTS, **dict(zip(subjects["id"], subjects["name"]))}
    chosen = st.selectbox(
        "Subject", list(names), format_func=names.get, key="compare-subject"
    )
    if chosen == ALL_SUBJECTS:
        return all_of()
    return all_of(("subject_id = ?", [int(chosen)]))


def open_cell(from_state: str, to_state: str) -> None:
    st.session_state[CELL] = (from_state, to_state)


def shown(count: int, pupils: int | None, few: str = FEW) -> str:
    """A count as printed; `pupils` behind it for a figures-only role, where a
    count drawn from fewer than five pupils is not shown."""
    if pupils is not None and 0 < pupils < SMALL_GROUP_PUPILS:
        return few
    return f"{count:,}"


def render_matrix(matrix: pd.DataFrame, pupils: pd.DataFrame | None) -> None:
    """The matrix as a grid of counts; each count opens the pupils behind it.

    `pupils` (how many pupils are behind each count) is given for a role that
    sees figures only: it gets no buttons, and no count from a handful of pupils.
    """
    header = st.columns(len(TO_STATES) + 2)
    header[0].markdown("**From ↓ · To →**")
    for column, state in zip(header[1:], [*TO_STATES, TOTAL]):
        column.markdown(f"**{state_label(state)}**")
    for row, from_state in enumerate([*FROM_STATES, TOTAL]):
        cells = st.columns(len(TO_STATES) + 2)
        cells[0].markdown(f"**{state_label(from_state)}**")
        for position, to_state in enumerate([*TO_STATES, TOTAL]):
            count = int(matrix.loc[from_state, to_state])
            total = TOTAL in (from_state, to_state)
            if total or pupils is not None or count == 0:
                behind = None if pupils is None else pupils.loc[from_state, to_state]
                text = shown(count, behind)
                cells[position + 1].markdown(f"**{text}**" if total else text)
                continue
            cells[position + 1].button(
                f"{count:,}", key=f"cell-{row}-{position}",
                on_click=open_cell, args=(from_state, to_state),
                type="primary" if from_state == to_state else "secondary",
                help=f"The pupils {state_label(from_state)} at the first moment, "
                f"{state_label(to_state)} at the second",
            )  # fmt: skip


def render_summary(
    matrix: pd.DataFrame, pupils: pd.DataFrame | None, before: Moment, after: Moment
) -> None:
    steps = moved(matrix)
    total = int(matrix.loc[TOTAL, TOTAL])

    def part(row, column) -> str:
        behind = None if pupils is None else pupils.loc[row, column]
        return shown(int(matrix.loc[row, column]), behind, SOME)

    joined, left = part(JOINED, TOTAL), part(TOTAL, LEFT)
    untracked = shown(
        int(matrix.loc[NOT_TRACKED, TOTAL] + matrix.loc[TOTAL, NOT_TRACKED]),
        None if pupils is None
        else int(pupils.loc[NOT_TRACKED, TOTAL] + pupils.loc[TOTAL, NOT_TRACKED]),
        SOME,
    )  # fmt: skip
    first, second, third = st.columns(3)
    first.metric("▲ Moved up", f"{steps['up']:,}")
    second.metric("● Stayed", f"{steps['same']:,}")
    third.metric("▼ Moved down", f"{steps['down']:,}")
    st.caption(
        f"All {total:,} pupil-subject statuses at either moment are counted once. "
        f"Of those, {joined} belong to pupils who joined since, {left} to pupils "
        f"who left since (or moved out of the pupils chosen), and {untracked} to "
        "a subject not tracked for the pupil at one of the moments."
    )


def render_pupils(store, scope, school, pairs: pd.DataFrame, moments) -> None:
    chosen = st.session_state.get(CELL)
    if chosen is None:
        st.caption("Choose a count to see the pupils behind it.")
        return
    from_state, to_state = chosen
    rows = pupils_behind(pairs, from_state, to_state)
    before, after = (moment_name(m.academic_year, m.half_term) for m in moments)
    st.subheader(
        f"{state_label(from_state)} at {before}, {state_label(to_state)} at {after}"
    )
    if rows.empty:
        st.info("No pupils here with these choices.")
        return
    names = load_pupil_names(store, scope, school.id, rows["pupil_id"].tolist())
    who = (
        rows["pupil_id"].map(names)
        if names
        else "Pupil " + rows["pupil_id"].astype(str)
    )
    st.dataframe(
        pd.DataFrame(
            {
                "Pupil": who,
                "Subject": rows["subject"],
                "Class before": rows["class_before"],
                "Class after": rows["class_after"],
                "Year before": rows["year_group_before"].map(_year_label),
                "Year after": rows["year_group_after"].map(_year_label),
            }
        ),
        hide_index=True,
        key="compare-pupils",
    )
    pupils = rows["pupil_id"].nunique()
    st.caption(f"{len(rows):,} pupil-subject statuses of {pupils:,} pupils.")


def _year_label(year_group) -> str:
    return "" if pd.isna(year_group) else year_group_label(int(year_group))


def main() -> None:
    store, scope = context.store(), context.scope()
    filters = filter_bar(store, scope)
    school = context.School(filters.school_id, school_name(store, scope, filters))
    in_school = scope.within_school(school.id)
    year = context.academic_year()
    st.title("Compare")
    st.caption(f"{school.name} · any two snapshots, or a snapshot and live")
    moments = load_moments(store, in_school, school.id)
    if not moments:
        st.info("There are no snapshots yet: the first is taken when Autumn 1 ends.")
        return
    before, after = pick_moments(moments, year)
    condition = all_of(pick_subject(store, in_school, school), filters.where())
    live = load_live_rows(store, school.id, year, context.now())
    pairs = load_transitions(
        store, in_school, school.id, before, after, live, condition
    )
    if not scope.pupil_rows and pairs["pupil_id"].nunique() < SMALL_GROUP_PUPILS:
        st.info(
            f"Fewer than {SMALL_GROUP_PUPILS} pupils match these filters: too few "
            "to show to your role."
        )
        return
    matrix = transition_matrix(pairs)
    pupils = None if scope.pupil_rows else transition_pupils(pairs)
    render_summary(matrix, pupils, before, after)
    render_matrix(matrix, pupils)
    if scope.pupil_rows:
        render_pupils(store, in_school, school, pairs, (before, after))
    else:
        st.caption("Your role shows counts for groups of pupils, never one pupil.")


main()
