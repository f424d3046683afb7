"""People: who may sign in, their roles and their areas."""

import pandas as pd
import streamlit as st

from livetrack.access import (
    PHASE_LEAD,
    SUBJECT_LEAD,
    TEACHER,
    TRUST_LEADER,
    WHAT_EACH_ROLE_SEES,
)
from livetrack.domain import ROLE_NAMES, ROLES, year_group_label
from livetrack.errors import LiveTrackError
from livetrack.store.people import add_person, change_person, load_people
from livetrack.ui import cache, context
from livetrack.ui.tables import render_table

NAME_MAX_CHARACTERS = 80


def people_table(people: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Name": people["display_name"],
            "Email": people["email"],
            "Role": people["role"].map(ROLE_NAMES),
            "Classes": people["classes"].fillna(""),
            "Subjects": people["subjects"].fillna(""),
            "Year groups": people["year_groups"].map(_years),
            "Can sign in": people["active"].map({True: "Yes", False: "No"}),
        }
    )


def _years(years) -> str:
    if years is None or not hasattr(years, "__len__"):
        return ""
    return ", ".join(year_group_label(int(year)) for year in years)


def area_inputs(store, scope, school_id: int, role: str, key: str) -> dict:
    """The classes, subjects or year groups a role's area is made of."""
    if role == TEACHER:
        classes = cache.classes(store, store.version, scope, school_id)
        names = dict(zip(classes["id"].tolist(), classes["name"]))
        chosen = st.multiselect("Classes", list(names), format_func=names.get,
                                key=f"{key}-classes")  # fmt: skip
        return {"classes": chosen}
    if role == SUBJECT_LEAD:
        subjects = cache.subjects(store, store.version, scope, school_id)
        names = dict(zip(subjects["id"].tolist(), subjects["name"]))
        chosen = st.multiselect("Subjects", list(names), format_func=names.get,
                                key=f"{key}-subjects")  # fmt: skip
        return {"subjects": chosen}
    if role == PHASE_LEAD:
        chosen = st.multiselect(
            "Year groups", list(range(7)), format_func=year_group_label,
            key=f"{key}-years",
        )  # fmt: skip
        return {"year_groups": chosen}
    return {}


def render_add(store, scope, school: context.School) -> None:
    st.subheader("Add a person")
    role = st.selectbox("Role", ROLES, format_func=ROLE_NAMES.get, key="add-role")
    st.caption(f"A {ROLE_NAMES[role].lower()} sees {WHAT_EACH_ROLE_SEES[role]}.")
    with st.form("add-person", clear_on_submit=True):
        name = st.text_input("Name", max_chars=NAME_MAX_CHARACTERS)
        email = st.text_input("School email address (the account they sign in with)")
        area = area_inputs(store, scope, school.id, role, "add")
        if st.form_submit_button("Add", type="primary"):
            try:
                add_person(
                    store, context.person().id,
                    None if role == TRUST_LEADER else school.id,
                    name, email, role, area,
                )  # fmt: skip
            except LiveTrackError as error:
                st.error(str(error))
                return
            st.success(f"{name.strip()} can now sign in as {ROLE_NAMES[role].lower()}.")


def render_change(store, scope, school: context.School, people: pd.DataFrame) -> None:
    st.subheader("Change a role or an area")
    names = dict(zip(people["id"].tolist(), people["display_name"]))
    staff_id = st.selectbox(
        "Person", list(names), format_func=names.get, index=None,
        placeholder="Choose a person", key="change-person",
    )  # fmt: skip
    if staff_id is None:
        return
    current = people.set_index("id").loc[staff_id]
    role = st.selectbox(
        "New role", ROLES, index=ROLES.index(current["role"]),
        format_func=ROLE_NAMES.get, key=f"change-role-{staff_id}",
    )  # fmt: skip
    area = area_inputs(store, scope, school.id, role, f"change-{staff_id}")
    active = st.toggle("Can sign in", value=bool(current["active"]),
                       key=f"change-active-{staff_id}")  # fmt: skip
    if st.button("Save", type="primary", key=f"change-save-{staff_id}"):
        try:
            change_person(store, context.person().id, staff_id, role, area, active)
        except LiveTrackError as error:
            st.error(str(error))
            return
        st.success(f"Saved: {names[staff_id]} is now {ROLE_NAMES[role].lower()}.")


def main() -> None:
    store, scope = context.store(), context.scope()
    school = context.pick_school(store, scope)
    st.title("People")
    st.caption(
        f"{school.name} · everyone who may sign in, and what each one's role lets "
        "them see. Every change is recorded in the audit log."
    )
    people = load_people(store, scope, school.id)
    render_table(people_table(people), "People", key="people")
    left, right = st.columns(2, gap="large")
    with left:
        render_add(store, scope, school)
    with right:
        render_change(store, scope, school, people)


main()
