"""The demo: a realistic school (or trust) built from nothing, the same every time."""

import operator
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from livetrack.calendar import default_half_terms, default_tracking_start
from livetrack.demo import build_demo
from livetrack.domain import EVIDENCE_TYPES, PRIMARY_NEEDS, ROLES
from livetrack.errors import LiveTrackError
from livetrack.scope import Scope
from livetrack.snapshots import snapshot_exists, snapshot_folder
from livetrack.store import Store
from livetrack.store.statuses import live_statuses_sql
from livetrack.upn import is_valid_upn

TODAY = date(2026, 12, 3)
ACADEMIC_YEAR = "2026-27"
END_OF_TODAY = datetime(2026, 12, 3, 23, 59, tzinfo=UTC)
AUTUMN_1, AUTUMN_2 = default_half_terms(ACADEMIC_YEAR)[:2]
YEAR_STARTS = date(2026, 9, 1)


@pytest.fixture(scope="module")
def seabridge(tmp_path_factory):
    """The one-school demo as at 3 December 2026, with the progress it reported."""
    store = Store(tmp_path_factory.mktemp("seabridge"))
    reports = []
    school_ids = build_demo(
        store, today=TODAY, progress=lambda done, said: reports.append((done, said))
    )
    yield {"store": store, "id": school_ids[0], "reports": reports}
    store.close()


@pytest.fixture(scope="module")
def trust(tmp_path_factory):
    """A three-school trust from the same seed and day."""
    store = Store(tmp_path_factory.mktemp("trust"))
    school_ids = build_demo(store, schools=3, today=TODAY)
    yield {"store": store, "ids": school_ids}
    store.close()


def pupils_of(store) -> pd.DataFrame:
    """The pupils on roll today (the leavers of past years are kept, as left)."""
    return store.frame("select * from pupils where left_on is null order by upn")


def every_pupil_of(store) -> pd.DataFrame:
    return store.frame("select * from pupils order by upn")


def attendance_by_pupil(store) -> pd.DataFrame:
    return store.frame(
        """
        select p.id, p.fsm, p.send,
               100.0 * sum(a.sessions_attended) / sum(a.sessions_possible) as percent
        from attendance a join pupils p on p.id = a.pupil_id
        where a.starts_on >= ?
        group by p.id, p.fsm, p.send
        """,
        [YEAR_STARTS],
    )


def live_cells(store) -> pd.DataFrame:
    """Every live status tonight, with the pupil's SEND, PP and persistent absence."""
    live, params = live_statuses_sql(Scope.everything(), ACADEMIC_YEAR, END_OF_TODAY)
    return store.frame(
        f"""
        select l.status, p.send, p.send <> 'N' as has_send, p.pupil_premium,
               sum(a.sessions_attended) / sum(a.sessions_possible) <= 0.9
                   as persistently_absent
        from ({live}) l
        join pupils p on p.id = l.pupil_id
        join attendance a on a.pupil_id = l.pupil_id and a.starts_on >= ?
        group by l.pupil_id, l.subject_id, l.status, p.send, p.pupil_premium
        """,
        [*params, YEAR_STARTS],
    )


def share(values: pd.Series, value) -> float:
    """The % of values equal to `value`."""
    return 100 * (values == value).mean()


def share_by(cells: pd.DataFrame, status: str, group: str) -> pd.Series:
    """The % of live statuses that are `status`, for each value of a column."""
    return 100 * (cells["status"] == status).groupby(cells[group]).mean()


def school_1_rows(store, table: str) -> pd.DataFrame:
    """A table's rows for school 1's pupils, without their own row ids."""
    order = {"status_changes": "id", "attendance": "pupil_id, starts_on"}[table]
    rows = store.frame(
        f"select * from {table} where pupil_id in"
        f" (select id from pupils where school_id = 1) order by {order}"
    )
    return rows.drop(columns="id", errors="ignore")


