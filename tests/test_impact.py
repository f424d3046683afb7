"""Impact against hand counts: pupils with an intervention beside those without."""

from datetime import UTC, date, datetime

import pandas as pd

from livetrack.calendar import default_half_terms
from livetrack.impact import baseline_of, compare_impact, describe_side
from livetrack.interventions import Plan, plan_intervention
from livetrack.scope import Scope
from livetrack.snapshots import end_of, take_snapshot
from livetrack.store.interventions import load_intervention_starts, load_status_points
from livetrack.store.pupils import HISTORY_COLUMNS, insert_status_history
from tests.conftest import ACADEMIC_YEAR

AUTUMN_1, AUTUMN_2, SPRING_1 = date(2026, 10, 23), date(2026, 12, 18), date(2027, 2, 12)
MOMENTS = {"Autumn 1": AUTUMN_1, "Autumn 2": AUTUMN_2, "Spring 1": SPRING_1}
MATHS, READING = 2, 1


def rows(point: str, statuses: dict[int, str], year_group=4, subject=MATHS):
    name = {MATHS: "Maths", READING: "Reading"}[subject]
    return [
        (pupil, subject, name, year_group, status, point, MOMENTS[point])
        for pupil, status in statuses.items()
    ]


def history(*parts) -> pd.DataFrame:
    columns = [
        "pupil_id", "subject_id", "subject", "year_group", "status", "point", "moment",
    ]  # fmt: skip
    return pd.DataFrame([row for part in parts for row in part], columns=columns)


def starts(*items) -> pd.DataFrame:
    return pd.DataFrame(items, columns=["pupil_id", "subject_id", "starts_on"])


# Year 4 maths. At Autumn 1, pupils 1-11 are Below and 13 is On. Pupils 1-5
# start an intervention on 2 November. At Autumn 2: 1, 2, 3 On, 4 Above,
# 5 Below (4 of 5 On or Above); of those without, 6 On and 7-11 Below
# (1 of 6). Pupil 12 was Below at Autumn 1 and has left by Autumn 2.
YEAR_4_MATHS = history(
    rows("Autumn 1", {**{p: "Below" for p in range(1, 13)}, 13: "On"}),
    rows(
        "Autumn 2",
        {
            1: "On",
            2: "On",
            3: "On",
            4: "Above",
            5: "Below",
            6: "On",
            7: "Below",
            8: "Below",
            9: "Below",
            10: "Below",
            11: "Below",
            13: "On",
        },
    ),  # fmt: skip
)
FIVE_STARTS = starts(*[(p, MATHS, date(2026, 11, 2)) for p in range(1, 6)])


def test_pupils_with_an_intervention_are_compared_with_similar_pupils_without():
    impact = compare_impact(YEAR_4_MATHS, FIVE_STARTS)

    assert len(impact) == 1
    row = impact.iloc[0]
    assert (row["baseline"], row["later"], row["subject"]) == (
        "Autumn 1", "Autumn 2", "Maths",
    )  # fmt: skip
    assert (row["year_group"], row["start_status"]) == (4, "Below")
    assert (row["with_pupils"], row["with_on_or_above"], row["with_pct"]) == (
        5, 4, 80.0,
    )  # fmt: skip
    assert (row["without_pupils"], row["without_on_or_above"]) == (6, 1)
    assert row["without_pct"] == 16.7
    assert row["difference"] == 63.3
    assert not row["too_small"]


def test_a_side_under_five_pupils_is_too_small_to_read():
    three = starts(*[(p, MATHS, date(2026, 11, 2)) for p in range(1, 4)])

    row = compare_impact(YEAR_4_MATHS, three).iloc[0]

    assert (row["with_pupils"], row["with_on_or_above"]) == (3, 3)
    assert (row["without_pupils"], row["without_on_or_above"]) == (8, 2)
    assert row["too_small"]
    assert row["difference"] is None or pd.isna(row["difference"])


def test_other_year_groups_and_subjects_are_not_compared_with():
    year_3 = history(
        rows("Autumn 1", {21: "Below", 22: "Below"}, year_group=3),
        rows("Autumn 2", {21: "On", 22: "Below"}, year_group=3),
        rows("Autumn 1", {1: "Below", 31: "Below"}, subject=READING),
        rows("Autumn 2", {1: "Below", 31: "On"}, subject=READING),
    )
    impact = compare_impact(
        pd.concat([YEAR_4_MATHS, year_3]),
        pd.concat([FIVE_STARTS, starts((21, MATHS, date(2026, 11, 2)))]),
    ).set_index("year_group")

    assert sorted(impact.index) == [3, 4]
    assert (impact.loc[3, "with_pupils"], impact.loc[3, "without_pupils"]) == (1, 1)
    assert impact.loc[4, "without_pupils"] == 6
    assert set(impact["subject"]) == {"Maths"}


