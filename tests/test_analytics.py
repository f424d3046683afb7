"""Shares, gaps, change and the concern list, against numbers counted by hand."""

import pandas as pd

from livetrack import analytics


def counts(column, rows):
    """Counts as count_facts returns them: (value, below, above, total, pupils)."""
    frame = pd.DataFrame(rows, columns=[column, "below", "above", "total", "pupils"])
    return frame.assign(on=frame["total"] - frame["below"] - frame["above"])


GAP_COUNTS = {
    "pupil_premium": counts("pupil_premium", [(True, 30, 5, 100, 10),
                                               (False, 20, 30, 200, 20)]),
    "send": counts("send", [("N", 20, 30, 200, 20), ("K", 25, 0, 50, 5),
                            ("E", 6, 0, 10, 1)]),
    "eal": counts("eal", [(True, 5, 5, 50, 5), (False, 45, 30, 250, 25)]),
    "sex": counts("sex", [("F", 20, 20, 150, 15), ("M", 30, 15, 150, 15)]),
    "looked_after": counts("looked_after", [(False, 50, 35, 300, 30)]),
}  # fmt: skip


def test_group_gaps_in_points_against_the_comparison_group():
    gaps = analytics.group_gaps(GAP_COUNTS).set_index("gap")
    pp = gaps.loc["Pupil premium"]
    assert (pp["group_below"], pp["others_below"], pp["below_gap"]) == (
        30.0,
        10.0,
        20.0,
    )
    assert pp["above_gap"] == -10.0
    assert gaps.loc["SEN support", "below_gap"] == 40.0
    assert gaps.loc["Girls against boys", "below_gap"] == round(13.3 - 20.0, 1)


def test_a_group_under_five_pupils_gives_no_gap():
    gaps = analytics.group_gaps(GAP_COUNTS).set_index("gap")
    assert gaps.loc["EHC plan", "too_small"]
    assert pd.isna(gaps.loc["EHC plan", "below_gap"])
    assert gaps.loc["Looked after", "too_small"]  # nobody looked after at all
    assert not gaps.loc["SEN support", "too_small"]  # 5 pupils is enough


def test_change_since_a_snapshot_in_points():
    now = counts("subject", [("Maths", 10, 5, 50, 50), ("Art", 2, 2, 20, 20)])
    before = counts("subject", [("Maths", 15, 5, 50, 50)])
    change = analytics.change_since(now, before, ["subject"]).set_index("subject")
    assert change.loc["Maths", "change_below"] == -10.0
    assert pd.isna(change.loc["Art", "change_below"])


def pupil(**details):
    base = {
        "pupil_id": 1, "below": 0, "below_subjects": [], "above": 0,
        "attendance_band": "96_plus", "attendance_percent": 97.0,
        "negative_recent": 0, "negative_before": 0, "send": "N",
    }  # fmt: skip
    return {**base, **details}


def test_the_concern_list_ranks_by_points_and_says_why():
    pupils = pd.DataFrame([
        pupil(pupil_id=1, below=2, below_subjects=["Reading", "Maths"]),
        pupil(pupil_id=2, below=1, below_subjects=["Maths"],
              attendance_band="persistent", attendance_percent=86.2, send="K"),
        pupil(pupil_id=3, negative_recent=4, negative_before=1, send="E"),
        pupil(pupil_id=4, send="E"),
        pupil(pupil_id=5, below=1, below_subjects=["Art"]),
    ])  # fmt: skip

    concerns = analytics.concern_list(pupils)

    assert concerns["pupil_id"].tolist() == [2, 1, 3]
    assert concerns["points"].tolist() == [6, 4, 3]
    assert concerns.loc[0, "why"] == (
        "Below in 1 subject (Maths); persistent absence (86.2%); SEN support"
    )
    assert concerns.loc[2, "why"] == (
        "Behaviour incidents rising (4 in the last six weeks, 1 in the six before); "
        "EHC plan"
    )


def test_a_share_is_never_shown_without_its_n():
    assert analytics.format_share(57, 410) == "14% (57 of 410)"
    assert analytics.format_share(0, 0) == "no pupils"
