"""Snapshots: take this half-term's snapshot, and see every one taken."""

import pandas as pd
import streamlit as st

from livetrack import analytics
from livetrack.calendar import HALF_TERM_NAMES, HalfTerm, half_term_on
from livetrack.errors import LiveTrackError
from livetrack.snapshots import snapshot_exists, take_snapshot
from livetrack.store.audit import SNAPSHOT_REPLACED, log_event
from livetrack.store.schools import load_half_terms
from livetrack.ui import cache, context
from livetrack.ui.formatting import london_time


def render_take(store, school: context.School, half_term: HalfTerm) -> None:
    st.subheader(f"{half_term.label}")
    st.write(
        f"This half-term runs from {half_term.starts_on:%-d %B} to "
        f"{half_term.ends_on:%-d %B %Y}. Its snapshot freezes every live status "
        "with each pupil's context as it is today: year, class, SEND, pupil premium, "
        "attendance to date and behaviour."
    )
    taken = snapshot_exists(store, school.id, half_term)
    replace = False
    if taken:
        st.success(
            f"The {half_term.name} snapshot has been taken.",
            icon=":material/check_circle:",
        )
        replace = st.checkbox(
            "Take it again, replacing the one already taken",
            help="Only the newest copy is kept. Use this if statuses were "
            "corrected since.",
        )
    label = "Take it again" if taken else f"Take the {half_term.name} snapshot now"
    if st.button(label, type="primary", disabled=taken and not replace):
        run_snapshot(store, school, half_term, replace)


def run_snapshot(
    store, school: context.School, half_term: HalfTerm, replace: bool
) -> None:
    with st.status(f"Taking the {half_term.label} snapshot…", expanded=True) as box:
        bar = st.progress(0.0)
        try:
            info = take_snapshot(
                store, school.id, half_term, replace=replace,
                progress=lambda fraction, message: bar.progress(fraction, message),
            )  # fmt: skip
        except LiveTrackError as error:
            box.update(label=str(error), state="error")
            return
        if replace:
            log_event(
                store, context.person().id, school.id, SNAPSHOT_REPLACED,
                half_term=half_term.label, rows=info.rows,
            )  # fmt: skip
        box.update(
            label=f"Snapshot taken: {info.rows:,} statuses of {info.pupils:,} pupils "
            f"in {info.seconds:.1f} s.",
            state="complete",
        )


def snapshot_table(snapshots: pd.DataFrame) -> pd.DataFrame:
    """The snapshots newest first, each with its shares and n."""
    newest_first = snapshots.sort_values("as_at", ascending=False)
    table = pd.DataFrame(
        {
            "Half-term": newest_first["half_term"].map(HALF_TERM_NAMES)
            + " "
            + newest_first["academic_year"],
            "Statuses as at": london_time(newest_first["as_at"]),
            "Taken": london_time(newest_first["taken_at"]),
            "Pupils": newest_first["pupils"],
        }
    )
    for status, column in analytics.COUNT_COLUMNS.items():
        table[status] = [
            analytics.format_share(count, total)
            for count, total in zip(newest_first[column], newest_first["total"])
        ]
    table["n (statuses)"] = newest_first["total"].map("{:,}".format)
    return table


def render_taken(snapshots: pd.DataFrame) -> None:
    st.subheader("Snapshots taken")
    if snapshots.empty:
        st.info(
            "No snapshot has been taken yet. The first one is taken at the end "
            "of a half-term."
        )
        return
    st.dataframe(snapshot_table(snapshots), hide_index=True)


def main() -> None:
    store, scope = context.store(), context.scope()
    school = context.pick_school(store, scope)
    st.title("Snapshots")
    st.caption(f"{school.name} · each half-term's statuses, frozen for history")

    half_terms = load_half_terms(store, school.id, context.academic_year())
    current = half_term_on(half_terms, context.today())
    if current is None:
        st.warning("This school's half-term dates for this year are not set yet.")
    else:
        render_take(store, school, current)

    snapshots = cache.snapshot_counts(store, store.version, scope)
    render_taken(snapshots[snapshots["school_id"] == school.id])


main()
