"""Import: files from the MIS, checked whole and previewed before anything is saved.

A pupil list (CSV or Excel), a Common Transfer File (XML), attendance or
behaviour (CSV). The page tells them apart by their contents and lets the
admin say otherwise; a file with any problem changes nothing.
"""

import pandas as pd
import streamlit as st

from livetrack.domain import SEND_PROVISIONS, year_group_label
from livetrack.errors import ImportRejected
from livetrack.importers import RosterPlan, apply_roster, plan_roster, read_roster
from livetrack.importers.attendance import (
    AttendancePlan,
    apply_attendance,
    plan_attendance,
)
from livetrack.importers.behaviour import BehaviourPlan, apply_behaviour, plan_behaviour
from livetrack.importers.ctf import CtfPlan, apply_ctf, plan_ctf, read_ctf
from livetrack.importers.kinds import KINDS, detect_kind
from livetrack.importers.table import MissingColumns
from livetrack.scope import Scope
from livetrack.store.imports import (
    forget_column_mapping,
    load_column_mapping,
    save_column_mapping,
)
from livetrack.store.schools import load_classes
from livetrack.ui import context

FILE_TYPES = ["csv", "xlsx", "xml"]
DONE = "import-done"


# What went wrong, and asking for the columns LiveTrack could not find


def render_problems(rejected: ImportRejected) -> None:
    st.error(str(rejected), icon=":material/block:")
    st.dataframe(
        pd.DataFrame({"What to put right": rejected.problems}),
        hide_index=True,
        width="stretch",
    )


def render_column_questions(store, school_id: int, kind: str, missing) -> None:
    """Ask which column holds each detail LiveTrack could not find, and remember it."""
    st.warning(
        "LiveTrack could not find every column it needs in this file. Say which "
        "column holds each one below; LiveTrack remembers your answer for this "
        "school's next file.",
        icon=":material/help:",
    )
    answers = {
        field.column: st.selectbox(
            f"Which column is the {field.label}?",
            missing.headers,
            index=None,
            placeholder="Choose a column",
            key=f"import-map-{kind}-{field.column}",
        )
        for field in missing.missing
    }
    ready = all(answers.values())
    if st.button("Use these columns", type="primary", disabled=not ready):
        save_column_mapping(store, school_id, kind, answers)
        st.rerun()
    with st.expander("The file's problem in full"):
        render_problems(missing)


def render_remembered(store, school_id: int, kind: str, mapping: dict) -> None:
    if not mapping:
        return
    fields = {field.column: field.label for field in KINDS[kind].fields or []}
    chosen = "; ".join(f'{fields.get(d, d)} is "{h}"' for d, h in mapping.items())
    left, right = st.columns([5, 1])
    left.caption(f"Using the columns you chose before: {chosen}.")
    if right.button("Forget them", key=f"import-forget-{kind}"):
        forget_column_mapping(store, school_id, kind)
        st.rerun()


def checked(store, school_id: int, kind: str, plan_file):
    """The file's plan, or None once its problems (or questions) are shown."""
    mapping = load_column_mapping(store, school_id, kind)
    render_remembered(store, school_id, kind, mapping)
    try:
        return plan_file(mapping)
    except MissingColumns as missing:
        render_column_questions(store, school_id, kind, missing)
    except ImportRejected as rejected:
        render_problems(rejected)
    return None


# Previews


def render_rows(rows: pd.DataFrame, when_empty: str) -> None:
    if rows.empty:
        st.caption(when_empty)
    else:
        st.dataframe(rows, hide_index=True, width="stretch")


def new_pupils_table(plan: RosterPlan) -> pd.DataFrame:
    pupils = plan.new_pupils
    first_names = pupils["preferred_first_name"].fillna(pupils["legal_first_name"])
    return pd.DataFrame(
        {
            "Pupil": first_names + " " + pupils["legal_last_name"],
            "Year group": pupils["year_group"].map(year_group_label),
            "Class": pupils["class_name"],
            "SEN": pupils["send"].map(SEND_PROVISIONS),
        }
    )


def changes_table(plan: RosterPlan) -> pd.DataFrame:
    return plan.changes.drop(columns="upn").rename(
        columns={"pupil": "Pupil", "detail": "Detail", "was": "Was",
                 "becomes": "Becomes"}
    )  # fmt: skip


def render_plan(plan: RosterPlan) -> None:
    counts = st.columns(5)
    counts[0].metric("New pupils", len(plan.new_pupils), border=True)
    counts[1].metric("Pupils with changes", len(plan.changed_pupils), border=True)
    counts[2].metric("Marked as left", len(plan.leavers), border=True)
    counts[3].metric("Unchanged", plan.unchanged, border=True)
    counts[4].metric("New classes", len(plan.new_classes), border=True)
    if not plan.leavers.empty:
        st.warning(
            f"{len(plan.leavers)} pupils on roll are not in this file. They will be "
            "marked as left today; nothing about them is deleted.",
            icon=":material/warning:",
        )
    tabs = st.tabs(["New pupils", "Changes", "Leaving"])
    with tabs[0]:
        render_rows(new_pupils_table(plan), "No new pupils.")
    with tabs[1]:
        render_rows(changes_table(plan), "No pupil's details change.")
    with tabs[2]:
        leavers = plan.leavers.drop(columns="upn").rename(
            columns={"pupil": "Pupil", "class_name": "Class"}
        )
        render_rows(leavers, "Nobody leaves.")


