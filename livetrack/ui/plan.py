"""The forms that record an agreed action: an intervention, an action note, a review.

Shared by the meeting view, the Record page, the interventions page and the
pupil profile, so an intervention reads and checks the same wherever it starts.
"""

from datetime import timedelta

import streamlit as st

from livetrack.domain import NOTE_MAX_CHARACTERS
from livetrack.errors import LiveTrackError
from livetrack.interventions import (
    DELIVERED_BY_MAX_CHARACTERS,
    OUTCOMES,
    STRATEGY_MAX_CHARACTERS,
    Plan,
    plan_intervention,
    record_action,
    review_intervention,
)
from livetrack.ui import cache, context

REVIEW_AFTER_WEEKS = 6
INTERVENTION, ACTION_NOTE = "Intervention", "Action note"
NO_SUBJECT = "Not one subject"
UK_DATE = "DD/MM/YYYY"


def subjects_for(store, scope, school_id: int, year_group: int) -> dict[int, str]:
    """The subjects tracked for a year group that the person may reach, by id."""
    subjects = cache.subjects(store, store.version, scope, school_id)
    tracked = subjects[subjects["year_groups"].map(lambda years: year_group in years)]
    return dict(zip(tracked["id"].tolist(), tracked["name"]))


def render_agreed_action(
    store, scope, pupil_id: int, subjects: dict[int, str], key: str,
    subject_id: int | None = None,
) -> None:  # fmt: skip
    """Record the action agreed for a pupil: an intervention, or a note."""
    if not scope.can_plan:
        st.caption("Your role can read interventions but not record them.")
        return
    kind = st.segmented_control(
        "Agreed action", [INTERVENTION, ACTION_NOTE], default=INTERVENTION,
        key=f"{key}-kind", label_visibility="collapsed",
    )  # fmt: skip
    if kind == ACTION_NOTE:
        render_action_form(store, scope, pupil_id, subjects, key, subject_id)
    else:
        render_intervention_form(store, scope, pupil_id, subjects, key, subject_id)
    _say_saved(key)


def _subject_choice(subjects: dict[int, str], key: str, subject_id) -> int | None:
    options = [*subjects, None]
    index = options.index(subject_id) if subject_id in options else 0
    return st.selectbox(
        "Subject", options, index=index, key=f"{key}-subject",
        format_func=lambda choice: subjects.get(choice, NO_SUBJECT),
    )  # fmt: skip


def render_intervention_form(store, scope, pupil_id, subjects, key, subject_id=None):
    today, fresh = context.today(), _fresh(key)
    with st.form(f"{fresh}-intervention", border=False):
        chosen = _subject_choice(subjects, fresh, subject_id)
        strategy = st.text_input(
            "Strategy", max_chars=STRATEGY_MAX_CHARACTERS, key=f"{fresh}-strategy",
            placeholder="e.g. daily 10-minute fluency practice in small groups",
        )  # fmt: skip
        delivered_by = st.text_input(
            "Delivered by", max_chars=DELIVERED_BY_MAX_CHARACTERS,
            key=f"{fresh}-delivered", placeholder="e.g. class teacher, TA",
        )  # fmt: skip
        left, right = st.columns(2)
        starts_on = left.date_input(
            "Starts", today, key=f"{fresh}-starts", format=UK_DATE
        )
        review_on = right.date_input(
            "Review on", today + timedelta(weeks=REVIEW_AFTER_WEEKS),
            key=f"{fresh}-review", format=UK_DATE,
        )  # fmt: skip
        if st.form_submit_button("Save intervention", icon=":material/save:"):
            plan = Plan(pupil_id, chosen, strategy, delivered_by, starts_on, review_on)
            _save(key, "Intervention saved.", plan_intervention, store, scope,
                  context.person().id, plan, context.academic_year())  # fmt: skip


