"""The leader pages' shared filters, in the sidebar and in the page's address.

Opening an address with filters in it shows that view; changing a filter
writes it back, so the address can be bookmarked or sent to a colleague.
The choices offered come from the person's scope, and the storage layer
applies the scope again whatever the address says.
"""

import streamlit as st

from livetrack.domain import SEND_PROVISIONS, SEXES, year_group_label
from livetrack.filters import FLAGS, Filters
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.facts import ATTENDANCE_BANDS, BEHAVIOUR_BANDS
from livetrack.ui import cache

KEY = "filter-{}"
WRITTEN = "filter-written"
ANY, YES, NO = "Any", "Yes", "No"
FLAG_LABELS = {
    "pupil_premium": "Pupil premium",
    "fsm": "Free school meals",
    "eal": "EAL",
    "looked_after": "Looked after",
    "summer_born": "Summer-born",
}


def _adopt_address() -> None:
    """Put the address's filters into the widgets, unless the widgets wrote it."""
    query = {k: v for k, v in st.query_params.to_dict().items() if k != "page"}
    if not query or query == st.session_state.get(WRITTEN):
        return
    from_address = Filters.from_query(query)
    for name, value in vars(from_address).items():
        st.session_state[KEY.format(name)] = _widget_value(name, value)
    st.session_state[WRITTEN] = query


def _widget_value(name: str, value):
    if name in FLAGS:
        return {True: YES, False: NO}.get(value, ANY)
    return list(value) if isinstance(value, tuple) else value


def _write_address(filters: Filters) -> None:
    query = filters.to_query()
    if query != st.session_state.get(WRITTEN):
        st.query_params.from_dict(query)
        st.session_state[WRITTEN] = query


def filter_bar(store: Store, scope: Scope) -> Filters:
    """Render the sidebar filters and return what they choose."""
    _adopt_address()
    with st.sidebar:
        st.subheader("Filters")
        filters = _render_filters(store, scope, _pick_school(store, scope))
        st.button("Clear filters", on_click=_clear, icon=":material/filter_alt_off:")
    _write_address(filters)
    return filters


def _render_filters(store: Store, scope: Scope, school_id: int) -> Filters:
    in_school = scope.within_school(school_id)
    classes = cache.classes(store, store.version, in_school, school_id)
    subjects = cache.subjects(store, store.version, in_school, school_id)

    years = sorted(set(classes["year_group"]))
    year_groups = _multiselect("year_groups", "Year groups", years, year_group_label)
    shown = classes[classes["year_group"].isin(year_groups or years)]
    class_names = dict(zip(shown["id"].tolist(), shown["name"]))
    class_ids = _multiselect("class_ids", "Classes", list(class_names), class_names.get)
    subject_names = dict(zip(subjects["id"].tolist(), subjects["name"]))
    subject_ids = _multiselect(
        "subject_ids", "Subjects", list(subject_names), subject_names.get
    )
    with st.expander("Pupil characteristics"):
        send = _multiselect("send", "SEND", list(SEND_PROVISIONS), SEND_PROVISIONS.get)
        flags = {column: _flag(column) for column in FLAGS}
        sex = _multiselect("sex", "Sex", list(SEXES), SEXES.get)
        attendance = _multiselect(
            "attendance_band", "Attendance", list(ATTENDANCE_BANDS),
            ATTENDANCE_BANDS.get,
        )  # fmt: skip
        behaviour = _multiselect(
            "behaviour_band", "Behaviour", list(BEHAVIOUR_BANDS), BEHAVIOUR_BANDS.get
        )
    return Filters(
        school_id=school_id,
        year_groups=tuple(year_groups),
        class_ids=tuple(c for c in class_ids if c in class_names),
        subject_ids=tuple(subject_ids),
        send=tuple(send), sex=tuple(sex),
        attendance_band=tuple(attendance), behaviour_band=tuple(behaviour),
        **flags,
    )  # fmt: skip


def _pick_school(store: Store, scope: Scope) -> int:
    schools = cache.schools(store, store.version, scope)
    if schools.empty:
        st.info("There is no school here yet.")
        st.stop()
    names = dict(zip(schools["id"].tolist(), schools["name"]))
    key = KEY.format("school_id")
    if st.session_state.get(key) not in names:
        st.session_state[key] = next(iter(names))
    if len(names) == 1:
        return st.session_state[key]
    return st.selectbox("School", list(names), format_func=names.get, key=key)


def _multiselect(name: str, label: str, options: list, format_func) -> list:
    key = KEY.format(name)
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    return st.multiselect(
        label, options, format_func=format_func, key=key, placeholder="All"
    )


def _flag(column: str) -> bool | None:
    key = KEY.format(column)
    st.session_state.setdefault(key, ANY)
    answer = st.segmented_control(FLAG_LABELS[column], [ANY, YES, NO], key=key)
    return {YES: True, NO: False}.get(answer)


def _clear() -> None:
    """Every filter back to "any"; the school chosen stays."""
    keep = KEY.format("school_id")
    for key in list(st.session_state):
        if isinstance(key, str) and key.startswith("filter-") and key != keep:
            del st.session_state[key]


def names_for(store: Store, scope: Scope, school_id: int) -> dict[str, dict]:
    """Class and subject names by id, for describing filters in words."""
    classes = cache.classes(store, store.version, scope, school_id)
    subjects = cache.subjects(store, store.version, scope, school_id)
    return {
        "classes": dict(zip(classes["id"].tolist(), classes["name"])),
        "subjects": dict(zip(subjects["id"].tolist(), subjects["name"])),
    }


def school_name(store: Store, scope: Scope, filters: Filters) -> str:
    """The name of the school the filters are on."""
    schools = cache.schools(store, store.version, scope)
    return schools.set_index("id")["name"].get(filters.school_id, "")