def render_ctf_plan(plan: CtfPlan) -> None:
    ctf, roster = plan.ctf, plan.roster
    st.caption(
        f"CTF version {ctf.version or 'not given'}"
        + (f" from {ctf.source_school}" if ctf.source_school else "")
        + (f", made on {ctf.created_on:%d/%m/%Y}" if ctf.created_on else "")
        + ". A CTF updates the pupils it holds and marks no one as left; class "
        "and year group stay as the pupil list set them."
    )
    counts = st.columns(5)
    counts[0].metric("Pupils in the CTF", len(ctf.pupils), border=True)
    counts[1].metric("New pupils", len(roster.new_pupils), border=True)
    counts[2].metric("Pupils with changes", len(roster.changed_pupils), border=True)
    counts[3].metric("Not added", len(plan.unplaced), border=True)
    counts[4].metric("Years of attendance", len(plan.attendance), border=True)
    if not plan.unplaced.empty:
        st.info(
            f"{len(plan.unplaced)} pupils in the CTF are not in LiveTrack. A CTF "
            "carries no class, so they are left out: choose a class for them "
            "above, or add them with the next pupil list.",
            icon=":material/info:",
        )
    if not plan.year_group_differs.empty:
        st.info(
            f"{len(plan.year_group_differs)} pupils have another NC year in the CTF "
            "than in LiveTrack. Their year group and class are left as they are: "
            "the pupil list sets them.",
            icon=":material/info:",
        )
    tabs = st.tabs(["Changes", "New pupils", "Not added", "Attendance"])
    with tabs[0]:
        render_rows(changes_table(roster), "No pupil's details change.")
    with tabs[1]:
        render_rows(new_pupils_table(roster), "No new pupils.")
    with tabs[2]:
        unplaced = plan.unplaced.drop(columns="upn").assign(
            year_group=plan.unplaced["year_group"].map(
                lambda y: "" if pd.isna(y) else year_group_label(int(y))
            )
        )
        render_rows(unplaced.rename(columns={"pupil": "Pupil",
                                             "year_group": "Year group"}),
                    "Every pupil in the CTF is in LiveTrack.")  # fmt: skip
    with tabs[3]:
        render_rows(attendance_table(plan.attendance_preview), "No attendance.")


def attendance_table(preview: pd.DataFrame) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "Pupil": preview["pupil"],
            "From": pd.to_datetime(preview["starts_on"]).dt.strftime("%d/%m/%Y"),
            "To": pd.to_datetime(preview["ends_on"]).dt.strftime("%d/%m/%Y"),
            "Possible": preview["sessions_possible"],
            "Attended": preview["sessions_attended"],
            "Attendance %": preview["percent"],
        }
    )
    if "replaces" in preview:
        table["Replaces"] = preview["replaces"].map({True: "Yes", False: ""})
    return table


def render_attendance_plan(plan: AttendancePlan) -> None:
    n = len(plan.preview)
    counts = st.columns(4)
    counts[0].metric("Rows", n, border=True)
    counts[1].metric("Replacing rows held", plan.replaced, border=True)
    counts[2].metric(
        "Persistent absence (90% or below)",
        f"{plan.persistent_absence} of {n}",
        border=True,
    )
    counts[3].metric(
        "Severe absence (50% or below)", f"{plan.severe_absence} of {n}", border=True
    )
    ranges = ", ".join(
        f"{r.starts_on:%d/%m/%Y} to {r.ends_on:%d/%m/%Y} ({r.pupils} pupils)"
        for r in plan.ranges.itertuples()
    )
    st.caption(
        f"Dates: {ranges}. Rows for dates already imported replace what is held, "
        "so importing a period again never counts it twice."
    )
    render_rows(attendance_table(plan.preview), "No attendance rows.")


def render_behaviour_plan(plan: BehaviourPlan) -> None:
    incidents = plan.incidents
    counts = st.columns(4)
    counts[0].metric("Incidents", len(incidents), border=True)
    counts[1].metric("New", plan.new, border=True)
    counts[2].metric("Already in LiveTrack", len(incidents) - plan.new, border=True)
    counts[3].metric("Pupils", incidents["pupil_id"].nunique(), border=True)
    st.caption(
        "Incidents already in LiveTrack are not added again, so a file imported "
        "twice counts nothing twice."
    )
    table = plan.preview.rename(
        columns={"pupil": "Pupil", "positive": "Positive", "negative": "Negative",
                 "points": "Points", "already_held": "Already in LiveTrack"}
    )  # fmt: skip
    render_rows(table, "No incidents.")


# Saving


