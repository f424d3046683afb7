"""Trust: every school side by side on the same measures."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from livetrack import analytics
from livetrack.calendar import HALF_TERM_NAMES
from livetrack.ui import cache, context
from livetrack.ui.charts import share_heatmap
from livetrack.ui.filters import filter_bar
from livetrack.ui.formatting import plural, points
from livetrack.ui.palette import STATUS_COLOURS
from livetrack.ui.tables import render_table


def latest_trust_snapshot(snapshots: pd.DataFrame) -> tuple | None:
    """The most recent half-term any school has a snapshot of, as a source key."""
    if snapshots.empty:
        return None
    order = snapshots["academic_year"] + snapshots["half_term"].map(
        analytics.HALF_TERM_ORDER
    ).astype(str)
    latest = snapshots.loc[order.idxmax()]
    return ("snapshot", latest["academic_year"], latest["half_term"])


def school_table(now, before, absence, names: dict[int, str]) -> pd.DataFrame:
    schools = analytics.change_since(now, before, ["school_id"])
    schools = schools.merge(absence, on="school_id", how="left")
    return pd.DataFrame(
        {
            "School": schools["school_id"].map(names),
            "n pupils": schools["pupils"],
            "% Below": schools["pct_below"].map("{:.1f}%".format),
            "% On": schools["pct_on"].map("{:.1f}%".format),
            "% Above": schools["pct_above"].map("{:.1f}%".format),
            "Below since last snapshot": schools["change_below"].map(points),
            "Pupils persistently absent": [
                analytics.format_share(int(absent or 0), int(total))
                for absent, total in zip(schools["absent"], schools["pupils"])
            ],
        }
    ).sort_values("School")


def absent_pupils(store, scope, live, filters) -> pd.DataFrame:
    bands = cache.counts(
        store, store.version, scope, live, filters, ("school", "attendance_band")
    )
    absent = bands[bands["attendance_band"].isin(["persistent", "severe"])]
    return (
        absent.groupby("school_id", as_index=False)["pupils"]
        .sum()
        .rename(columns={"pupils": "absent"})
    )


def main() -> None:
    store, scope = context.store(), context.scope()
    chosen = filter_bar(store, scope)
    # Classes and subjects are a school's own; across the trust only the
    # year groups and pupils' characteristics apply.
    filters = replace(chosen, school_id=None, class_ids=(), subject_ids=())
    live = ("live", context.academic_year(), context.today().isoformat())
    names = cache.schools(store, store.version, scope).set_index("id")["name"].to_dict()
    before = latest_trust_snapshot(cache.snapshot_counts(store, store.version, scope))
    st.title("Trust")
    since = (
        "" if before is None
        else f" · change since {HALF_TERM_NAMES[before[2]]} {before[1]}"
    )  # fmt: skip
    st.caption(f"{plural(len(names), 'school')} on the same measures, live{since}")

    now = cache.counts(store, store.version, scope, live, filters, ("school",))
    earlier = None
    if before is not None:
        earlier = cache.counts(
            store, store.version, scope, before, filters, ("school",)
        )
    table = school_table(
        now, earlier, absent_pupils(store, scope, live, filters), names
    )
    render_table(table, "Trust schools", key="trust-schools")

    st.subheader("% Below by school and subject")
    cells = cache.counts(
        store, store.version, scope, live, filters, ("school", "subject")
    )
    cells = analytics.add_shares(cells).assign(
        school=lambda frame: frame["school_id"].map(names),
        too_small=lambda frame: frame["pupils"].map(analytics.is_too_small),
    )
    st.plotly_chart(
        share_heatmap(cells.sort_values("school"), "school", "subject", "pct_below",
                      STATUS_COLOURS["Below"]),
        key="trust-heatmap", config={"displayModeBar": False},
    )  # fmt: skip


main()
