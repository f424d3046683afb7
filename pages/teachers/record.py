"""Record: a teacher changes statuses by exception, with evidence, and saves once."""

import pandas as pd
import streamlit as st

from livetrack.domain import (
    EVIDENCE_TYPES,
    KEY_QUESTION,
    NOTE_MAX_CHARACTERS,
    STATUS_DEFINITIONS,
    STATUSES,
)
from livetrack.errors import LiveTrackError, TrackingNotStarted
from livetrack.grid import (
    EVIDENCE,
    LAST_CHANGE,
    NOTE,
    PUPIL,
    PendingChange,
    build_grid,
    pending_changes,
)
from livetrack.store.reviews import confirm_reviewed
from livetrack.store.statuses import load_class_statuses
from livetrack.tracking import check_tracking_started, save_status_changes
from livetrack.ui import cache, context
from livetrack.ui.formatting import london_time, plural
from livetrack.ui.palette import status_label
from livetrack.ui.plan import remember_new_below, render_plan_for_new_below

ALL_SUBJECTS = "All subjects"
ROW_HEIGHT_PX = 35
# Fixed column widths keep the grid readable, and let browser tests find cells.
PUPIL_WIDTH_PX = 180
STATUS_WIDTH_PX = 110
EVIDENCE_WIDTH_PX = 150
NOTE_WIDTH_PX = 240
LAST_CHANGE_WIDTH_PX = 320


def render_definitions() -> None:
    with st.popover("What Above, On and Below mean", icon=":material/info:"):
        st.markdown(f"**Key question.** {KEY_QUESTION}")
        for status, definition in STATUS_DEFINITIONS.items():
            st.markdown(f"**{status_label(status)} track.** {definition}")


def editor_key(class_id: int, view: str) -> str:
    generation = st.session_state.get("record-generation", 0)
    return f"grid-{class_id}-{view}-{generation}"


def has_unsaved_edits() -> bool:
    """Whether the grid on screen holds edits, so the class and view stay put."""
    class_id, view = (
        st.session_state.get("record-class"),
        st.session_state.get("record-view"),
    )
    state = st.session_state.get(editor_key(class_id, view or ALL_SUBJECTS), {})
    return bool(state.get("edited_rows"))


def start_afresh() -> None:
    """Drop the grid's edits and read the statuses again (after a save, or asked)."""
    st.session_state["record-generation"] = (
        st.session_state.get("record-generation", 0) + 1
    )
    st.session_state.pop("record-loaded", None)


def loaded_statuses(store, scope, class_id: int, year: str) -> pd.DataFrame:
    """The class's statuses as they were when this grid was opened.

    Held still until a save or refresh, so a colleague's save never moves the
    grid under a teacher, and a save can tell whose change came first.
    """
    key = (class_id, st.session_state.get("record-generation", 0))
    loaded = st.session_state.get("record-loaded")
    if loaded is None or loaded[0] != key:
        loaded = (key, load_class_statuses(store, scope, class_id, year))
        st.session_state["record-loaded"] = loaded
    return loaded[1]


def column_config(subjects: list[str], editable: bool) -> dict:
    config = {
        PUPIL: st.column_config.TextColumn(
            PUPIL, disabled=True, pinned=True, width=PUPIL_WIDTH_PX
        ),
        EVIDENCE: st.column_config.SelectboxColumn(
            EVIDENCE, options=EVIDENCE_TYPES, disabled=not editable,
            width=EVIDENCE_WIDTH_PX,
            help="The evidence for this row's changes. Leave blank to use the "
            "evidence chosen below.",
        ),
        NOTE: st.column_config.TextColumn(
            NOTE, max_chars=NOTE_MAX_CHARACTERS, disabled=not editable,
            width=NOTE_WIDTH_PX,
            help="Optional: a short note for this row's changes.",
        ),
        LAST_CHANGE: st.column_config.TextColumn(
            LAST_CHANGE, disabled=True, width=LAST_CHANGE_WIDTH_PX
        ),
    }  # fmt: skip
    for subject in subjects:
        config[subject] = st.column_config.SelectboxColumn(
            subject, options=STATUSES, required=True, format_func=status_label,
            disabled=not editable, width=STATUS_WIDTH_PX,
        )  # fmt: skip
    return config


