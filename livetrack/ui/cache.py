"""Cached readers, keyed on the store's data version so a save is seen at once."""

import pandas as pd
import streamlit as st

from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.schools import load_classes, load_subjects
from livetrack.store.snapshots import count_snapshot_statuses
from livetrack.store.statuses import count_statuses
from livetrack.ui.damage import warn_unreadable_snapshots


@st.cache_data(show_spinner=False, max_entries=256)
def status_counts(
    _store: Store, version: int, scope: Scope, year: str, by: str, school_id: int
) -> pd.DataFrame:
    return count_statuses(_store, scope, year, by, school_id=school_id)


@st.cache_data(show_spinner=False, max_entries=64)
def snapshot_counts(_store: Store, version: int, scope: Scope) -> pd.DataFrame:
    warn_unreadable_snapshots(_store)  # replayed with the cached answer
    return count_snapshot_statuses(_store, scope)


@st.cache_data(show_spinner=False, max_entries=64)
def classes(_store: Store, version: int, scope: Scope, school_id: int) -> pd.DataFrame:
    return load_classes(_store, scope, school_id)


@st.cache_data(show_spinner=False, max_entries=64)
def subjects(_store: Store, version: int, scope: Scope, school_id: int) -> pd.DataFrame:
    return load_subjects(_store, scope, school_id)
