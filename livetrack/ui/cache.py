"""Cached readers, keyed on the store's data version so a save is seen at once."""

import pandas as pd
import streamlit as st

from livetrack.analytics import SMALL_GROUP_PUPILS, latest_snapshot
from livetrack.calendar import HALF_TERM_NAMES
from livetrack.filters import Filters
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.figures import (
    count_facts,
    live_source,
    roll_up_pupils,
    snapshot_source,
)
from livetrack.store.reviews import load_freshness
from livetrack.store.schools import load_classes, load_schools, load_subjects
from livetrack.store.snapshots import count_snapshot_statuses
from livetrack.store.statuses import count_statuses, load_recent_changes
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


@st.cache_data(show_spinner=False, max_entries=64)
def recent_changes(
    _store: Store, version: int, scope: Scope, class_id: int, year: str
) -> pd.DataFrame:
    """A class's latest changes: read again only after a write, not on every rerun."""
    return load_recent_changes(_store, scope, class_id, year)


@st.cache_data(show_spinner=False, max_entries=64)
def schools(_store: Store, version: int, scope: Scope) -> pd.DataFrame:
    return load_schools(_store, scope)


def _source(store: Store, scope: Scope, source: tuple):
    """A facts source from its key: ("live", year, day) or ("snapshot", year, ht)."""
    if source[0] == "live":
        return live_source(scope, source[1])
    return snapshot_source(store, scope, source[1], source[2])


@st.cache_data(show_spinner=False, max_entries=512)
def counts(
    _store: Store, version: int, scope: Scope, source: tuple, filters: Filters,
    by: tuple[str, ...] = (),
) -> pd.DataFrame | None:  # fmt: skip
    """count_facts for a source key; None when the snapshot asked for is missing."""
    facts = _source(_store, scope, source)
    if facts is None:
        return None
    hide_below = 0 if scope.pupil_rows else SMALL_GROUP_PUPILS
    return count_facts(_store, facts, filters, list(by), hide_below)


@st.cache_data(show_spinner=False, max_entries=128)
def pupils(
    _store: Store, version: int, scope: Scope, source: tuple, filters: Filters,
    status: str | None = None,
) -> pd.DataFrame | None:  # fmt: skip
    """roll_up_pupils for a source key; None when the snapshot is missing."""
    facts = _source(_store, scope, source)
    if facts is None:
        return None
    return roll_up_pupils(_store, scope, facts, filters, status)


@st.cache_data(show_spinner=False, max_entries=64)
def freshness(
    _store: Store, version: int, scope: Scope, school_id: int, year: str
) -> pd.DataFrame:
    return load_freshness(_store, scope, school_id, year)


def last_snapshot(
    store: Store, scope: Scope, school_id: int
) -> tuple[tuple | None, str]:
    """The school's latest snapshot as a source key for `counts`, and its name
    ('Autumn 1 2026-27'); (None, '') before the first is taken."""
    last = latest_snapshot(snapshot_counts(store, store.version, scope), school_id)
    if last is None:
        return None, ""
    key = ("snapshot", last["academic_year"], last["half_term"])
    return key, f"{HALF_TERM_NAMES[last['half_term']]} {last['academic_year']}"
