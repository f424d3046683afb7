"""Pupil progress meeting: a class's or year group's pupils of concern, one at a time,
on a projector, with names, SEND and PP hidden until the presenter shows them.
"""

from dataclasses import replace

import pandas as pd
import streamlit as st

from livetrack import analytics
from livetrack.domain import SEND_PROVISIONS, year_group_label
from livetrack.filters import Filters
from livetrack.store.facts import ATTENDANCE_BANDS
from livetrack.store.interventions import load_actions, load_interventions
from livetrack.ui import cache, context
from livetrack.ui.palette import status_label
from livetrack.ui.plan import render_agreed_action, subjects_for

CLASS, YEAR_GROUP = "Class", "Year group"
PROJECTOR_CSS = """
<style>
.st-key-meeting-pupil { background: #ffffff; color: #000000;
  border: 3px solid #000000; border-radius: 12px; padding: 1.5rem 2rem; }
.st-key-meeting-pupil p, .st-key-meeting-pupil li,
.st-key-meeting-pupil label, .st-key-meeting-pupil td {
  font-size: 1.6rem !important; line-height: 1.45; color: #000000; }
.st-key-meeting-pupil h2 { font-size: 3rem !important; color: #000000; }
.st-key-meeting-pupil h3 { font-size: 2rem !important; color: #000000; }
.meeting-statuses { display: flex; flex-wrap: wrap; gap: 0.6rem;
  margin: 0.5rem 0 1rem; }
.meeting-status { font-size: 1.6rem; font-weight: 700; padding: 0.35rem 0.9rem;
  border-radius: 8px; border: 3px solid #000000; }
.meeting-Below { background: #7a0019; color: #ffffff; }
.meeting-On { background: #ffffff; color: #000000; }
.meeting-Above { background: #0b3d91; color: #ffffff; }
</style>
"""


def pick_group(store, scope, school_id: int, left, right) -> tuple[Filters, str]:
    """A class or a year group, chosen by the presenter, as filters and in words."""
    classes = cache.classes(store, store.version, scope, school_id)
    if classes.empty:
        st.info("There are no classes for you here yet.")
        st.stop()
    kind = left.segmented_control(
        "Look at", [CLASS, YEAR_GROUP], default=CLASS, key="meeting-kind"
    )
    if kind == YEAR_GROUP:
        years = sorted(set(classes["year_group"]))
        year = right.selectbox(
            "Year group", years, format_func=year_group_label, key="meeting-year"
        )
        return Filters(school_id=school_id, year_groups=(year,)), year_group_label(year)
    names = dict(zip(classes["id"].tolist(), classes["name"]))
    class_id = right.selectbox(
        "Class", names, format_func=names.get, key="meeting-class"
    )
    return Filters(
        school_id=school_id, class_ids=(class_id,)
    ), f"Class {names[class_id]}"


def presenter_scope(scope, show_names: bool, show_send: bool):
    """The person's scope, narrowed so hidden details are never even read."""
    return replace(
        scope,
        names_visible=scope.names_visible and show_names,
        send_detail=scope.send_detail and show_send,
    )


def pupil_label(pupil: dict, rank: int) -> str:
    """'Pupil 3' by place in the concern list; the name only where it was read."""
    if isinstance(pupil.get("first_name"), str):
        return f"{pupil['first_name']} {pupil['last_name']}"
    return f"Pupil {rank}"


def reasons_in_words(pupil: dict, show_send: bool) -> list[str]:
    reasons = [text for _, text in analytics.concern_reasons(pupil)]
    if not show_send:
        reasons = [r for r in reasons if r not in analytics.SEND_WORDS.values()]
    return [reason[0].upper() + reason[1:] for reason in reasons]


def statuses_html(pupil: dict, subjects: dict[int, str]) -> str:
    """Every subject of the pupil as a large chip: symbol, subject and status."""
    below, above = _listed(pupil["below_subjects"]), _listed(pupil["above_subjects"])
    chips = []
    for subject in subjects.values():
        status = "Below" if subject in below else "Above" if subject in above else "On"
        chips.append(
            f'<span class="meeting-status meeting-{status}">'
            f"{subject}: {status_label(status)}</span>"
        )
    return f'<div class="meeting-statuses">{"".join(chips)}</div>'


def _listed(subjects) -> set[str]:
    return set() if subjects is None else set(subjects)