def render_action_form(store, scope, pupil_id, subjects, key, subject_id=None):
    fresh = _fresh(key)
    with st.form(f"{fresh}-action", border=False):
        chosen = _subject_choice(subjects, fresh, subject_id)
        note = st.text_area(
            "Action agreed", max_chars=NOTE_MAX_CHARACTERS, key=f"{fresh}-note",
            placeholder="e.g. speak to parents at parents' evening",
        )  # fmt: skip
        if st.form_submit_button("Save action", icon=":material/save:"):
            _save(key, "Action saved.", record_action, store, scope,
                  context.person().id, pupil_id, chosen, note,
                  context.academic_year())  # fmt: skip


def render_review_form(store, scope, interventions, key: str) -> None:
    """Record the outcome of one of these interventions."""
    if not scope.can_plan or interventions.empty:
        return
    fresh = _fresh(key)
    labels = dict(zip(interventions["id"].tolist(), interventions["label"]))
    with st.form(f"{fresh}-review-form"):
        st.markdown("**Record a review**")
        chosen = st.selectbox("Intervention", labels, format_func=labels.get,
                              key=f"{fresh}-which")  # fmt: skip
        outcome = st.radio("Outcome", list(OUTCOMES), format_func=OUTCOMES.get,
                           horizontal=True, key=f"{fresh}-outcome")  # fmt: skip
        note = st.text_input(
            "Note", max_chars=NOTE_MAX_CHARACTERS, key=f"{fresh}-rnote"
        )
        reviewed_on = st.date_input(
            "Reviewed on", context.today(), key=f"{fresh}-on", format=UK_DATE
        )
        if st.form_submit_button("Save review", icon=":material/task_alt:"):
            _save(key, "Review saved.", review_intervention, store, scope,
                  context.person().id, chosen, outcome, note, reviewed_on)  # fmt: skip
    _say_saved(key)


def _fresh(key: str) -> str:
    """The key of a form's widgets: new after each save, so the form starts empty,
    while a form that was refused keeps what was typed."""
    generation = st.session_state.get(f"{key}-generation", 0)
    return key if not generation else f"{key}-{generation}"


def _save(key: str, message: str, write, *args) -> None:
    try:
        write(*args)
    except LiveTrackError as error:
        st.error(str(error), icon=":material/error:")
        return
    st.session_state[f"{key}-saved"] = message
    st.session_state[f"{key}-generation"] = (
        st.session_state.get(f"{key}-generation", 0) + 1
    )
    st.rerun()


def _say_saved(key: str) -> None:
    message = st.session_state.pop(f"{key}-saved", None)
    if message:
        st.success(message, icon=":material/check_circle:")


NEW_BELOW = "plan-new-below"


def remember_new_below(pending, saved_keys: set[tuple[int, int]]) -> None:
    """After a Record save: the pupils and subjects it set Below, to plan for."""
    st.session_state[NEW_BELOW] = [
        (item.change.pupil_id, item.change.subject_id, item.pupil, item.subject)
        for item in pending
        if item.now == "Below"
        and (item.change.pupil_id, item.change.subject_id) in saved_keys
    ]


def render_plan_for_new_below(store, scope) -> None:
    """Offer an intervention for each status the last save set Below."""
    items = st.session_state.get(NEW_BELOW) or []
    if not items or not scope.can_plan:
        return
    with st.expander(
        f"Plan an intervention: {len(items)} now Below", expanded=True,
        icon=":material/add_task:",
    ):  # fmt: skip
        place = st.selectbox(
            "Pupil and subject", range(len(items)), key="plan-new-below-which",
            format_func=lambda i: f"{items[i][2]}, {items[i][3]}",
        )  # fmt: skip
        pupil_id, subject_id, _, subject = items[place]
        render_agreed_action(
            store, scope, pupil_id, {subject_id: subject},
            f"plan-new-below-{place}", subject_id,
        )  # fmt: skip
        st.button("Done", key="plan-new-below-done", on_click=forget_new_below)


def forget_new_below() -> None:
    st.session_state.pop(NEW_BELOW, None)
