"""Triangulation: statuses beside attendance, behaviour and SEND; who needs a look."""

import pandas as pd
import streamlit as st

from livetrack import analytics
from livetrack.domain import SEND_PROVISIONS
from livetrack.filters import Filters
from livetrack.store.facts import ATTENDANCE_BANDS, BEHAVIOUR_BANDS
from livetrack.ui import cache, context
from livetrack.ui.charts import status_bars
from livetrack.ui.filters import filter_bar
from livetrack.ui.pupils import pupil_labels, pupil_table
from livetrack.ui.tables import render_table

# Each chart: the fact column it splits by, its title and the words per value.
SPLITS = [
    ("attendance_band", "By attendance", ATTENDANCE_BANDS),
    ("behaviour_band", "By behaviour in the last six weeks", BEHAVIOUR_BANDS),
    ("send", "By SEND", SEND_PROVISIONS),
]


def render_split(store, scope, live, filters: Filters, column, title, words):
    counts = cache.counts(store, store.version, scope, live, filters, (column,))
    order = {code: position for position, code in enumerate(words)}
    counts = counts.sort_values(column, key=lambda codes: codes.map(order))
    if counts.empty:
        st.info("No statuses to show for these filters.")
        return
    labels = {
        code: group_label(words.get(code, code), pupils)
        for code, pupils in zip(counts[column], counts["pupils"])
    }
    counts["group"] = counts[column].map(labels)
    small = frozenset(counts.loc[counts["pupils"].map(analytics.is_too_small), "group"])
    event = st.plotly_chart(
        status_bars(analytics.shares_long(counts, "group"), "group", small),
        key=f"split-{column}", config={"displayModeBar": False},
        on_select="rerun" if scope.pupil_rows else "ignore",
        selection_mode="points",
    )  # fmt: skip
    if scope.pupil_rows:
        st.caption("Click a bar to see the pupils behind it.")
        chosen = _chosen_point(event, {label: code for code, label in labels.items()})
        if chosen:
            render_pupils_behind(store, scope, live, filters, column, *chosen, words)


def group_label(words: str, pupils: int) -> str:
    """'96% and above · 254 pupils', saying when a group is too small to read."""
    label = f"{words} · {pupils} pupil{'' if pupils == 1 else 's'}"
    return f"{label} · too small to read" if analytics.is_too_small(pupils) else label


def _chosen_point(event, codes: dict[str, str]) -> tuple[str, str] | None:
    """The (group code, status) of the bar segment clicked, if any."""
    points = (event or {}).get("selection", {}).get("points", [])
    if not points:
        return None
    point = points[0]
    return codes.get(point.get("y")), point.get("customdata", [None] * 3)[2]


def render_pupils_behind(store, scope, live, filters, column, code, status, words):
    narrowed = Filters(**{**vars(filters), column: (code,)})
    pupils = cache.pupils(store, store.version, scope, live, narrowed, status)
    st.markdown(
        f"**{len(pupils)} pupils** in the group “{words.get(code, code)}” with at "
        f"least one {status} status"
    )
    render_table(pupil_table(pupils, scope), f"{status} {code}", key=f"behind-{column}")


def render_two_or_more(pupils: pd.DataFrame, scope, status: str, intro: str):
    column = status.lower()
    chosen = pupils[pupils[column] >= 2].sort_values(column, ascending=False)
    st.subheader(f"{status} in two or more subjects")
    st.caption(f"{intro} {len(chosen)} of {len(pupils)} pupils.")
    if chosen.empty:
        st.info(f"No pupil is {status} in two or more subjects.")
        return
    render_table(pupil_table(chosen, scope), f"{status} in two or more", key=column)


def render_concern_list(pupils: pd.DataFrame, scope) -> None:
    st.subheader("Concern list")
    concerns = analytics.concern_list(pupils)
    st.caption(
        "Ranked by points: 2 for each subject Below, 3 for persistent absence (4 "
        "if severe), 2 for rising behaviour incidents, 1 for SEN support or an EHC "
        f"plan (never on its own). {len(concerns)} pupils have "
        f"{analytics.CONCERN_THRESHOLD_POINTS} points or more."
    )
    if concerns.empty:
        st.success("No pupil meets the concern list's threshold.")
        return
    table = pd.DataFrame(
        {
            "Pupil": pupil_labels(concerns, scope),
            "Class": concerns["class_name"],
            "Points": concerns["points"],
            "Why": concerns["why"],
        }
    )
    render_table(table, "Concern list", key="concerns")


def main() -> None:
    store, scope = context.store(), context.scope()
    filters = filter_bar(store, scope)
    school_scope = scope.within_school(filters.school_id)
    live = ("live", context.academic_year(), context.today().isoformat())
    st.title("Triangulation")
    st.caption(
        "Live statuses beside attendance to date, behaviour and SEND, to find "
        "wider barriers to learning and the excellence to celebrate"
    )
    tabs = st.tabs([title for _, title, _ in SPLITS])
    for tab, (fact, title, words) in zip(tabs, SPLITS):
        with tab:
            render_split(store, school_scope, live, filters, fact, title, words)
    if not scope.pupil_rows:
        st.info("Your role shows figures for groups only, so no pupil is listed.")
        return
    pupils = cache.pupils(store, store.version, school_scope, live, filters)
    render_two_or_more(
        pupils, scope, "Below", "Pupils with gaps across the curriculum:"
    )
    render_two_or_more(pupils, scope, "Above", "To celebrate and stretch:")
    render_concern_list(pupils, scope)


main()