def render_context(pupil: dict, show_send: bool) -> None:
    attendance = pupil["attendance_percent"]
    band = ATTENDANCE_BANDS[pupil["attendance_band"]]
    st.markdown(
        f"**Attendance:** {'none yet' if pd.isna(attendance) else f'{attendance:.1f}%'}"
        f" · {band.lower()}  \n"
        f"**Behaviour:** {int(pupil['negative_recent'])} negative incidents in the "
        f"last six weeks ({int(pupil['negative_before'])} in the six before); "
        f"{int(pupil['negative_incidents'])} negative and "
        f"{int(pupil['positive_incidents'])} positive this year"
    )
    if show_send:
        send = SEND_PROVISIONS.get(pupil["send"], pupil["send"])
        if isinstance(pupil.get("primary_need"), str):
            send += f" (primary need {pupil['primary_need']})"
        pp = "yes" if pupil["pupil_premium"] else "no"
        st.markdown(f"**SEND:** {send}  \n**Pupil premium:** {pp}")


def render_pupil(store, scope, pupil: dict, rank: int, of: int, show_send: bool):
    subjects = subjects_for(store, scope, int(pupil["school_id"]), pupil["year_group"])
    with st.container(key="meeting-pupil"):
        st.header(pupil_label(pupil, rank))
        st.markdown(f"Class {pupil['class_name']} · {rank} of {of} of concern")
        st.subheader("Why we are looking")
        st.markdown("\n".join(f"- {r}" for r in reasons_in_words(pupil, show_send)))
        st.subheader("Statuses now")
        st.html(statuses_html(pupil, subjects))
        render_context(pupil, show_send)
    render_existing(store, scope, int(pupil["pupil_id"]))
    st.subheader("Agreed action")
    below = _listed(pupil["below_subjects"])
    first_below = next((i for i, name in subjects.items() if name in below), None)
    render_agreed_action(
        store, scope, int(pupil["pupil_id"]), subjects, f"meeting-{rank}", first_below
    )


def render_existing(store, scope, pupil_id: int) -> None:
    """The pupil's interventions and agreed actions so far, without any name."""
    existing = load_interventions(
        store, scope, academic_year=context.academic_year(), pupil_id=pupil_id
    )
    actions = load_actions(store, scope, pupil_id)
    if len(actions):
        st.caption(f"{len(actions)} agreed action notes recorded: see the profile.")
    if existing.empty:
        st.caption("No interventions recorded for this pupil this year.")
        return
    st.subheader("Interventions this year")
    for row in existing.itertuples():
        outcome = row.outcome if isinstance(row.outcome, str) else "not reviewed yet"
        st.markdown(
            f"- {row.subject if isinstance(row.subject, str) else 'All subjects'}: "
            f"{row.strategy} ({row.delivered_by}), review "
            f"{row.review_on:%-d %b %Y}, {outcome.replace('_', ' ')}"
        )


def move(key: str, step: int) -> None:
    st.session_state[key] = st.session_state.get(key, 0) + step


def render_walk(count: int, key: str) -> int:
    """Previous and Next through the list; returns the 0-based place."""
    place = max(0, min(st.session_state.get(key, 0), count - 1))
    st.session_state[key] = place
    back, where, forward = st.columns([1, 2, 1])
    back.button(
        "Previous", icon=":material/arrow_back:", disabled=place == 0,
        key="meeting-previous", width="stretch", on_click=move, args=(key, -1),
    )  # fmt: skip
    forward.button(
        "Next", icon=":material/arrow_forward:", disabled=place >= count - 1,
        key="meeting-next", width="stretch", on_click=move, args=(key, 1),
    )  # fmt: skip
    where.markdown(f"**Pupil {place + 1} of {count}** of concern")
    return place


def main() -> None:
    store, scope = context.store(), context.scope()
    school = context.pick_school(store, scope)
    st.html(PROJECTOR_CSS)
    st.title("Pupil progress meeting")
    kind, group_choice, names, send = st.columns(
        [1.2, 1.5, 1, 1], vertical_alignment="bottom"
    )
    filters, group = pick_group(store, scope, school.id, kind, group_choice)
    show_names = names.toggle("Show names", False, key="meeting-names",
                              disabled=not scope.names_visible)  # fmt: skip
    show_send = send.toggle("Show SEND and PP", False, key="meeting-send")
    shown = presenter_scope(scope, show_names, show_send)
    source = ("live", context.academic_year(), context.today().isoformat())
    pupils = cache.pupils(store, store.version, shown, source, filters)
    concern = analytics.concern_list(pupils)
    st.caption(
        f"{school.name} · {group} · {len(concern)} of {len(pupils)} pupils of "
        "concern, most points first · live statuses"
    )
    if concern.empty:
        st.success("No pupils of concern here.", icon=":material/check_circle:")
        return
    place = render_walk(len(concern), f"meeting-place-{filters.to_query()}")
    pupil = concern.iloc[place].to_dict()
    render_pupil(store, shown, pupil, place + 1, len(concern), show_send)


main()
