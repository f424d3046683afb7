"""LiveTrack: the router. It signs people in and shows each the pages of their role."""

import logging

import streamlit as st

from livetrack.access import ADMINISTER, FIGURES, PUPILS, RECORD, SNAPSHOTS, Person
from livetrack.store.schools import is_demo_database
from livetrack.ui import auth, context

logging.basicConfig(
    level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
)

st.set_page_config(page_title="LiveTrack", page_icon="📈", layout="wide")

# Every page once: its section, its file, its title, its icon, and what a role
# must allow to see it.
PAGES = [
    ("Leaders", "pages/leaders/overview.py", "Overview", "dashboard", FIGURES),
    ("Leaders", "pages/leaders/snapshots.py", "Snapshots", "photo_camera", SNAPSHOTS),
    ("Leaders", "pages/leaders/meeting.py", "Progress meeting", "co_present", PUPILS),
    ("Leaders", "pages/leaders/pupil.py", "Pupil profile", "person_search", PUPILS),
    ("Leaders", "pages/leaders/interventions.py", "Interventions", "support", PUPILS),
    ("Teachers", "pages/teachers/record.py", "Record", "edit_note", RECORD),
    ("Admin", "pages/admin/import_pupils.py", "Import", "upload_file", ADMINISTER),
    ("Admin", "pages/admin/school.py", "School", "school", ADMINISTER),
]


def pages_for(person: Person) -> dict[str, list[st.Page]]:
    """The menu of one person: only the pages their role allows, first one default."""
    menu: dict[str, list[st.Page]] = {}
    for section, path, title, icon, needs in PAGES:
        if person.can(needs):
            menu.setdefault(section, []).append(
                st.Page(path, title=title, icon=f":material/{icon}:",
                        default=not menu)
            )  # fmt: skip
    return menu


def render_sidebar(store, person: Person) -> None:
    st.sidebar.markdown("### :material/monitoring: LiveTrack")
    if is_demo_database(store):
        st.sidebar.caption("Demo school: every pupil here is made up.")
    st.sidebar.markdown(f"**{person.name}**  \n{person.role_name}")
    st.sidebar.button(
        "Sign out", on_click=auth.sign_out, args=(store,), icon=":material/logout:"
    )


def sign_in() -> None:
    auth.render_sign_in(store)


store = context.store()
person = auth.signed_in_person(store)
if person is None:
    st.navigation([st.Page(sign_in, title="Sign in", icon=":material/login:")]).run()
else:
    context.set_person(person)
    render_sidebar(store, person)
    st.navigation(pages_for(person)).run()
