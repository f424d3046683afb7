"""Interventions: reviews due, pupils Below with none, this year's list, and whether
they worked, against similar pupils without one.
"""

import pandas as pd
import streamlit as st

from livetrack.analytics import SMALL_GROUP_PUPILS
from livetrack.domain import year_group_label
from livetrack.impact import compare_impact, describe_side
from livetrack.interventions import outcome_label
from livetrack.store.interventions import (
    load_below_without_intervention,
    load_intervention_starts,
    load_interventions,
    load_status_points,
)
from livetrack.ui import context
from livetrack.ui.formatting import london_time, plural
from livetrack.ui.plan import render_agreed_action, render_review_form, subjects_for
from livetrack.ui.tables import render_table

PROFILE_PAGE = "pages/leaders/pupil.py"
SELECTABLE = {"on_select": "rerun", "selection_mode": "single-row"}
DAY = "%-d %b %Y"  # as a report prints a date: 16 Oct 2026


def pupil_words(frame: pd.DataFrame) -> pd.Series:
    """The pupil's name where it may be seen, otherwise 'Pupil <id>'."""
    return frame["pupil"].fillna("Pupil " + frame["pupil_id"].astype(str))


def render_profile_link(frame: pd.DataFrame, key: str) -> None:
    """A link to the profile of the pupil whose row is selected in the table."""
    selection = st.session_state.get(key)
    rows = selection.selection.rows if selection is not None else []
    if not rows:
        st.caption("Select a row to open that pupil's profile.")
        return
    row = frame.iloc[rows[0]]
    st.page_link(
        PROFILE_PAGE, label="Open this pupil's profile", icon=":material/person:",
        query_params={"pupil": str(int(row["pupil_id"]))},
    )  # fmt: skip


def who_and_when(frame: pd.DataFrame, who: str, when: str) -> list[str]:
    """'Ms Khan, 3 Dec 2026' for each row, blank where no one has yet."""
    days = london_time(frame[when], "%-d %b %Y")
    return [
        f"{name}, {day}" if isinstance(name, str) else ""
        for name, day in zip(frame[who], days)
    ]


def intervention_table(interventions: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Pupil": pupil_words(interventions),
        "Class": interventions["class_name"],
        "Subject": interventions["subject"].fillna("All subjects"),
        "Strategy": interventions["strategy"],
        "Delivered by": interventions["delivered_by"],
        "Starts": interventions["starts_on"].dt.strftime(DAY),
        "Review": interventions["review_on"].dt.strftime(DAY),
        "Outcome": interventions["outcome"].map(outcome_label),
        "Outcome note": interventions["outcome_note"].fillna(""),
        "Recorded": who_and_when(interventions, "recorded_by", "recorded_at"),
        "Reviewed": who_and_when(interventions, "reviewed_by", "reviewed_at"),
    })  # fmt: skip


def render_reviews_due(store, scope, school_id: int, year: str) -> None:
    due = load_interventions(store, scope, academic_year=year, school_id=school_id,
                             due_by=context.today())  # fmt: skip
    if due.empty:
        st.success("No reviews are due.", icon=":material/check_circle:")
        return
    st.markdown(f"**{plural(len(due), 'review')} due**: the review date is today "
                "or past, and no outcome is recorded yet.")  # fmt: skip
    render_table(intervention_table(due), "Reviews due", key="due", **SELECTABLE)
    render_profile_link(due, "due")
    labels = pupil_words(due) + ", " + due["subject"].fillna("all subjects")
    render_review_form(store, scope, due.assign(label=labels + ": " + due["strategy"]),
                       "due")  # fmt: skip


def render_below_without(store, scope, school_id: int, year: str) -> None:
    below = load_below_without_intervention(store, scope, year, school_id)
    if below.empty:
        st.success("Every pupil Below has an intervention this year.",
                   icon=":material/check_circle:")  # fmt: skip
        return
    pupils = below["pupil_id"].nunique()
    st.markdown(f"**{len(below)} Below statuses of {pupils} pupils** with no "
                "intervention this year in that subject.")  # fmt: skip
    table = pd.DataFrame({
        "Pupil": pupil_words(below), "Year": below["year_group"].map(year_group_label),
        "Class": below["class_name"], "Subject": below["subject"],
        "Below since": london_time(below["below_since"], "%-d %b %Y"),
    })  # fmt: skip
    render_table(table, "Below with no intervention", key="below", **SELECTABLE)
    render_profile_link(below, "below")
    render_plan_for(store, scope, school_id, below)


def render_plan_for(store, scope, school_id: int, below: pd.DataFrame) -> None:
    if not scope.can_plan:
        return
    with st.expander(
        "Plan an intervention for one of these", icon=":material/add_task:"
    ):
        options = list(range(len(below)))
        words = pupil_words(below) + ", " + below["subject"]
        place = st.selectbox("Pupil and subject", options, format_func=words.get,
                             key="below-which")  # fmt: skip
        row = below.iloc[place]
        subjects = subjects_for(store, scope, school_id,
                                int(row["year_group"]))  # fmt: skip
        render_agreed_action(store, scope, int(row["pupil_id"]), subjects,
                             f"below-{place}", int(row["subject_id"]))  # fmt: skip


def render_this_year(store, scope, school_id: int, year: str) -> None:
    every = load_interventions(store, scope, academic_year=year, school_id=school_id)
    if every.empty:
        st.info("No interventions recorded this year yet.")
        return
    render_table(intervention_table(every), "Interventions", key="every", **SELECTABLE)
    render_profile_link(every, "every")


def impact_table(impact: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "From": impact["baseline"], "Compared at": impact["later"],
        "Subject": impact["subject"],
        "Year group": impact["year_group"].map(year_group_label),
        "Status at the start": impact["start_status"],
        "With an intervention: On or Above": [
            describe_side(n, k) for n, k in
            zip(impact["with_pupils"], impact["with_on_or_above"])],
        "Without: On or Above": [
            describe_side(n, k) for n, k in
            zip(impact["without_pupils"], impact["without_on_or_above"])],
        "Difference": [
            "too small to read" if small else f"{gap:+.1f} pts"
            for gap, small in zip(impact["difference"], impact["too_small"])],
    })  # fmt: skip


def render_impact(store, scope, school_id: int, year: str) -> None:
    history = load_status_points(store, scope, school_id, year, context.today())
    impact = compare_impact(history, load_intervention_starts(store, scope))
    st.markdown(
        "Pupils with an intervention in a subject against similar pupils without "
        "one: the same subject, year group and status at the snapshot before it "
        "started. The share On or Above at every later snapshot, and now."
    )
    if impact.empty:
        st.info("Nothing to compare yet: an intervention is compared from the "
                "snapshot taken before it started.")  # fmt: skip
        return
    render_table(impact_table(impact), "Intervention impact", key="impact")
    st.caption(
        f"n beside every share; a side of fewer than {SMALL_GROUP_PUPILS} pupils "
        "is too small to read, and no difference is drawn from it."
    )


def main() -> None:
    store, scope = context.store(), context.scope()
    school = context.pick_school(store, scope)
    in_school = scope.within_school(school.id)
    year = context.academic_year()
    st.title("Interventions")
    st.caption(f"{school.name} · {year} · what was planned, and whether it worked")
    due, below, every, impact = st.tabs(
        ["Reviews due", "Below with no intervention", "This year", "Impact"]
    )
    with due:
        render_reviews_due(store, in_school, school.id, year)
    with below:
        render_below_without(store, in_school, school.id, year)
    with every:
        render_this_year(store, in_school, school.id, year)
    with impact:
        render_impact(store, in_school, school.id, year)


main()