def render_grid(
    grid: pd.DataFrame, subjects: list[str], key: str, editable: bool
) -> dict:
    st.data_editor(
        grid,
        key=key,
        hide_index=True,
        column_order=[PUPIL, *subjects, EVIDENCE, NOTE, LAST_CHANGE],
        column_config=column_config(subjects, editable),
        height=ROW_HEIGHT_PX * (len(grid) + 1) + 3,
        placeholder="",
    )
    st.caption(
        f"A note can be up to {NOTE_MAX_CHARACTERS} characters; the grid stops "
        "taking more there."
    )
    return st.session_state.get(key, {}).get("edited_rows", {})


def render_pending(pending: list[PendingChange], missing_evidence: bool) -> bool:
    """List the changes about to be saved; True when the teacher presses Save."""
    st.subheader(f"{plural(len(pending), 'change')} to save")
    for item in pending:
        evidence = item.change.evidence or "evidence not chosen yet"
        st.markdown(
            f"- **{item.pupil}**, {item.subject}: {status_label(item.was)} → "
            f"**{status_label(item.now)}** · {evidence}"
            + (f" · _{item.change.note}_" if item.change.note else "")
        )
    if missing_evidence:
        st.warning(
            "Choose the evidence for these changes, above or in the grid's "
            "Evidence column."
        )
    save, discard = st.columns([1, 4])
    discard.button("Discard changes", on_click=start_afresh)
    return save.button("Save changes", type="primary", disabled=missing_evidence)


def save(
    store, scope, person, pending: list[PendingChange], year: str, overwrite=False
) -> None:
    try:
        result = save_status_changes(
            store, scope, person.id, [p.change for p in pending], year, context.today(),
            overwrite=overwrite,
        )  # fmt: skip
    except LiveTrackError as error:
        st.error(str(error))
        return
    held_back = {(c.change.pupil_id, c.change.subject_id): c for c in result.conflicts}
    st.session_state["record-conflicts"] = [
        (item, held_back[key]) for item in pending
        if (key := (item.change.pupil_id, item.change.subject_id)) in held_back
    ]  # fmt: skip
    st.session_state["record-saved"] = result.saved
    saved = {(p.change.pupil_id, p.change.subject_id) for p in pending} - set(held_back)
    remember_new_below(pending, saved)
    start_afresh()
    st.rerun()


def render_outcome(store, scope, person, year: str) -> None:
    """Say what the last save did, and show any change someone else made first."""
    saved = st.session_state.pop("record-saved", None)
    if saved:
        st.success(
            f"Saved {plural(saved, 'change')}.",
            icon=":material/check_circle:",
        )
    conflicts = st.session_state.get("record-conflicts") or []
    if not conflicts:
        return
    st.warning(
        "Someone else changed these statuses after you opened the grid, so yours "
        "were not saved. Check theirs, then keep it or record yours on top."
    )
    st.dataframe(
        pd.DataFrame(
            {
                "Pupil": [item.pupil for item, _ in conflicts],
                "Subject": [item.subject for item, _ in conflicts],
                "Yours": [status_label(item.now) for item, _ in conflicts],
                "Theirs": [status_label(c.their_status) for _, c in conflicts],
                "Changed by": [c.their_name for _, c in conflicts],
                "When": london_time(pd.Series([c.their_time for _, c in conflicts])),
            }
        ),
        hide_index=True,
    )
    keep, mine = st.columns([1, 3])
    if keep.button("Keep theirs"):
        st.session_state.pop("record-conflicts")
        st.rerun()
    if mine.button("Record mine on top"):
        st.session_state.pop("record-conflicts")
        save(
            store, scope, person, [item for item, _ in conflicts], year, overwrite=True
        )


