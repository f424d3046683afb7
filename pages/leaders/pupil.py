"""Pupil profile: one pupil's statuses over time, the evidence behind them, attendance,
behaviour, SEND and interventions, for a SEND review or an EHC plan application.
"""

import pandas as pd
import streamlit as st

from livetrack.errors import LiveTrackError
from livetrack.interventions import outcome_label
from livetrack.pdf import profile_pdf
from livetrack.profile import (
    PupilProfile,
    context_over_time,
    load_profile,
    pupil_facts,
    status_timeline,
)
from livetrack.store.audit import EXPORT, log_event
from livetrack.store.profile import load_pupil_choices
from livetrack.ui import context
from livetrack.ui.formatting import london_time
from livetrack.ui.palette import STATUS_SYMBOLS
from livetrack.ui.plan import render_agreed_action, render_review_form, subjects_for
from livetrack.ui.tables import render_table
from livetrack.ui.timeline import status_timeline_chart

QUERY = "pupil"


def chosen_pupil(store, scope, school_id: int) -> int | None:
    """The pupil in the address (?pupil=<id>), or the one picked in the search box."""
    choices = load_pupil_choices(store, scope, school_id)
    labels = dict(zip(choices["id"].tolist(), choices["label"]))
    asked = st.query_params.get(QUERY, "")
    asked_id = int(asked) if asked.isdigit() and len(asked) < 10 else None
    picked = st.selectbox(
        "Find a pupil", list(labels), format_func=labels.get,
        index=list(labels).index(asked_id) if asked_id in labels else None,
        placeholder="Type to search", key="profile-pupil",
    )  # fmt: skip
    if picked is None:
        return asked_id  # one outside the box: the store decides if it may be seen
    if str(picked) != asked:
        st.query_params[QUERY] = str(picked)
    return picked


def render_header(profile: PupilProfile) -> None:
    st.header(profile.title)
    st.markdown(
        "  \n".join(
            f"**{label}:** {words}" for label, words in pupil_facts(profile.pupil)
        )
    )


def render_timeline(profile: PupilProfile) -> None:
    st.subheader("Status in every subject over time")
    timeline = status_timeline(profile.timeline)
    shown = timeline.copy()
    for column in shown.columns[1:]:
        shown[column] = shown[column].map(
            lambda status: f"{STATUS_SYMBOLS[status]} {status}"
            if status in STATUS_SYMBOLS else status
        )  # fmt: skip
    st.plotly_chart(
        status_timeline_chart(profile.timeline), key="profile-chart",
        config={"displayModeBar": False},
    )  # fmt: skip
    with st.expander("As a table"):
        render_table(shown, "Pupil statuses", key="profile-timeline")
    st.caption("Each snapshot as it was frozen at the end of its half-term; "
               "the last column is the live status now.")  # fmt: skip


def render_context(profile: PupilProfile) -> None:
    st.subheader("Attendance and behaviour")
    left, right = st.columns(2)
    left.markdown("**At each snapshot and now** (attendance to date)")
    left.dataframe(context_over_time(profile.timeline), hide_index=True)
    right.markdown("**Behaviour incidents by half-term**")
    right.dataframe(
        profile.behaviour.rename(columns=str.capitalize).drop(columns="Starts_on"),
        hide_index=True,
    )
    attendance = profile.attendance.assign(
        period=lambda f: f["starts_on"].dt.strftime("%-d %b %Y")
        + " to " + f["ends_on"].dt.strftime("%-d %b %Y")
    )  # fmt: skip
    st.markdown("**Attendance by period**")
    st.dataframe(
        attendance[["period", "sessions_possible", "sessions_attended",
                    "sessions_unauthorised", "attendance_percent"]].rename(
            columns=lambda c: c.replace("_", " ").capitalize()),
        hide_index=True,
    )  # fmt: skip


def render_changes(profile: PupilProfile) -> None:
    st.subheader("The evidence and notes behind each change")
    if profile.changes.empty:
        st.info("No status has been changed for this pupil: every status is On.")
        return
    changes = profile.changes.assign(
        changed_at=london_time(profile.changes["changed_at"])
    )
    render_table(
        changes.rename(columns={"changed_at": "When", "changed_by": "Who",
                                "academic_year": "Year"}).rename(
            columns=str.capitalize),
        "Pupil status changes", key="profile-changes",
    )  # fmt: skip


def render_interventions(store, scope, profile: PupilProfile) -> None:
    st.subheader("Interventions and agreed actions")
    interventions = profile.interventions
    if interventions.empty:
        st.caption("No interventions recorded.")
    else:
        st.dataframe(
            pd.DataFrame({
                "Subject": interventions["subject"].fillna("All subjects"),
                "Strategy": interventions["strategy"],
                "Delivered by": interventions["delivered_by"],
                "Starts": interventions["starts_on"].dt.date,
                "Review": interventions["review_on"].dt.date,
                "Outcome": interventions["outcome"].map(outcome_label),
                "Note": interventions["outcome_note"],
                "Recorded by": interventions["recorded_by"],
            }),
            hide_index=True,
        )  # fmt: skip
        unreviewed = interventions[interventions["outcome"].isna()].assign(
            label=lambda f: f["subject"].fillna("All subjects") + ": " + f["strategy"]
        )
        render_review_form(store, scope, unreviewed, "profile")
    for action in profile.actions.itertuples():
        st.markdown(f"- Action agreed ({action.recorded_by}): {action.note}")
    with st.expander("Record an agreed action", icon=":material/add_task:"):
        pupil = profile.pupil
        subjects = subjects_for(store, scope, int(pupil["school_id"]),
                                int(pupil["year_group"]))  # fmt: skip
        render_agreed_action(store, scope, int(pupil["id"]), subjects, "profile")


def record_export(pupil_id: int) -> None:
    person = context.person()
    log_event(context.store(), person.id, person.school_id, EXPORT,
              report="pupil_profile", format="pdf", pupil_id=pupil_id)  # fmt: skip


def render_download(profile: PupilProfile) -> None:
    pupil_id = int(profile.pupil["id"])
    st.download_button(
        "Download as PDF", lambda: profile_pdf(profile, context.today()),
        f"pupil-profile-{pupil_id}.pdf", "application/pdf",
        icon=":material/picture_as_pdf:", key="profile-pdf",
        on_click=record_export, args=(pupil_id,),
    )  # fmt: skip


def main() -> None:
    store, scope = context.store(), context.scope()
    school = context.pick_school(store, scope)
    st.title("Pupil profile")
    st.caption(f"{school.name} · one pupil's whole picture over time")
    pupil_id = chosen_pupil(store, scope, school.id)
    if pupil_id is None:
        st.info("Choose a pupil to see their profile.")
        return
    try:
        profile = load_profile(store, scope, pupil_id, context.academic_year())
    except LiveTrackError as error:
        st.error(str(error), icon=":material/block:")
        return
    render_header(profile)
    render_download(profile)
    render_timeline(profile)
    render_context(profile)
    render_changes(profile)
    render_interventions(store, scope, profile)


main()
