"""LiveTrack: the router. It signs people in and shows each the pages of their role."""

import logging
import traceback
from pathlib import Path

import streamlit as st

from livetrack.access import (
    ADMINISTER,
    FIGURES,
    PUPILS,
    RECORD,
    SNAPSHOTS,
    TRUST,
    Person,
)
from livetrack.errors import LiveTrackError
from livetrack.store.schools import is_demo_database
from livetrack.ui import auth, context

logging.basicConfig(
    level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
)

log = logging.getLogger("livetrack.app")
PAGE_FAILED = (
    "Something went wrong on this page, and nothing was changed. Try again; if "
    "it happens again, tell whoever looks after LiveTrack."
)

st.set_page_config(page_title="LiveTrack", page_icon="📈", layout="wide")

# Every page once: its section, its file, its title, its icon, and what a role
# must allow to see it.
PAGES = [
    ("Figures", "pages/leaders/overview.py", "Overview", "dashboard", FIGURES),
    ("Figures", "pages/leaders/trust.py", "Trust", "account_tree", TRUST),
    ("Figures", "pages/leaders/triangulation.py", "Triangulation", "insights", FIGURES),
    ("Figures", "pages/leaders/area.py", "Area", "workspaces", FIGURES),
    ("Figures", "pages/leaders/reviews.py", "Reviews", "task_alt", FIGURES),
    ("Figures", "pages/leaders/trends.py", "Trends", "trending_up", FIGURES),
    ("Figures", "pages/leaders/compare.py", "Compare", "compare_arrows", FIGURES),
    ("Figures", "pages/leaders/snapshots.py", "Snapshots", "photo_camera", SNAPSHOTS),
    ("Pupils", "pages/leaders/meeting.py", "Progress meeting", "co_present", PUPILS),
    ("Pupils", "pages/leaders/pupil.py", "Pupil profile", "person_search", PUPILS),
    ("Pupils", "pages/leaders/interventions.py", "Interventions", "support", PUPILS),
    ("Recording", "pages/teachers/record.py", "Record", "edit_note", RECORD),
    ("Admin", "pages/admin/import_data.py", "Import", "upload_file", ADMINISTER),
    ("Admin", "pages/admin/school.py", "School", "school", ADMINISTER),
    ("Admin", "pages/admin/people.py", "People", "group", ADMINISTER),
    ("Admin", "pages/admin/audit.py", "Audit log", "history", ADMINISTER),
    ("Admin", "pages/admin/data.py", "Data", "database", ADMINISTER),
]


# Where each person starts: a teacher at recording, an admin at imports.
HOME = {"teacher": RECORD, "admin": ADMINISTER}


def pages_for(person: Person) -> dict[str, list[st.Page]]:
    """The menu of one person: only the pages their role allows, their home's
    section first (a teacher's menu opens with Recording)."""
    home = HOME.get(person.role, FIGURES)
    allowed = [row for row in PAGES if person.can(row[4])]
    first_home = next(path for _, path, _, _, needs in allowed if needs == home)
    home_section = next(row[0] for row in allowed if row[1] == first_home)
    menu: dict[str, list[st.Page]] = {home_section: []}
    for section, path, title, icon, _ in allowed:
        menu.setdefault(section, []).append(
            st.Page(path, title=title, icon=f":material/{icon}:",
                    url_path=Path(path).stem, default=path == first_home)
        )  # fmt: skip
    return menu


def sign_in_pages() -> list[st.Page]:
    """The sign-in page at the app's address and at every page's own, so that a
    bookmarked or shared page asks for sign-in, then opens with its filters."""
    return [
        st.Page(sign_in, title="Sign in", icon=":material/login:", default=True),
        *[
            st.Page(sign_in, title=title, url_path=Path(path).stem)
            for _, path, title, _, _ in PAGES
        ],
    ]


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
    st.navigation(sign_in_pages(), position="hidden").run()
else:
    context.set_person(person)
    render_sidebar(store, person)
    page = st.navigation(pages_for(person))
    try:
        page.run()
    except LiveTrackError as error:
        st.error(str(error), icon=":material/error:")
    except Exception as error:
        # Where it failed, for whoever runs the server, but not the message,
        # which could quote a pupil's data; the person sees plain words.
        frames = traceback.extract_tb(error.__traceback__)
        where = " < ".join(f"{Path(f.filename).name}:{f.lineno}" for f in frames[::-1])
        log.error("a page failed with %s at %s", type(error).__name__, where)
        st.error(PAGE_FAILED, icon=":material/error:")