def test_school_1_is_a_two_form_entry_primary(seabridge):
    store = seabridge["store"]
    classes = store.frame(
        "select c.name, c.year_group, count(*) as pupils"
        " from classes c join pupils p on p.class_id = c.id and p.left_on is null"
        " group by c.name, c.year_group order by c.year_group, c.name"
    )

    assert store.value("select name from schools") == "Seabridge Primary School"
    assert classes["name"].tolist()[:4] == ["RA", "RB", "1A", "1B"]
    assert len(classes) == 14
    assert classes["pupils"].between(28, 31).all()
    assert 390 <= classes["pupils"].sum() <= 450
    assert store.value("select bool_and(is_demo) from schools")


def test_every_upn_is_valid_and_unique(trust):
    upns = every_pupil_of(trust["store"])["upn"]

    assert upns.map(is_valid_upn).all()
    assert upns.is_unique


def test_dates_of_birth_fit_each_year_group(seabridge):
    pupils = pupils_of(seabridge["store"])
    born = pd.to_datetime(pupils["date_of_birth"])
    first_september = pd.to_datetime(
        [f"{2026 - 5 - year}-09-01" for year in pupils["year_group"]]
    )

    assert (born >= first_september).all()
    assert (born < first_september + pd.DateOffset(years=1)).all()


def test_subjects_are_tracked_for_their_year_groups(seabridge):
    tracked = seabridge["store"].frame(
        "select s.name, list(g.year_group order by g.year_group) as years"
        " from subjects s join subject_year_groups g on g.subject_id = s.id"
        " group by s.name, s.position order by s.position"
    )
    years = dict(zip(tracked["name"], tracked["years"].map(list)))

    assert len(years) == 12
    assert years["Maths"] == [0, 1, 2, 3, 4, 5, 6]
    assert years["Science"] == [1, 2, 3, 4, 5, 6]
    assert years["Languages"] == [3, 4, 5, 6]


def test_send_shares_follow_the_national_figures(seabridge):
    pupils = pupils_of(seabridge["store"])
    boys_share = (pupils["sex"] == "M").groupby(pupils["send"]).mean()

    assert share(pupils["send"], "K") == pytest.approx(15, abs=2.5)
    assert share(pupils["send"], "E") == pytest.approx(3, abs=1.5)
    assert boys_share["K"] == pytest.approx(0.61, abs=0.05)
    assert boys_share["E"] >= 0.6
    assert boys_share["N"] < 0.52


def test_pupils_with_send_have_a_primary_need_and_only_they(seabridge):
    pupils = pupils_of(seabridge["store"])
    with_send = pupils["send"] != "N"

    assert pupils.loc[with_send, "primary_need"].isin(PRIMARY_NEEDS).all()
    assert pupils.loc[~with_send, "primary_need"].isna().all()


def test_disadvantage_and_eal_follow_the_national_figures(seabridge):
    pupils = pupils_of(seabridge["store"])

    assert 100 * pupils["fsm"].mean() == pytest.approx(24.7, abs=2)
    assert pupils.loc[pupils["fsm"], "pupil_premium"].all()
    assert 25 <= 100 * pupils["pupil_premium"].mean() <= 30
    assert 100 * pupils["eal"].mean() == pytest.approx(20, abs=3)
    assert 1 <= pupils["looked_after"].sum() <= 8
    assert pupils["preferred_first_name"].notna().any()


def test_attendance_matches_national_absence(seabridge):
    attendance = attendance_by_pupil(seabridge["store"])
    by_fsm = attendance.groupby("fsm")["percent"].mean()
    by_send = attendance.groupby(attendance["send"] != "N")["percent"].mean()

    assert attendance["percent"].mean() == pytest.approx(94.5, abs=1)
    assert 10 <= share(attendance["percent"] <= 90, True) <= 18
    assert share(attendance["percent"] <= 50, True) < 1
    assert 3 <= by_fsm[False] - by_fsm[True] <= 7
    assert 3 <= by_send[False] - by_send[True] <= 7


