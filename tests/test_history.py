"""History figures against a history small enough to count by hand.

The tiny school (conftest): 3A has Amy, Ben, Cara and Dev (Year 3); 4B has
Eve and Finn (Year 4); Gus left 4B on 1 October 2026. Reading and Maths are
tracked in Years 3 and 4, French in Year 4.

A year before, in Autumn 1 2025-26, Eve, Finn and Gus were in Year 3 (3A)
and the 3A pupils of today in Year 2, with nothing tracked. Gus was Below in
Maths, Eve Below in Reading.

In 2026-27: Amy Below in Maths and Ben Above in Reading by Autumn 1; then
Amy back On, Cara Below in Maths and Eve Above in French by Autumn 2.
"""

from datetime import UTC, datetime

import pandas as pd
import pytest

from livetrack.calendar import default_half_terms
from livetrack.errors import NotAllowed
from livetrack.history import (
    JOINED,
    LEFT,
    NOT_TRACKED,
    TOTAL,
    moved,
    pupils_behind,
    transition_cells,
    transition_matrix,
    transition_pupils,
    trend_points,
)
from livetrack.scope import Scope
from livetrack.snapshots import end_of, take_snapshot
from livetrack.store.history import (
    LIVE,
    Moment,
    all_of,
    count_history,
    load_live_rows,
    load_moments,
    load_transitions,
)
from livetrack.store.pupils import HISTORY_COLUMNS, insert_status_history

LAST_YEAR, THIS_YEAR = "2025-26", "2026-27"
AUTUMN_1_LAST_YEAR = default_half_terms(LAST_YEAR)[0]
AUTUMN_1, AUTUMN_2 = default_half_terms(THIS_YEAR)[:2]
LIVE_AT = datetime(2027, 1, 12, 12, tzinfo=UTC)


def change(school, who, subject, year, status, when) -> dict:
    return {
        "pupil_id": school["pupils"][who], "subject_id": school["subjects"][subject],
        "academic_year": year, "status": status, "evidence": "Quiz", "note": None,
        "changed_by": school["teacher"], "changed_at": pd.Timestamp(when, tz="UTC"),
    }  # fmt: skip


def log(store, school, *changes) -> None:
    rows = pd.DataFrame([change(school, *c) for c in changes], columns=HISTORY_COLUMNS)
    with store.transaction() as cursor:
        insert_status_history(cursor, rows)


def place(store, school, names, year_group, class_name) -> None:
    ids = [school["pupils"][name] for name in names]
    store.rows(
        "update pupils set year_group = ?, class_id = ? where list_contains(?, id)",
        [year_group, school["classes"][class_name], ids],
    )


@pytest.fixture
def history(store, school):
    """The tiny school's hand-made history: three snapshots, and live."""
    place(store, school, ["Eve", "Finn", "Gus"], 3, "3A")
    place(store, school, ["Amy", "Ben", "Cara", "Dev"], 2, "3A")
    log(store, school, ("Gus", "Maths", LAST_YEAR, "Below", "2025-10-01 10:00"),
        ("Eve", "Reading", LAST_YEAR, "Below", "2025-10-02 10:00"))  # fmt: skip
    take_snapshot(store, school["id"], AUTUMN_1_LAST_YEAR,
                  as_at=end_of(AUTUMN_1_LAST_YEAR))  # fmt: skip

    place(store, school, ["Eve", "Finn", "Gus"], 4, "4B")
    place(store, school, ["Amy", "Ben", "Cara", "Dev"], 3, "3A")
    log(store, school, ("Amy", "Maths", THIS_YEAR, "Below", "2026-10-01 10:00"),
        ("Ben", "Reading", THIS_YEAR, "Above", "2026-10-02 10:00"))  # fmt: skip
    take_snapshot(store, school["id"], AUTUMN_1, as_at=end_of(AUTUMN_1))
    log(store, school, ("Amy", "Maths", THIS_YEAR, "On", "2026-11-05 10:00"),
        ("Cara", "Maths", THIS_YEAR, "Below", "2026-11-06 10:00"),
        ("Eve", "French", THIS_YEAR, "Above", "2026-11-09 10:00"))  # fmt: skip
    take_snapshot(store, school["id"], AUTUMN_2, as_at=end_of(AUTUMN_2))
    live = load_live_rows(store, school["id"], THIS_YEAR, LIVE_AT)
    return {"store": store, "school": school, "live": live}


