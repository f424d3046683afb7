"""A plain warning, wherever history is read, naming snapshot files that do not read."""

import streamlit as st

from livetrack.store import Store
from livetrack.store.snapshots import readable_snapshot_files


def unreadable_message(unreadable: dict[str, str]) -> str:
    names = "\n".join(f"- `{name}`: {problem}" for name, problem in unreadable.items())
    return (
        f"{len(unreadable)} snapshot file(s) cannot be read, so history here "
        "leaves them out; the rest reads as usual. An admin can restore them "
        f"from a backup (Admin, then Data).\n\n{names}"
    )


def warn_unreadable_snapshots(store: Store) -> None:
    unreadable = readable_snapshot_files(store).unreadable
    if unreadable:
        st.warning(unreadable_message(unreadable), icon=":material/broken_image:")