def test_attendance_runs_to_today_by_half_term(seabridge):
    store = seabridge["store"]
    pupils_by_end = store.frame(
        "select ends_on, count(*) as pupils from attendance where starts_on >= ?"
        " group by all",
        [YEAR_STARTS],
    ).set_index("ends_on")["pupils"]
    pupils = len(pupils_of(store))

    assert sorted(pupils_by_end.index.date) == [AUTUMN_1.ends_on, TODAY]
    assert pupils * 0.95 <= pupils_by_end.min() <= pupils_by_end.max() == pupils
    assert store.value(
        "select bool_and(sessions_attended + sessions_authorised"
        " + sessions_unauthorised = sessions_possible) from attendance"
    )


def test_a_few_pupils_account_for_most_negative_behaviour(seabridge):
    incidents = seabridge["store"].frame(
        "select pupil_id, count(*) filter (kind = 'negative') as negative,"
        " count(*) filter (kind = 'positive') as positive,"
        " bool_and(points < 0) filter (kind = 'negative') as negative_points"
        " from behaviour_incidents where occurred_on >= ? group by pupil_id",
        [YEAR_STARTS],
    )
    pupils = len(pupils_of(seabridge["store"]))
    negative = incidents["negative"].sort_values(ascending=False)

    assert negative.head(round(pupils * 0.05)).sum() > 0.4 * negative.sum()
    assert incidents["positive"].sum() > 3 * negative.sum()
    assert incidents["negative_points"].dropna().all()


def test_live_shares_are_in_the_target_ranges(seabridge):
    statuses = live_cells(seabridge["store"])["status"]

    assert 12 <= share(statuses, "Below") <= 18
    assert 8 <= share(statuses, "Above") <= 12


def test_below_is_commoner_for_send_pp_and_persistent_absence(seabridge):
    cells = live_cells(seabridge["store"])
    by_send = share_by(cells, "Below", "send")
    by_pp = share_by(cells, "Below", "pupil_premium")
    by_absence = share_by(cells, "Below", "persistently_absent")

    assert by_send["E"] > by_send["K"] > 2 * by_send["N"]
    assert by_pp[True] > 1.5 * by_pp[False]
    assert by_absence[True] > 1.5 * by_absence[False]


def test_above_is_rarer_for_pupil_premium_and_send(seabridge):
    cells = live_cells(seabridge["store"])
    by_pp = share_by(cells, "Above", "pupil_premium")
    by_send = share_by(cells, "Above", "has_send")

    assert by_pp[True] < 0.6 * by_pp[False]
    assert by_send[True] < 0.4 * by_send[False]


def test_changes_fall_in_school_hours_after_tracking_starts(seabridge):
    changes = seabridge["store"].frame(
        "select * from status_changes where academic_year = ?", [ACADEMIC_YEAR]
    )
    local = pd.to_datetime(changes["changed_at"]).dt.tz_convert("Europe/London")

    assert local.min().date() >= default_tracking_start(ACADEMIC_YEAR)
    assert local.max().date() < TODAY
    assert (local.dt.day_of_week < 5).all()
    assert local.dt.hour.between(8, 17).all()
    assert changes["evidence"].isin(EVIDENCE_TYPES).all()
    assert 0.25 <= changes["note"].notna().mean() <= 0.4


def test_changes_are_made_by_the_schools_staff(seabridge):
    made_by_teacher = seabridge["store"].value(
        "select avg((st.role = 'teacher')::int) from status_changes sc"
        " join staff st on st.id = sc.changed_by"
        " where st.school_id = ?",
        [seabridge["id"]],
    )

    assert made_by_teacher > 0.8


def test_some_statuses_changed_during_the_year(seabridge):
    cells = seabridge["store"].frame(
        "select list(status order by id) as statuses"
        " from status_changes where academic_year = ? group by pupil_id, subject_id",
        [ACADEMIC_YEAR],
    )
    histories = cells["statuses"].map(tuple)

    assert (histories == ("Below", "On")).sum() > 20
    assert (histories == ("Below", "Below")).sum() > 20
    assert histories.map(len).max() == 2


