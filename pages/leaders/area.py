"""Area of accountability: a lead's subjects, phase or year group, class by class."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from livetrack import analytics
from livetrack.access import PHASE_LEAD, SUBJECT_LEAD
from livetrack.domain import PHASES, year_group_label
from livetrack.filters import Filters
from livetrack.ui import cache, context
from livetrack.ui.filters import filter_bar
from livetrack.ui.formatting import count, points
from livetrack.ui.tables import render_table

SUBJECTS, PHASE, YEAR_GROUP = "Subjects", "Phase", "Year group"
SHOWN_CLASSES = 3


def pick_area(store, scope, filters: Filters, person) -> tuple[Filters, str]:
    """The area as filters on top of the sidebar's, and its name in words."""
    subjects = cache.subjects(store, store.version, scope, filters.school_id)
    names = dict(zip(subjects["id"].tolist(), subjects["name"]))
    default_kind = PHASE if person.role == PHASE_LEAD else SUBJECTS
    kind = (
        st.segmented_control(
            "Area", [SUBJECTS, PHASE, YEAR_GROUP], default=default_kind, key="area-kind"
        )
        or default_kind
    )
    if kind == SUBJECTS:
        mine = [i for i in person.subject_ids if i in names]
        chosen = st.multiselect(
            "Subjects", list(names), format_func=names.get, key="area-subjects",
            default=mine if person.role == SUBJECT_LEAD else list(names)[:1],
        )  # fmt: skip
        area = replace(filters, subject_ids=tuple(chosen or names))
        return area, ", ".join(names[i] for i in chosen) or "every subject"
    if kind == PHASE:
        phase = (
            st.segmented_control(
                "Phase", list(PHASES), default=_my_phase(person), key="area-phase"
            )
            or "KS2"
        )
        return replace(filters, year_groups=tuple(PHASES[phase])), phase
    year = st.selectbox("Year group", range(7), format_func=year_group_label,
                        key="area-year")  # fmt: skip
    return replace(filters, year_groups=(year,)), year_group_label(year)


def _my_phase(person) -> str:
    for phase, years in PHASES.items():
        if set(years) == set(person.year_groups):
            return phase
    return "KS2"


def class_table(now, before, pupils_below, school, hidden: bool) -> pd.DataFrame:
    """Each class's shares, its change since the last snapshot, beside the school.

    A class without a count of pupils Below has none, unless `hidden`: for a
    figures-only role a count under five is left out, so it is "under 5".
    """
    classes = analytics.change_since(now, before, ["class_id"])
    classes = classes.merge(pupils_below, on="class_id", how="left")
    classes["pupils_below_text"] = (
        classes["pupils_below"]
        .map(count)
        .where(
            classes["pupils_below"].notna(),
            analytics.LEFT_OUT if hidden else "0",
        )
    )
    classes["pupils_below"] = classes["pupils_below"].fillna(0).astype(int)
    classes["against_school"] = (classes["pct_below"] - school).round(1)
    classes["too_small"] = classes["pupils"].map(analytics.is_too_small)
    return classes


def render_classes(classes: pd.DataFrame, school: float, since: str) -> None:
    st.subheader("Class by class")
    table = pd.DataFrame(
        {
            "Class": classes["class_name"],
            "n pupils": classes["pupils"],
            "% Below": classes["pct_below"].map("{:.1f}%".format),
            "Against the school": classes["against_school"].map("{:+.1f} pts".format),
            "% Above": classes["pct_above"].map("{:.1f}%".format),
            "Pupils Below in one or more": classes["pupils_below_text"],
            f"Below since {since or 'the last snapshot'}": classes["change_below"].map(
                points
            ),
        }
    )
    render_table(table, "Area class by class", key="area-classes")
    st.caption(f"The school's % Below in this area is {school:.1f}%.")


def render_actions(classes: pd.DataFrame, since: str, below_in: str) -> None:
    readable = classes[~classes["too_small"]]
    share, act = st.columns(2, gap="large")
    with share:
        st.subheader("Practice to share")
        fell = readable.dropna(subset=["change_below"]).nsmallest(
            SHOWN_CLASSES, "change_below"
        )
        fell = fell[fell["change_below"] < 0]
        if fell.empty:
            st.info(f"No class's % Below has fallen since {since or 'a snapshot'}.")
        for row in fell.itertuples():
            st.markdown(
                f":material/celebration: **{row.class_name}**: % Below fell by "
                f"{-row.change_below:.1f} points since {since}, to "
                f"{row.pct_below:.1f}% of its {row.total} statuses"
            )
    with act:
        st.subheader("Highest-leverage action")
        most = readable.nlargest(SHOWN_CLASSES, "pupils_below")
        for row in most.itertuples():
            st.markdown(
                f":material/flag: **{row.class_name}**: {row.pupils_below} of its "
                f"{row.pupils} pupils are Below {below_in}; "
                f"{row.pct_below:.1f}% of its {row.total} statuses here are Below"
            )


def main() -> None:
    store, scope = context.store(), context.scope()
    filters = filter_bar(store, scope)
    school_scope = scope.within_school(filters.school_id)
    st.title("Area of accountability")
    st.caption("For line-management time: one area, class by class, and where to act")
    area, area_name = pick_area(store, school_scope, filters, context.person())
    year = context.academic_year()
    live = ("live", year, context.today().isoformat())
    before_key, since = cache.last_snapshot(store, school_scope, filters.school_id)

    def counts(source, chosen, *by):
        if source is None:
            return None
        return cache.counts(store, store.version, school_scope, source, chosen, by)

    now = counts(live, area, "class")
    if now.empty:
        st.info("No pupils in this area match the filters.")
        return
    school = analytics.overall_shares(counts(live, area))["Below"][1]
    by_status = counts(live, area, "class", "status")
    pupils_below = by_status[by_status["status"] == "Below"][["class_id", "pupils"]]
    classes = class_table(
        now, counts(before_key, area, "class"),
        pupils_below.rename(columns={"pupils": "pupils_below"}), school,
        hidden=not scope.pupil_rows,
    )  # fmt: skip
    st.markdown(f"### {area_name}")
    render_classes(classes, school, since)
    below_in = "in at least one subject here"
    if area.subject_ids is not None and len(area.subject_ids) == 1:
        subjects = cache.subjects(store, store.version, school_scope, filters.school_id)
        below_in = "in " + subjects.set_index("id").loc[area.subject_ids[0], "name"]
    render_actions(classes, since, below_in)


main()