def figures(history, by="school", scope=None, **options) -> pd.DataFrame:
    counts = count_history(
        history["store"], scope or Scope.everything(), history["school"]["id"], by,
        history["live"], **options,
    )  # fmt: skip
    return trend_points(counts, live_half_term="spring-1")


def test_every_snapshot_and_live_with_their_counts(history):
    points = figures(history)

    assert points["point"].tolist() == ["Aut 1 2025-26", "Aut 1 2026-27",
                                        "Aut 2 2026-27", "Live"]  # fmt: skip
    assert points[["n", "below", "above", "pupils"]].values.tolist() == [
        [6, 2, 0, 3], [14, 1, 1, 6], [14, 1, 2, 6], [14, 1, 2, 6],
    ]  # fmt: skip
    assert points["below_percent"].tolist() == [33.3, 7.1, 7.1, 7.1]
    assert points["above_percent"].tolist() == [0.0, 7.1, 14.3, 14.3]


def test_each_point_sits_beside_the_same_half_term_last_year(history):
    points = figures(history).set_index("point")

    assert points.loc["Aut 1 2026-27", "n_last_year"] == 6
    assert points.loc["Aut 1 2026-27", "below_percent_last_year"] == 33.3
    assert pd.isna(points.loc["Aut 2 2026-27", "n_last_year"])
    assert pd.isna(points.loc["Live", "n_last_year"])  # no Spring 1 2025-26


def test_year_groups_are_those_of_each_snapshot(history):
    points = figures(history, by="year_group")
    by_point = points.groupby("point")[["year_group", "n"]].apply(
        lambda rows: dict(zip(rows["year_group"], rows["n"]))
    )

    assert by_point["Aut 1 2025-26"] == {3: 6}
    assert by_point["Aut 1 2026-27"] == {3: 8, 4: 6}


def test_a_cohort_is_followed_as_it_moves_up(history):
    points = figures(history, by="cohort")
    cohort_2022 = points[points["cohort"] == 2022]

    assert cohort_2022["point"].tolist()[:2] == ["Aut 1 2025-26", "Aut 1 2026-27"]
    assert cohort_2022[["n", "below"]].values.tolist()[:2] == [[6, 2], [6, 0]]
    assert set(points.loc[points["cohort"] == 2023, "n"]) == {8}


def test_by_subject_counts_each_subject_apart(history):
    points = figures(history, by="subject")
    autumn_2 = points[points["point"] == "Aut 2 2026-27"].set_index("subject")

    assert autumn_2["n"].to_dict() == {"Reading": 6, "Maths": 6, "French": 2}
    assert autumn_2.loc["French", "above_percent"] == 50.0


def test_the_scope_and_a_filter_condition_narrow_every_point(history):
    year_4 = figures(history, scope=Scope(year_groups=frozenset({4})))
    with_sen_support = figures(history, condition=("f.send = ?", ["K"]))

    assert year_4["n"].tolist() == [6, 6, 6]
    assert with_sen_support[["n", "below"]].values.tolist() == [
        [2, 1], [2, 0], [2, 0],
    ]  # fmt: skip
    with pytest.raises(NotAllowed):
        figures(history, scope=Scope(school_ids=frozenset({99})))


def test_the_moments_on_disk_are_listed_oldest_first(history):
    moments = load_moments(
        history["store"], Scope.everything(), history["school"]["id"]
    )
    assert moments == [Moment(LAST_YEAR, "autumn-1"), Moment(THIS_YEAR, "autumn-1"),
                       Moment(THIS_YEAR, "autumn-2")]  # fmt: skip


def pairs_between(history, before, after) -> pd.DataFrame:
    return load_transitions(
        history["store"], Scope.everything(), history["school"]["id"], before, after,
        history["live"],
    )  # fmt: skip