def test_staff_are_synthetic_with_one_trust_leader(trust):
    staff = trust["store"].frame("select * from staff")

    assert staff["email"].is_unique
    assert staff["email"].str.endswith((".example.org", ".invalid")).all()
    assert staff["role"].isin(ROLES).all()
    assert staff["school_id"].isna().sum() == 1
    assert staff.loc[staff["school_id"].isna(), "role"].item() == "trust_leader"


def test_autumn_1_has_a_snapshot_that_differs_from_live(seabridge):
    store, school_id = seabridge["store"], seabridge["id"]
    folder = snapshot_folder(store, school_id, AUTUMN_1)
    snapshot = pd.read_parquet(folder / "snapshot.parquet")
    live = live_cells(store)

    assert snapshot_exists(store, school_id, AUTUMN_1)
    assert not snapshot_exists(store, school_id, AUTUMN_2)
    assert len(snapshot) > 3000
    assert share(snapshot["status"], "Above") < share(live["status"], "Above")


def test_progress_is_reported_to_the_end(seabridge):
    fractions = [done for done, _ in seabridge["reports"]]

    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert any("statuses" in said for _, said in seabridge["reports"])


def test_school_1_is_the_same_in_a_trust_as_alone(seabridge, trust):
    """The same seed and day give the same school, however large the trust."""
    alone, in_trust = seabridge["store"], trust["store"]

    school_1 = every_pupil_of(in_trust).query("school_id == 1").reset_index(drop=True)
    pd.testing.assert_frame_equal(every_pupil_of(alone), school_1)
    in_order = ["year", "half_term", "pupil_id", "subject_id"]
    alone_history, trust_history = (
        history.drop(columns=["school", "taken_at"])
        .sort_values(in_order)
        .reset_index(drop=True)
        for history in (history_of(alone), history_of(in_trust).query("school == 1"))
    )
    pd.testing.assert_frame_equal(alone_history, trust_history)
    for table in ("attendance", "status_changes"):
        pd.testing.assert_frame_equal(
            school_1_rows(alone, table), school_1_rows(in_trust, table)
        )


def test_trust_schools_differ_in_name_number_and_intake(trust):
    schools = trust["store"].frame(
        "select s.name, s.la_code, s.establishment_number, avg(p.fsm::int) as fsm"
        " from schools s join pupils p on p.school_id = s.id group by all"
    )

    assert schools["name"].is_unique
    assert not schools[["la_code", "establishment_number"]].duplicated().any()
    assert schools["fsm"].nunique() == 3


def test_another_seed_builds_another_school(tmp_path, seabridge):
    store = Store(tmp_path)
    build_demo(store, seed=7, today=TODAY)

    assert set(pupils_of(store)["upn"]) != set(pupils_of(seabridge["store"])["upn"])
    store.close()


def test_the_demo_needs_an_empty_store(seabridge):
    with pytest.raises(LiveTrackError, match="empty"):
        build_demo(seabridge["store"], today=TODAY)


# --- Past years ---

HISTORY = "school=*/year=*/half_term=*/snapshot.parquet"


def history_of(store) -> pd.DataFrame:
    """Every snapshot row on disk, with its year and half-term."""
    return store.frame(
        "select * from read_parquet(?, hive_partitioning = true,"
        " hive_types = {'school': integer, 'year': varchar, 'half_term': varchar})",
        [str(store.snapshots_dir / HISTORY)],
    )


@pytest.fixture(scope="module")
def seabridge_history(seabridge):
    return history_of(seabridge["store"])


def test_each_past_year_has_all_six_snapshots(seabridge_history):
    taken = seabridge_history.groupby("year")["half_term"].nunique().to_dict()

    assert taken == {"2024-25": 6, "2025-26": 6, "2026-27": 1}


def test_past_years_have_their_calendar_and_their_own_status_log(seabridge):
    store = seabridge["store"]
    years = store.frame(
        "select y.academic_year, y.tracking_starts_on,"
        " min(sc.changed_at) as first_change, max(sc.changed_at) as last_change"
        " from academic_years y join status_changes sc using (academic_year)"
        " group by all order by 1"
    )

    assert years["academic_year"].tolist() == ["2024-25", "2025-26", "2026-27"]
    first = years["first_change"].dt.date.tolist()
    last = years["last_change"].dt.date.tolist()
    assert all(map(operator.ge, first, years["tracking_starts_on"].dt.date))
    assert date(2025, 7, 1) <= last[0] <= date(2025, 7, 21)
    assert date(2026, 7, 1) <= last[1] <= date(2026, 7, 21)
    assert last[2] < TODAY


