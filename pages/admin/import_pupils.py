"""Import: a pupil roster from the MIS, checked whole and previewed before saving."""

import pandas as pd
import streamlit as st

from livetrack.domain import SEND_PROVISIONS, year_group_label
from livetrack.errors import ImportRejected
from livetrack.importers import RosterPlan, apply_roster, plan_roster, read_roster
from livetrack.ui import context

ROSTER_TYPES = ["csv", "xlsx"]


def render_problems(rejected: ImportRejected) -> None:
    st.error(str(rejected), icon="🚫")
    st.dataframe(
        pd.DataFrame({"What to put right": rejected.problems}),
        hide_index=True,
        width="stretch",
    )


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
            icon="⚠️",
        )
    tabs = st.tabs(["New pupils", "Changes", "Leaving"])
    with tabs[0]:
        render_rows(new_pupils_table(plan), "No new pupils.")
    with tabs[1]:
        changes = plan.changes.drop(columns="upn").rename(
            columns={"pupil": "Pupil", "detail": "Detail", "was": "Was",
                     "becomes": "Becomes"}
        )  # fmt: skip
        render_rows(changes, "No pupil's details change.")
    with tabs[2]:
        leavers = plan.leavers.drop(columns="upn").rename(
            columns={"pupil": "Pupil", "class_name": "Class"}
        )
        render_rows(leavers, "Nobody leaves.")


def render_rows(rows: pd.DataFrame, when_empty: str) -> None:
    if rows.empty:
        st.caption(when_empty)
    else:
        st.dataframe(rows, hide_index=True, width="stretch")


def render_apply(store, school: context.School, plan: RosterPlan) -> None:
    if plan.new_pupils.empty and plan.changes.empty and plan.leavers.empty:
        st.success("LiveTrack already matches this file: there is nothing to import.")
        return
    if not st.button("Import these pupils", type="primary"):
        return
    with st.spinner("Importing the pupils…"):
        summary = apply_roster(store, school.id, plan, context.today())
    st.session_state["import-done"] = (
        f"Imported: {summary.added} new, {summary.updated} updated, "
        f"{summary.left} marked as left, {summary.unchanged} unchanged."
    )
    st.session_state["import-generation"] = upload_generation() + 1
    st.rerun()


def upload_generation() -> int:
    """Moved on after an import, so the uploader starts empty again."""
    return st.session_state.get("import-generation", 0)


def main() -> None:
    store, scope = context.store(), context.scope()
    school = context.pick_school(store, scope)
    st.title("Import")
    st.caption(
        f"{school.name} · a full pupil list exported from the MIS (Arbor, SIMS, "
        "Bromcom, ScholarPack) as CSV or Excel"
    )
    if done := st.session_state.pop("import-done", None):
        st.success(done, icon="✅")
    upload = st.file_uploader(
        "Pupil list", type=ROSTER_TYPES, key=f"import-file-{upload_generation()}",
        help="Every pupil on roll, one row each, with their UPN, names, date of "
        "birth, year group and class. Nothing is saved until you confirm.",
    )  # fmt: skip
    if upload is None:
        st.info(
            "Choose the file to see what it will change. A file with any problem "
            "changes nothing, and every problem is listed with its line number."
        )
        return
    try:
        roster = read_roster(upload.getvalue(), context.today())
    except ImportRejected as rejected:
        render_problems(rejected)
        return
    plan = plan_roster(store, school.id, roster)
    st.subheader(f"{upload.name}: {len(roster.pupils)} pupils")
    render_plan(plan)
    render_apply(store, school, plan)


main()