def test_a_matrix_across_years_counts_joiners_leavers_and_new_subjects_apart(
    history,
):
    pairs = pairs_between(history, Moment(LAST_YEAR, "autumn-1"),
                          Moment(THIS_YEAR, "autumn-1"))  # fmt: skip
    matrix = transition_matrix(pairs)

    assert matrix.loc["Below", "On"] == 1  # Eve, Reading
    assert matrix.loc["On", "On"] == 3  # Eve Maths, Finn Reading and Maths
    assert matrix.loc[NOT_TRACKED, "On"] == 2  # French begins in Year 4
    assert matrix.loc["Below", LEFT] == 1 and matrix.loc["On", LEFT] == 1  # Gus
    assert matrix.loc[JOINED, ["Below", "On", "Above"]].tolist() == [1, 6, 1]
    assert matrix.loc[TOTAL, TOTAL] == len(pairs) == 16
    assert matrix.drop(index=TOTAL, columns=TOTAL).to_numpy().sum() == 16


def test_each_count_of_the_matrix_knows_how_many_pupils_are_behind_it(history):
    pairs = pairs_between(history, Moment(LAST_YEAR, "autumn-1"),
                          Moment(THIS_YEAR, "autumn-1"))  # fmt: skip
    pupils = transition_pupils(pairs)

    assert pupils.loc["On", "On"] == 2  # Eve Maths; Finn Reading and Maths
    assert pupils.loc["Below", LEFT] == 1  # Gus
    assert pupils.loc[TOTAL, LEFT] == 1  # Gus, in two cells of the column
    assert pupils.loc[JOINED, TOTAL] == pairs.loc[~pairs["pupil_before"].astype(
        bool), "pupil_id"].nunique()  # fmt: skip
    assert pupils.loc[TOTAL, TOTAL] == pairs["pupil_id"].nunique()
    assert list(pupils.index) == list(transition_matrix(pairs).index)
    assert list(pupils.columns) == list(transition_matrix(pairs).columns)


def test_each_cell_opens_the_pupils_behind_it(history):
    school = history["school"]
    pairs = pairs_between(history, Moment(LAST_YEAR, "autumn-1"),
                          Moment(THIS_YEAR, "autumn-1"))  # fmt: skip
    cells = transition_cells(pairs).set_index(["from", "to"])
    gus = pupils_behind(pairs, "Below", LEFT)

    assert cells.loc[("Below", LEFT), "pupil_ids"] == [school["pupils"]["Gus"]]
    assert cells.loc[(JOINED, "Below"), "pupil_ids"] == [school["pupils"]["Amy"]]
    assert cells["count"].sum() == 16
    assert gus[["subject", "year_group_before", "class_before"]].values.tolist() == [
        ["Maths", 3, "3A"]
    ]


def test_a_matrix_from_a_snapshot_to_live(history):
    pairs = pairs_between(history, Moment(THIS_YEAR, "autumn-1"),
                          Moment(THIS_YEAR, LIVE))  # fmt: skip
    matrix = transition_matrix(pairs)

    assert matrix.loc["Below", "On"] == 1  # Amy, Maths
    assert matrix.loc["On", "Below"] == 1  # Cara, Maths
    assert matrix.loc["On", "Above"] == 1  # Eve, French
    assert matrix.loc["Above", "Above"] == 1  # Ben, Reading
    assert matrix.loc["On", "On"] == 10
    assert matrix.loc[TOTAL, TOTAL] == 14
    assert moved(matrix) == {"up": 2, "same": 11, "down": 1}


def test_the_condition_reads_each_moments_own_context(history):
    """Eve was in Year 3 a year ago: a Year 3 matrix finds her then, not now."""
    pairs = load_transitions(
        history["store"], Scope.everything(), history["school"]["id"],
        Moment(LAST_YEAR, "autumn-1"), Moment(THIS_YEAR, "autumn-1"), history["live"],
        condition=("year_group = ?", [3]),
    )  # fmt: skip
    matrix = transition_matrix(pairs)

    assert matrix.loc["Below", LEFT] == 2  # Gus Maths; Eve Reading, now in Year 4
    assert matrix.loc[TOTAL, TOTAL] == 14


def test_conditions_join_so_that_a_row_meets_every_one(history):
    condition = all_of(("f.send = ?", ["K"]), ("subject_id = ?", [
        history["school"]["subjects"]["Maths"]]))  # fmt: skip
    points = figures(history, condition=condition)

    assert points[["n", "below"]].values.tolist() == [[1, 1], [1, 0], [1, 0]]
    assert all_of() == ("true", [])