def test_year_6_of_past_years_are_marked_left_and_kept(seabridge, seabridge_history):
    store = seabridge["store"]
    leavers = store.frame("select * from pupils where left_on = '2026-07-22'")
    summer_2 = seabridge_history.query("year == '2025-26' and half_term == 'summer-2'")
    in_year_6 = set(summer_2.loc[summer_2["year_group"] == 6, "pupil_id"])

    assert len(leavers) >= 56
    assert (leavers["year_group"] == 6).all()
    assert set(leavers["id"]) <= in_year_6
    assert not set(leavers["id"]) & set(live_cells_ids(store))


def live_cells_ids(store) -> list[int]:
    live, params = live_statuses_sql(Scope.everything(), ACADEMIC_YEAR, END_OF_TODAY)
    return store.frame(f"select distinct pupil_id from ({live}) l", params)[
        "pupil_id"
    ].tolist()


def test_snapshots_keep_the_year_group_and_class_of_their_year(
    seabridge, seabridge_history
):
    now = pupils_of(seabridge["store"]).merge(
        seabridge["store"].frame("select id as class_id, name from classes"),
        on="class_id",
    )
    autumn_1 = seabridge_history.query("half_term == 'autumn-1'")
    rows = autumn_1.drop_duplicates(["year", "pupil_id"]).merge(
        now, left_on="pupil_id", right_on="id", suffixes=("_then", "_now")
    )
    back = rows["year"].map({"2024-25": 2, "2025-26": 1, "2026-27": 0})

    assert (rows["year_group_then"] == rows["year_group_now"] - back).all()
    assert (rows["class_name"].str[-1] == rows["name"].str[-1]).all()
    assert (rows.loc[back == 1, "year_group_then"] == 0).sum() >= 50


def test_past_reception_are_this_years_older_pupils(seabridge_history):
    reception = seabridge_history.query(
        "year == '2024-25' and half_term == 'autumn-1' and year_group == 0"
    )

    assert reception["pupil_id"].nunique() >= 50
    assert reception["class_name"].str.startswith("R").all()


def test_some_pupils_had_sen_support_only_in_the_past(seabridge, seabridge_history):
    now = pupils_of(seabridge["store"]).set_index("id")["send"]
    past = seabridge_history.query("year == '2024-25'").drop_duplicates("pupil_id")
    past = past[past["pupil_id"].isin(now.index)]
    send_now = past["pupil_id"].map(now)

    assert ((past["send"] == "K") & (send_now == "N")).sum() >= 1
    assert ((past["send"] == "N") & (send_now == "K")).sum() >= 3


def test_past_snapshots_follow_the_national_shares(seabridge_history):
    past = seabridge_history[seabridge_history["year"] != ACADEMIC_YEAR]
    summer_2 = past[past["half_term"] == "summer-2"]
    attendance = past.drop_duplicates(["year", "half_term", "pupil_id"])

    assert 10 <= share(summer_2["status"], "Below") <= 22
    assert 6 <= share(summer_2["status"], "Above") <= 14
    assert attendance["attendance_percent"].mean() == pytest.approx(94.5, abs=1.5)


def test_one_year_builds_no_history(tmp_path):
    store = Store(tmp_path)
    build_demo(store, today=TODAY, years=1)

    assert history_of(store)["year"].unique().tolist() == [ACADEMIC_YEAR]
    assert store.value("select count(*) from pupils where left_on is not null") == 0
    store.close()


def test_the_years_asked_for_must_make_sense(tmp_path):
    store = Store(tmp_path)
    with pytest.raises(LiveTrackError, match="academic years"):
        build_demo(store, today=TODAY, years=0)
    store.close()
