"""Sign-in: the school's Microsoft or Google account, or a demo person on the demo.

Three states, decided before any pupil data is read: OpenID Connect is set
up in `.streamlit/secrets.toml` (people sign in with `st.login`); the
database is the demo (a visitor picks a demo person); or neither, and the
app shows how to set sign-in up, and nothing else.
"""

import os
import time

import streamlit as st

from livetrack.access import WHAT_EACH_ROLE_SEES, Person
from livetrack.domain import ROLE_NAMES
from livetrack.store import Store
from livetrack.store.audit import SIGN_IN, SIGN_OUT, log_event
from livetrack.store.people import find_person, load_demo_people, load_person
from livetrack.store.schools import is_demo_database, load_school_names

IDLE_MINUTES_VARIABLE = "LIVETRACK_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 30
PROVIDER_NAMES = {"microsoft": "Microsoft", "google": "Google"}

DEMO_PERSON = "auth-demo-person"
SIGNED_IN = "auth-signed-in"  # the person id this session's sign-in was audited for
LAST_SEEN = "auth-last-seen"
TIMED_OUT = "auth-timed-out"


def _secrets_section(name: str) -> dict:
    try:
        return dict(st.secrets.get(name, {}))
    except FileNotFoundError:
        return {}


def providers() -> list[str]:
    """The identity providers set up under [auth.<name>] in secrets.toml."""
    section = _secrets_section("auth")
    named = [key for key, value in section.items() if hasattr(value, "keys")]
    if named:
        return named
    return ["default"] if "client_id" in section else []


def idle_minutes() -> int:
    """Minutes without a click before a session ends: secrets, then env, then 30."""
    configured = _secrets_section("livetrack").get("idle_minutes") or os.environ.get(
        IDLE_MINUTES_VARIABLE
    )
    return int(configured) if configured else DEFAULT_IDLE_MINUTES


def signed_in_person(store: Store) -> Person | None:
    """Who is using this session, or None; ends a session left idle too long."""
    if _idle_too_long():
        sign_out(store, timed_out=True)
        return None
    person = None
    if providers() and st.user.get("is_logged_in"):
        person = find_person(store, st.user.get("email") or "")
    elif DEMO_PERSON in st.session_state and is_demo_database(store):
        person = load_person(store, st.session_state[DEMO_PERSON])
    if person is not None and st.session_state.get(SIGNED_IN) != person.id:
        st.session_state[SIGNED_IN] = person.id
        how = "demo" if DEMO_PERSON in st.session_state else "account"
        log_event(store, person.id, person.school_id, SIGN_IN, via=how)
    return person


def _idle_too_long() -> bool:
    now = time.monotonic()
    last = st.session_state.get(LAST_SEEN)
    st.session_state[LAST_SEEN] = now
    signed_in = SIGNED_IN in st.session_state
    return signed_in and last is not None and now - last > 60 * idle_minutes()


def sign_out(store: Store, timed_out: bool = False) -> None:
    staff_id = st.session_state.pop(SIGNED_IN, None)
    st.session_state.pop(DEMO_PERSON, None)
    if staff_id is not None:
        log_event(store, staff_id, None, SIGN_OUT, idle=timed_out)
    st.session_state[TIMED_OUT] = timed_out
    if providers() and st.user.get("is_logged_in"):
        st.logout()


def render_sign_in(store: Store) -> None:
    """The only page a visitor who has not signed in can reach."""
    st.title("Sign in to LiveTrack")
    if st.session_state.pop(TIMED_OUT, False):
        st.info(
            f"You were signed out after {idle_minutes()} minutes without activity.",
            icon=":material/lock:",
        )
    configured = providers()
    if configured:
        _render_account_sign_in(store, configured)
    if is_demo_database(store):
        _render_demo_sign_in(store)
    elif not configured:
        _render_how_to_configure()


def _render_account_sign_in(store: Store, configured: list[str]) -> None:
    if st.user.get("is_logged_in"):
        st.error(
            f"{st.user.get('email')} is not set up in LiveTrack. Ask your school's "
            "LiveTrack admin to add you, then sign in again."
        )
        st.button("Sign out", on_click=st.logout)
        return
    st.write("Use your school account.")
    for provider in configured:
        name = PROVIDER_NAMES.get(provider, "your school")
        st.button(
            f"Sign in with {name}",
            key=f"sign-in-{provider}",
            type="primary",
            on_click=st.login,
            args=() if provider == "default" else (provider,),
        )


def _render_demo_sign_in(store: Store) -> None:
    st.subheader("Demo sign-in")
    st.warning(
        "This is the demo school: every pupil and every member of staff is made "
        "up. Choose who to be, to see LiveTrack as they would.",
        icon=":material/science:",
    )
    people = load_demo_people(store)
    schools = load_school_names(store)
    by_id = {person.id: person for person in people}
    chosen = st.selectbox(
        "Sign in as",
        list(by_id),
        format_func=lambda staff_id: _demo_label(by_id[staff_id], schools),
        index=None,
        placeholder="Choose a demo person",
        key="demo-person-choice",
    )
    if chosen is not None:
        st.caption(f"A {ROLE_NAMES[by_id[chosen].role].lower()} sees "
                   f"{WHAT_EACH_ROLE_SEES[by_id[chosen].role]}.")  # fmt: skip
    if st.button("Sign in", type="primary", disabled=chosen is None):
        st.session_state[DEMO_PERSON] = chosen
        st.rerun()


def _demo_label(person: Person, schools: dict[int, str]) -> str:
    where = schools.get(person.school_id, "the trust")
    return f"{person.role_name} · {person.name} · {where}"


def _render_how_to_configure() -> None:
    st.error(
        "Sign-in is not set up yet, so no pupil data is shown.", icon=":material/lock:"
    )
    st.markdown(
        """
LiveTrack signs people in with the school's Microsoft or Google accounts.
To set it up, an IT administrator:

1. registers LiveTrack with Microsoft Entra ID or Google Workspace, with the
   redirect address `https://<your LiveTrack address>/oauth2callback`;
2. writes the client id and secret into `.streamlit/secrets.toml` beside
   `app.py`, as the README's *Sign-in* section shows;
3. restarts LiveTrack, and adds each member of staff on the People page
   (or with `python -m livetrack users add`).
"""
    )