def render_apply(label: str, nothing_to_do: bool, save) -> None:
    """A button that saves the plan, then starts the page again with its message."""
    if nothing_to_do:
        st.success(
            "LiveTrack already matches this file: there is nothing to import.",
            icon=":material/check_circle:",
        )
        return
    if not st.button(label, type="primary"):
        return
    with st.spinner("Importing…"):
        message = save()
    st.session_state[DONE] = message
    st.session_state["import-generation"] = upload_generation() + 1
    st.rerun()


def upload_generation() -> int:
    """Moved on after an import, so the uploader starts empty again."""
    return st.session_state.get("import-generation", 0)


def roster_unchanged(plan: RosterPlan) -> bool:
    return plan.new_pupils.empty and plan.changes.empty and plan.leavers.empty


def import_pupil_list(store, school, upload) -> None:
    today = context.today()
    plan = checked(
        store, school.id, "pupils",
        lambda mapping: plan_roster(
            store, school.id, read_roster(upload.getvalue(), today, mapping)
        ),
    )  # fmt: skip
    if plan is None:
        return
    render_plan(plan)

    def save() -> str:
        summary = apply_roster(
            store, school.id, plan, today, context.person().id, upload.name
        )
        return f"Imported {upload.name}: {summary}."

    render_apply("Import these pupils", roster_unchanged(plan), save)


def import_ctf_file(store, school, upload) -> None:
    today, who = context.today(), context.person().id
    classes = load_classes(store, Scope.everything(), school.id)
    names = classes["name"].tolist()
    chosen = st.selectbox(
        "Class for pupils LiveTrack does not know yet",
        names,
        index=None,
        placeholder="None: leave them out",
        key=f"import-ctf-class-{upload_generation()}",
        help="A CTF carries no class. Pupils LiveTrack knows keep theirs.",
    )
    try:
        plan = plan_ctf(store, school.id, read_ctf(upload.getvalue(), today), chosen)
    except ImportRejected as rejected:
        render_problems(rejected)
        return
    render_ctf_plan(plan)
    unchanged = roster_unchanged(plan.roster) and plan.attendance.empty

    def save() -> str:
        summary = apply_ctf(store, plan, today, who, upload.name)
        return f"Imported {upload.name}: {summary}."

    render_apply("Import this CTF", unchanged, save)


def import_attendance_file(store, school, upload) -> None:
    plan = checked(
        store, school.id, "attendance",
        lambda mapping: plan_attendance(store, school.id, upload.getvalue(), mapping),
    )  # fmt: skip
    if plan is None:
        return
    render_attendance_plan(plan)

    def save() -> str:
        summary = apply_attendance(store, plan, context.person().id, upload.name)
        return f"Imported {upload.name}: {summary}."

    render_apply("Import this attendance", False, save)


def import_behaviour_file(store, school, upload) -> None:
    plan = checked(
        store, school.id, "behaviour",
        lambda mapping: plan_behaviour(store, school.id, upload.getvalue(), mapping),
    )  # fmt: skip
    if plan is None:
        return
    render_behaviour_plan(plan)

    def save() -> str:
        summary = apply_behaviour(store, plan, context.person().id, upload.name)
        return f"Imported {upload.name}: {summary}."

    render_apply("Import these incidents", plan.new == 0, save)


IMPORTERS = {
    "pupils": import_pupil_list,
    "ctf": import_ctf_file,
    "attendance": import_attendance_file,
    "behaviour": import_behaviour_file,
}


# The page


def choose_kind(upload) -> str | None:
    detected = detect_kind(upload.getvalue())
    codes = list(KINDS)
    kind = st.radio(
        "What is in this file?",
        codes,
        index=None if detected is None else codes.index(detected),
        format_func=lambda code: KINDS[code].name,
        horizontal=True,
        key=f"import-kind-{upload_generation()}-{upload.name}",
    )
    if detected is None and kind is None:
        st.info(
            "LiveTrack could not tell what kind of file this is from its headers. "
            "Choose one above.",
            icon=":material/help:",
        )
    return kind


def main() -> None:
    store, scope = context.store(), context.scope()
    scope.require_administer()
    school = context.pick_school(store, scope)
    st.title("Import")
    st.caption(
        f"{school.name} · files exported from the MIS (Arbor, SIMS, Bromcom, "
        "ScholarPack): a full pupil list as CSV or Excel, a Common Transfer File, "
        "attendance or behaviour as CSV"
    )
    if done := st.session_state.pop(DONE, None):
        st.success(done, icon=":material/check_circle:")
    upload = st.file_uploader(
        "File from the MIS", type=FILE_TYPES,
        key=f"import-file-{upload_generation()}",
        help="Nothing is saved until you confirm. A pupil list holds every pupil "
        "on roll, one row each, with their UPN, names, date of birth, year group "
        "and class.",
    )  # fmt: skip
    if upload is None:
        st.info(
            "Choose the file to see what it will change. A file with any problem "
            "changes nothing, and every problem is listed with its line number.",
            icon=":material/upload_file:",
        )
        return
    kind = choose_kind(upload)
    if kind is None:
        return
    st.subheader(f"{upload.name}: {KINDS[kind].name}")
    IMPORTERS[kind](store, school, upload)


main()
