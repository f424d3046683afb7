"""Data: backups (to a folder on the server or as a download), the snapshot files'
check, erasing one pupil, and the retention period for leavers."""

import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from livetrack.backup import backup_zip, make_backup
from livetrack.domain import year_group_label
from livetrack.erasure import (
    RETENTION_YEARS_RANGE,
    apply_retention,
    erase_pupil,
    preview_erasure,
    retention_years,
    save_retention_years,
)
from livetrack.errors import LiveTrackError
from livetrack.store.pupils import load_roster
from livetrack.store.snapshots import readable_snapshot_files
from livetrack.ui import context
from livetrack.ui.damage import unreadable_message
from livetrack.ui.formatting import plural

DONE = "data-done"
ZIP = "data-zip"
ERASE_CHOICE = "data-erase-pupil"


def suggested_folder(store) -> str:
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M")
    return str(store.data_dir.absolute().parent / "backups" / f"livetrack-{stamp}")


def say_done() -> None:
    """The outcome of the last action, kept across the rerun that followed it."""
    done = st.session_state.pop(DONE, None)
    if done:
        st.success(done, icon=":material/check_circle:")


def finish(message: str) -> None:
    st.session_state[DONE] = message
    st.rerun()


def render_backup(store, person) -> None:
    st.subheader("Back up")
    st.write(
        "A backup holds every table and every snapshot file, all read at one "
        "moment, with a checksum for each file. Teachers can keep saving while "
        "it runs. Keep backups somewhere other than this server's disk too."
    )
    with st.form("data-backup"):
        folder = st.text_input(
            "Folder on the server (new or empty)", suggested_folder(store)
        )
        if st.form_submit_button("Back up to this folder", type="primary"):
            back_up_to(store, person, folder)
    render_download(store, person)


def back_up_to(store, person, folder: str) -> None:
    folder = folder.strip()
    if not folder or not Path(folder).is_absolute():
        st.error(
            "Type the full path of a folder on the server, such as "
            "/srv/livetrack/backups/2026-12-03. Nothing was backed up."
        )
        return
    try:
        info = make_backup(store, Path(folder), person.id)
    except (LiveTrackError, OSError) as error:
        st.error(f"{error} Nothing was backed up.")
        return
    left_out = f" {unreadable_message(info.left_out)}" if info.left_out else ""
    finish(
        f"Backed up {len(info.rows)} tables ({sum(info.rows.values()):,} rows) and "
        f"{info.snapshots} snapshot file(s), {info.bytes / 1e6:.1f} MB, to "
        f"`{info.folder}` in {info.seconds:.1f} s.{left_out}"
    )


def render_download(store, person) -> None:
    prepared = st.session_state.get(ZIP)
    if prepared is None:
        if st.button("Prepare a backup to download"):
            with st.spinner("Making the backup…"), tempfile.TemporaryDirectory() as tmp:
                data = backup_zip(store, person.id, Path(tmp))
            name = f"livetrack-backup-{datetime.now():%Y-%m-%d-%H%M}.zip"
            st.session_state[ZIP] = (name, data)
            st.rerun()
        return
    name, data = prepared
    st.download_button(
        f"Download {name} ({len(data) / 1e6:.1f} MB)", data, file_name=name,
        mime="application/zip", icon=":material/download:",
        on_click=lambda: st.session_state.pop(ZIP, None),
    )  # fmt: skip


def render_check(store) -> None:
    st.subheader("Snapshot files")
    files = readable_snapshot_files(store)
    if files.unreadable:
        st.warning(unreadable_message(files.unreadable))
    else:
        st.write(f"All {plural(len(files.readable), 'snapshot file')} read whole.")
    st.caption(
        "To restore a backup, stop the app and run `python -m livetrack restore "
        "BACKUP_FOLDER --data-dir NEW_EMPTY_FOLDER`: every checksum is checked "
        "first, and the result is checked equal to the backup."
    )


def pupil_label(pupil) -> str:
    name = f"{pupil.legal_last_name}, {pupil.legal_first_name}"
    where = (
        f"left {pupil.left_on:%-d %b %Y}"
        if not pd.isna(pupil.left_on)
        else f"{year_group_label(pupil.year_group)}, {pupil.class_name}"
    )
    return f"{name} · {pupil.upn} · {where}"