def render_confirm_reviewed(store, scope, person, class_id, statuses, year) -> None:
    """Confirm a whole column as reviewed, with nothing to change."""
    subjects = dict(zip(statuses["subject"], statuses["subject_id"]))
    with st.popover("Confirm reviewed", icon=":material/task_alt:"):
        st.caption(
            "You have looked at every pupil's status in these subjects and none "
            "needs to change. Leaders see when each column was last reviewed."
        )
        chosen = st.multiselect(
            "Subjects reviewed", list(subjects),
            default=list(subjects) if len(subjects) == 1 else [],
            key=f"reviewed-{class_id}",
        )  # fmt: skip
        if st.button("Confirm", type="primary", disabled=not chosen):
            try:
                confirmed = confirm_reviewed(
                    store, scope, person.id, class_id,
                    [int(subjects[name]) for name in chosen], year,
                )  # fmt: skip
            except LiveTrackError as error:
                st.error(str(error))
                return
            st.success(f"Confirmed {confirmed} subject(s) as reviewed today.")


def render_recent(store, scope, class_id: int, class_name: str, year: str) -> None:
    with st.expander(f"Recent changes in {class_name}"):
        recent = cache.recent_changes(store, store.version, scope, class_id, year)
        if recent.empty:
            st.write("No changes recorded yet this year: every status reads On.")
            return
        recent["changed_at"] = london_time(recent["changed_at"])
        recent["status"] = recent["status"].map(status_label)
        st.dataframe(
            recent.rename(columns=str.capitalize).rename(
                columns={"Changed_at": "When", "Changed_by": "Who"}
            ),
            hide_index=True,
        )


def pick_class_and_view(store, scope, school_id: int, locked: bool):
    classes = cache.classes(store, store.version, scope, school_id)
    if classes.empty:
        st.info("There are no classes for you here yet.")
        st.stop()
    names = dict(zip(classes["id"].tolist(), classes["name"]))
    left, right = st.columns(2)
    class_id = left.selectbox(
        "Class", names, format_func=names.get, key="record-class", disabled=locked
    )
    subjects = cache.subjects(store, store.version, scope, school_id)
    view = right.selectbox(
        "Subjects",
        [ALL_SUBJECTS, *subjects["name"]],
        key="record-view",
        disabled=locked,
    )
    if locked:
        st.caption("Save or discard your changes to switch class or subject.")
    return class_id, names[class_id], view


def main() -> None:
    store, scope = context.store(), context.scope()
    school = context.pick_school(store, scope)
    person = context.person()
    year = context.academic_year()
    st.title("Record")
    st.caption(
        f"{school.name} · {year} · every status is On until you change it, "
        "by exception and from evidence"
    )
    render_definitions()
    render_outcome(store, scope, person, year)
    render_plan_for_new_below(store, scope)

    class_id, class_name, view = pick_class_and_view(
        store, scope, school.id, has_unsaved_edits()
    )
    try:
        check_tracking_started(store, school.id, year, context.today())
        editable = scope.can_record
    except TrackingNotStarted as not_yet:
        st.info(f"{not_yet} Until then every status reads On and none can be changed.")
        editable = False

    statuses = loaded_statuses(store, scope, class_id, year)
    if view != ALL_SUBJECTS:
        statuses = statuses[statuses["subject"] == view]
    if statuses.empty:
        st.info(f"No pupils in {class_name} take {view.lower()}.")
        return
    subjects = list(dict.fromkeys(statuses.sort_values("position")["subject"]))
    grid = build_grid(statuses, subjects)
    edited = render_grid(grid, subjects, editor_key(class_id, view), editable)

    if edited:
        default = st.selectbox(
            "Evidence for these changes", EVIDENCE_TYPES, index=None,
            placeholder="Choose the evidence", key=f"record-evidence-{class_id}",
        )  # fmt: skip
        pending = pending_changes(statuses, grid, edited, subjects, default)
        if pending and render_pending(
            pending, any(p.change.evidence is None for p in pending)
        ):
            save(store, scope, person, pending, year)
    refresh, review = st.columns([1, 5])
    if refresh.button(
        "Refresh",
        help="Read the statuses again, with colleagues' latest changes.",
        disabled=bool(edited),
    ):
        start_afresh()
        st.rerun()
    if editable and not edited:
        with review:
            render_confirm_reviewed(store, scope, person, class_id, statuses, year)
    render_recent(store, scope, class_id, class_name, year)


main()