def test_every_later_snapshot_is_compared_and_later_starters_leave_without():
    # Pupil 6 starts an intervention after Autumn 2: "without" at Autumn 2,
    # in neither group at Spring 1 (the baseline of their own is Autumn 2).
    spring = history(
        rows(
            "Spring 1",
            {
                1: "On",
                2: "On",
                3: "Below",
                4: "On",
                5: "On",
                6: "On",
                7: "On",
                8: "Below",
                9: "Below",
                10: "Below",
                11: "Below",
                13: "On",
            },
        ),  # fmt: skip
    )
    impact = compare_impact(
        pd.concat([YEAR_4_MATHS, spring]),
        pd.concat([FIVE_STARTS, starts((6, MATHS, date(2027, 1, 5)))]),
    )
    from_autumn_1 = impact[impact["baseline"] == "Autumn 1"].set_index("later")

    assert list(from_autumn_1.index) == ["Autumn 2", "Spring 1"]
    assert from_autumn_1.loc["Autumn 2", "without_pupils"] == 6
    spring_row = from_autumn_1.loc["Spring 1"]
    assert (spring_row["with_pupils"], spring_row["with_on_or_above"]) == (5, 4)
    assert (spring_row["without_pupils"], spring_row["without_on_or_above"]) == (5, 1)
    # Pupil 6's own cohort: On at Autumn 2, compared at Spring 1.
    own = impact[impact["baseline"] == "Autumn 2"].iloc[0]
    assert (own["start_status"], own["with_pupils"]) == ("On", 1)


def test_an_intervention_before_the_first_snapshot_has_no_baseline():
    early = starts((1, MATHS, date(2026, 10, 1)))

    assert compare_impact(YEAR_4_MATHS, early).empty


def test_the_baseline_is_the_last_snapshot_on_or_before_the_start():
    points = [("Autumn 1", AUTUMN_1), ("Autumn 2", AUTUMN_2)]

    assert baseline_of(points, AUTUMN_1) == "Autumn 1"
    assert baseline_of(points, date(2026, 12, 17)) == "Autumn 1"
    assert baseline_of(points, AUTUMN_2) == "Autumn 2"
    assert baseline_of(points, date(2026, 9, 30)) is None


def test_a_side_reads_with_its_n_or_as_too_small():
    assert describe_side(5, 4) == "80% (4 of 5)"
    assert describe_side(3, 3) == "too small to read (n = 3; n < 5)"
    assert describe_side(0, 0) == "no pupils"


def test_impact_reads_snapshots_and_the_live_point_from_the_store(store, school):
    maths, teacher = school["subjects"]["Maths"], school["teacher"]
    year_3 = [school["pupils"][name] for name in ("Amy", "Ben", "Cara", "Dev")]
    before = datetime(2026, 10, 5, 10, tzinfo=UTC)
    after = datetime(2026, 11, 20, 10, tzinfo=UTC)
    history = pd.DataFrame(
        [[p, maths, ACADEMIC_YEAR, "Below", "Quiz", None, teacher, before]
         for p in year_3]
        + [[p, maths, ACADEMIC_YEAR, "On", "Quiz", None, teacher, after]
           for p in (year_3[0], year_3[2])],
        columns=HISTORY_COLUMNS,
    )  # fmt: skip
    with store.transaction() as cursor:
        insert_status_history(cursor, history)
    autumn_1 = default_half_terms(ACADEMIC_YEAR)[0]
    take_snapshot(store, school["id"], autumn_1, as_at=end_of(autumn_1))
    for pupil in year_3[:2]:
        plan_intervention(
            store, Scope.everything(), teacher,
            Plan(pupil, maths, "Fluency", "TA", date(2026, 11, 2), date(2026, 12, 1)),
            ACADEMIC_YEAR,
        )  # fmt: skip

    points = load_status_points(
        store, Scope.everything(), school["id"], ACADEMIC_YEAR, date(2026, 12, 3)
    )
    impact = compare_impact(points, load_intervention_starts(store, Scope.everything()))

    assert impact[
        ["baseline", "later", "subject", "year_group", "start_status"]
    ].values.tolist() == [["Autumn 1 2026-27", "Now (live)", "Maths", 3, "Below"]]
    row = impact.iloc[0]
    assert (row["with_pupils"], row["with_on_or_above"]) == (2, 1)
    assert (row["without_pupils"], row["without_on_or_above"]) == (2, 1)
    assert row["too_small"]
