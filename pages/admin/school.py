"""School: the school's name, its year's dates, and what it tracks."""

from dataclasses import replace
from datetime import datetime

import pandas as pd
import streamlit as st

from livetrack.calendar import calendar_problems, next_academic_year
from livetrack.domain import year_group_label
from livetrack.errors import InvalidInput, LiveTrackError
from livetrack.schoolyear import (
    load_calendar,
    plan_new_year,
    save_calendar,
    start_new_year,
)
from livetrack.store.history import load_academic_years
from livetrack.store.schools import rename_school
from livetrack.ui import cache, context
from livetrack.validation import check_text

SCHOOL_NAME_MAX_CHARACTERS = 100


def render_name(store, school: context.School) -> None:
    with st.form("school-name"):
        name = st.text_input(
            "School name", school.name, max_chars=SCHOOL_NAME_MAX_CHARACTERS
        )
        if st.form_submit_button("Save name"):
            try:
                cleaned = check_text(
                    name, "A school's name", SCHOOL_NAME_MAX_CHARACTERS
                )
            except InvalidInput as error:
                st.error(str(error))
                return
            rename_school(store, school.id, cleaned)
            st.rerun()


def pick_year(store, school: context.School) -> str:
    """The academic year to show: this one, by default, or any the school has."""
    this_year = context.academic_year()
    years = sorted(
        {*load_academic_years(store, school.id), this_year,
         next_academic_year(this_year)},
        reverse=True,
    )  # fmt: skip
    return st.selectbox(
        "Academic year", years, index=years.index(this_year), key="school-year"
    )


def render_calendar(store, school: context.School, year: str) -> None:
    st.subheader(f"The {year} calendar")
    calendar = load_calendar(store, school.id, year)
    if not calendar.saved:
        st.info(
            f"No dates are saved for {year} yet: these are England's usual dates. "
            "Save them, or change them first."
        )
    st.write(
        f"Live tracking starts on **{calendar.tracking_start:%A %-d %B %Y}**, "
        "with every status On."
    )
    st.table(
        pd.DataFrame(
            {
                "Half-term": [h.name for h in calendar.half_terms],
                "First day": [
                    f"{h.starts_on:%a %-d %b %Y}" for h in calendar.half_terms
                ],
                "Last day": [f"{h.ends_on:%a %-d %b %Y}" for h in calendar.half_terms],
            }
        ),
        hide_index=True,
    )
    with st.expander("Change the dates", expanded=not calendar.saved):
        render_calendar_form(store, school, calendar)


def render_calendar_form(store, school: context.School, calendar) -> None:
    with st.form(f"calendar-{calendar.academic_year}"):
        tracking_start = st.date_input(
            "Live tracking starts", calendar.tracking_start, format="DD/MM/YYYY",
            key=f"calendar-{calendar.academic_year}-tracking",
        )  # fmt: skip
        half_terms = [
            render_half_term_dates(half_term) for half_term in calendar.half_terms
        ]
        if not st.form_submit_button("Save dates"):
            return
    edited = replace(calendar, half_terms=half_terms, tracking_start=tracking_start)
    problems = calendar_problems(calendar.academic_year, half_terms, tracking_start)
    if problems:
        st.error(
            "The dates were not saved:\n\n" + "\n".join(f"- {p}" for p in problems)
        )
        return
    try:
        save_calendar(store, context.scope(), context.person().id, school.id, edited)
    except LiveTrackError as refused:
        st.error(str(refused))
        return
    st.success(f"Saved the {calendar.academic_year} dates.", icon=":material/check:")


def render_half_term_dates(half_term):
    first, last = st.columns(2)
    key = f"calendar-{half_term.academic_year}-{half_term.code}"
    starts_on = first.date_input(
        f"{half_term.name}: first day", half_term.starts_on, format="DD/MM/YYYY",
        key=f"{key}-starts",
    )  # fmt: skip
    ends_on = last.date_input(
        f"{half_term.name}: last day", half_term.ends_on, format="DD/MM/YYYY",
        key=f"{key}-ends",
    )  # fmt: skip
    return replace(half_term, starts_on=starts_on, ends_on=ends_on)


def render_new_year(store, school: context.School) -> None:
    st.subheader("A new school year")
    try:
        plan = plan_new_year(store, school.id, context.today())
    except InvalidInput as not_now:
        st.info(str(not_now), icon=":material/event_busy:")
        return
    st.write(
        f"When {plan.from_year} is over, start {plan.to_year}: {plan.describe()} "
        "The next roster import then brings in the new Reception and any joiners."
    )
    sure = st.checkbox(
        f"I have checked: start {plan.to_year} for {school.name} now",
        key="new-year-sure",
    )
    if st.button(
        f"Start {plan.to_year}", disabled=not sure, type="primary",
        icon=":material/school:",
    ):  # fmt: skip
        try:
            start_new_year(
                store, context.scope(), context.person().id, school.id,
                datetime.combine(context.today(), datetime.now().time()).astimezone(),
            )  # fmt: skip
        except LiveTrackError as refused:
            st.error(str(refused))
            return
        st.success(
            f"{plan.to_year} has started: pupils have moved up and Year 6 have left.",
            icon=":material/check:",
        )


def render_subjects(store, scope, school: context.School) -> None:
    st.subheader("Tracked subjects")
    subjects = cache.subjects(store, store.version, scope, school.id)
    st.table(
        pd.DataFrame(
            {
                "Subject": subjects["name"],
                "Year groups": [
                    ", ".join(year_group_label(y) for y in years)
                    for years in subjects["year_groups"]
                ],
            }
        ),
        hide_index=True,
    )


def main() -> None:
    store, scope = context.store(), context.scope()
    school = context.pick_school(store, scope)
    st.title("School")
    st.caption(f"{school.name} · set-up")
    render_name(store, school)
    left, right = st.columns(2, gap="large")
    with left:
        render_calendar(store, school, pick_year(store, school))
    with right:
        render_subjects(store, scope, school)
        render_new_year(store, school)


main()
