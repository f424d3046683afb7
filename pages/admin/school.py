"""School: the school's name, its year's dates, and what it tracks."""

import pandas as pd
import streamlit as st

from livetrack.domain import year_group_label
from livetrack.errors import InvalidInput
from livetrack.store.schools import load_half_terms, load_tracking_start, rename_school
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


def render_calendar(store, school: context.School, year: str) -> None:
    st.subheader(f"The {year} calendar")
    starts_on = load_tracking_start(store, school.id, year)
    if starts_on is None:
        st.warning(f"No dates are set for {year} yet.")
        return
    st.write(
        f"Live tracking starts on **{starts_on:%A %-d %B %Y}**, with every status On."
    )
    half_terms = load_half_terms(store, school.id, year)
    st.table(
        pd.DataFrame(
            {
                "Half-term": [h.name for h in half_terms],
                "First day": [f"{h.starts_on:%a %-d %b %Y}" for h in half_terms],
                "Last day": [f"{h.ends_on:%a %-d %b %Y}" for h in half_terms],
            }
        ),
        hide_index=True,
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
        render_calendar(store, school, context.academic_year())
    with right:
        render_subjects(store, scope, school)


main()