def render_erasure(store, scope, person, school) -> None:
    st.subheader("Erase a pupil")
    st.write(
        "For an erasure request: removes every row about one pupil from every "
        "table and every snapshot file, for good. Backups made afterwards do not "
        "hold them; older backups do until they are deleted. The audit log keeps "
        "the pupil's id and the counts, never their name."
    )
    roster = load_roster(store, school.id)
    pupils = {int(row.id): row for row in roster.itertuples()}
    chosen = st.selectbox(
        "Pupil", list(pupils), index=None, key=ERASE_CHOICE,
        format_func=lambda pupil_id: pupil_label(pupils[pupil_id]),
        placeholder="Type a name or UPN",
    )  # fmt: skip
    if chosen is not None:
        render_erasure_confirm(store, scope, person, pupils[chosen])


def render_erasure_confirm(store, scope, person, pupil) -> None:
    preview = preview_erasure(store, scope, int(pupil.id))
    st.write(
        f"This removes {sum(preview.rows.values()):,} row(s) from the tables and "
        f"{preview.snapshot_rows:,} row(s) from {preview.snapshot_files} snapshot "
        "file(s). It cannot be undone."
    )
    full_name = f"{pupil.legal_first_name} {pupil.legal_last_name}"
    with st.form("data-erase"):
        typed = st.text_input(f"To confirm, type the pupil's name: {full_name}")
        if st.form_submit_button("Erase this pupil for good", type="primary"):
            erase(store, scope, person, pupil, typed, full_name)


def same_name(typed: str, full_name: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(full_name.split()).casefold()


def erase(store, scope, person, pupil, typed: str, full_name: str) -> None:
    if not same_name(typed, full_name):
        st.error(
            f"The name typed does not match {full_name}, so nothing was erased. "
            "Type it exactly as shown."
        )
        return
    try:
        result = erase_pupil(store, scope, person.id, int(pupil.id))
    except LiveTrackError as error:
        st.error(str(error))
        return
    st.session_state.pop(ERASE_CHOICE, None)
    finish(
        f"Erased pupil {result.pupil_id}: {sum(result.rows.values()):,} row(s) from "
        f"the tables and {result.snapshot_rows:,} from {result.snapshot_files} "
        "snapshot file(s)."
    )


def render_retention(store, scope, person) -> None:
    st.subheader("Retention of leavers' data")
    years = retention_years(store)
    low, high = RETENTION_YEARS_RANGE
    with st.form("data-retention-years"):
        chosen = st.number_input(
            "Years after a pupil leaves", min_value=low, max_value=high, value=years,
            step=1, help="Six by default: the usual period in school retention "
            "schedules and for claims under the Limitation Act 1980.",
        )  # fmt: skip
        if st.form_submit_button("Save the retention period"):
            try:
                saved = save_retention_years(store, scope, person.id, chosen)
            except LiveTrackError as error:
                st.error(str(error))
                return
            finish(f"Leavers' personal data is now kept {saved} years after leaving.")
    render_leavers(store, scope, person, years)


def render_leavers(store, scope, person, years: int) -> None:
    due = apply_retention(store, scope, person.id, context.today(), dry_run=True)
    when = f"{due.left_by:%-d %B %Y}"
    if not due.pupils:
        st.write(f"No pupil left on or before {when}: nothing is due for removal.")
        return
    st.write(
        f"**{due.pupils} pupil(s)** left on or before {when}, {years} years ago. "
        "Removing their personal data deletes their names, UPN, date of birth, "
        "notes and live history; their snapshot rows stay, with no name, so the "
        "school's trends still count them."
    )
    st.table(
        pd.DataFrame(
            {
                "Left in": list(due.by_leaving_year),
                "Pupils": due.by_leaving_year.values(),
            }
        ),
        hide_index=True,
    )
    sure = st.checkbox("I understand this cannot be undone", key="data-retention-sure")
    if st.button("Remove their personal data", type="primary", disabled=not sure):
        result = apply_retention(store, scope, person.id, context.today())
        finish(f"Removed the personal data of {result.pupils} leaver(s).")


def main() -> None:
    store, scope = context.store(), context.scope()
    school = context.pick_school(store, scope)
    person = context.person()
    st.title("Data")
    st.caption(f"{school.name} · backups, erasure and retention")
    say_done()
    left, right = st.columns(2, gap="large")
    with left:
        render_backup(store, person)
        render_check(store)
    with right:
        render_erasure(store, scope, person, school)
        render_retention(store, scope, person)


main()
