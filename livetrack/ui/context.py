"""The process's one Store, the first start's demo, and who is using the app."""

import argparse
import os
import sys
import threading
from dataclasses import dataclass
from datetime import date, datetime

import streamlit as st

from livetrack.access import Person, scope_for
from livetrack.app_requests import start_listening
from livetrack.calendar import academic_year_of
from livetrack.demo import build_demo
from livetrack.errors import DatabaseInUse
from livetrack.paths import resolve_data_dir
from livetrack.scheduler import start_snapshot_scheduler
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.schools import load_schools

_FIRST_START = threading.Lock()
TODAY_VARIABLE = "LIVETRACK_TODAY"
PERSON = "livetrack-person"


@dataclass(frozen=True)
class School:
    id: int
    name: str


def _data_dir_argument() -> str | None:
    """`streamlit run app.py -- --data-dir DIR` chooses the data folder."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data-dir")
    known, _ = parser.parse_known_args(sys.argv[1:])
    return known.data_dir


@st.cache_resource(show_spinner=False)
def open_store(data_dir: str) -> Store:
    """The Store every session of this server shares (one DuckDB connection).

    It also answers backups asked for by the command line while the app runs.
    """
    shared = Store(resolve_data_dir(data_dir))
    start_listening(shared)
    return shared


def store() -> Store:
    """This process's Store, with the demo built on the very first start."""
    try:
        shared = open_store(str(resolve_data_dir(_data_dir_argument())))
    except DatabaseInUse as in_use:
        # Not cached, so the next visit tries again.
        st.error(
            f"LiveTrack cannot open its data just now. {in_use} That may be a "
            "command such as a restore or an import, or a second copy of the "
            "app. Wait for the command to finish (or stop the other copy), then "
            "reload this page. Nothing has been changed.",
            icon=":material/lock:",
        )
        st.stop()
    if shared.value("select count(*) from schools") == 0:
        _build_first_demo(shared)
    # After the first demo, never during it: the build sets pupils to past years.
    start_snapshot_scheduler(shared)
    return shared


def _build_first_demo(shared: Store) -> None:
    with _FIRST_START:
        if shared.value("select count(*) from schools") > 0:
            return
        with st.status(
            "Setting up the demo school for its first start…", expanded=True
        ) as box:
            bar = st.progress(0.0)
            build_demo(
                shared,
                progress=lambda fraction, message: bar.progress(fraction, message),
            )
            box.update(
                label="The demo school is ready.", state="complete", expanded=False
            )


def set_person(person: Person) -> None:
    """Remember who signed in, for the pages this run (the router calls it)."""
    st.session_state[PERSON] = person


def person() -> Person:
    """The signed-in person; a page opened without the router shows nothing."""
    signed_in = st.session_state.get(PERSON)
    if signed_in is None:
        st.stop()
    return signed_in


def scope() -> Scope:
    """What the signed-in person may see and change."""
    return scope_for(person())


def reach(person_scope: Scope) -> str | None:
    """'your classes' (or year groups, or subjects) for a person who sees only
    part of a school, so a figure never reads as the whole school's; else None."""
    if person_scope.class_ids is not None:
        return "your classes"
    if person_scope.year_groups is not None:
        return "your year groups"
    if person_scope.subject_ids is not None:
        return "your subjects"
    return None


def today() -> date:
    """Today, or the day $LIVETRACK_TODAY names (YYYY-MM-DD) for demos and tests."""
    pinned = os.environ.get(TODAY_VARIABLE)
    return date.fromisoformat(pinned) if pinned else date.today()


def now() -> datetime:
    """The moment live statuses are read at: always the real clock.

    A pinned $LIVETRACK_TODAY moves the calendar (the year, the half-term, the
    start of tracking), never the live picture, so a change saved a moment
    ago is counted on every page alike.
    """
    return datetime.now().astimezone()


def academic_year() -> str:
    return academic_year_of(today())


def pick_school(shared: Store, person_scope: Scope) -> School:
    """The school the person is looking at: a sidebar choice when they have several."""
    schools = load_schools(shared, person_scope)
    if schools.empty:
        st.info(
            "There is no school here yet. An admin can import a roster on the "
            "Import page."
        )
        st.stop()
    names = dict(zip(schools["id"].tolist(), schools["name"]))
    chosen = next(iter(names))
    if len(names) > 1:
        chosen = st.sidebar.selectbox(
            "School", names, format_func=names.get, key="school_id"
        )
    return School(chosen, names[chosen])
