"""LiveTrack: the router. It declares every page once and shows each person theirs."""

import logging

import streamlit as st

from livetrack.store.schools import is_demo_database
from livetrack.ui import context

logging.basicConfig(
    level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
)

st.set_page_config(page_title="LiveTrack", page_icon="📈", layout="wide")

store = context.store()

pages = {
    "Leaders": [
        st.Page(
            "pages/leaders/overview.py",
            title="Overview",
            icon=":material/dashboard:",
            default=True,
        ),
        st.Page(
            "pages/leaders/snapshots.py",
            title="Snapshots",
            icon=":material/photo_camera:",
        ),
    ],
    "Teachers": [
        st.Page(
            "pages/teachers/record.py", title="Record", icon=":material/edit_note:"
        ),
    ],
    "Admin": [
        st.Page(
            "pages/admin/import_pupils.py",
            title="Import",
            icon=":material/upload_file:",
        ),
        st.Page("pages/admin/school.py", title="School", icon=":material/school:"),
    ],
}

st.sidebar.markdown("### :material/monitoring: LiveTrack")
if is_demo_database(store):
    st.sidebar.caption("Demo school: every pupil here is made up.")

st.navigation(pages).run()
