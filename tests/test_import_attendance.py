"""Attendance: sessions in, replaced not doubled, and each pupil's % with its flags."""

from datetime import date

import pytest

from livetrack.errors import ImportRejected
from livetrack.importers import import_pupils
from livetrack.importers.attendance import import_attendance, plan_attendance
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.attendance import attendance_by_half_term, attendance_to_date
from livetrack.upn import make_upn
from tests.conftest import SAMPLES, needs_samples

TODAY = date(2026, 12, 3)
YEAR = "2026-27"
HEADER = (
    "UPN,From,To,Possible Sessions,Present Sessions,Authorised Absence Sessions,"
    "Unauthorised Absence Sessions"
)
AUTUMN_1 = ("03/09/2026", "23/10/2026")
AUTUMN_2 = ("02/11/2026", "18/12/2026")


def upn(serial: int) -> str:
    return make_upn(886, 2417, 18, serial)


def row(serial, period=AUTUMN_1, possible=76, present=76, auth=None, unauth=0):
    auth = possible - present - unauth if auth is None else auth
    return f"{upn(serial)},{period[0]},{period[1]},{possible},{present},{auth},{unauth}"


def attendance_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "data")
    roster = "\r\n".join(
        ["UPN,Forename,Surname,DOB,Year,Class"]
        + [f"{upn(n)},Amy{n},Smith,01/09/2017,3,3K" for n in (1, 2, 3, 4)]
    )
    import_pupils(store, roster.encode(), today=TODAY)
    yield store
    store.close()


def to_date(store) -> dict:
    figures = attendance_to_date(store, Scope.everything(), 1, YEAR)
    return figures.set_index("pupil_id").to_dict("index")


def test_percent_and_flags_to_date(store):
    import_attendance(
        store,
        attendance_file(
            row(1, present=76), row(2, present=69), row(3, present=68),
            row(4, present=38),
        ),
    )  # fmt: skip

    figures = to_date(store)

    assert {p: f["percent"] for p, f in figures.items()} == {
        1: 100.0, 2: 90.8, 3: 89.5, 4: 50.0,
    }  # fmt: skip
    assert [f["persistent_absence"] for f in figures.values()] == [
        False, False, True, True,
    ]  # fmt: skip
    assert [f["severe_absence"] for f in figures.values()] == [
        False, False, False, True,
    ]  # fmt: skip


def test_exactly_90_percent_is_persistent_absence(store):
    import_attendance(store, attendance_file(row(1, possible=70, present=63)))

    assert to_date(store)[1]["percent"] == 90.0
    assert to_date(store)[1]["persistent_absence"]


def test_the_same_period_again_replaces_and_never_doubles(store):
    import_attendance(store, attendance_file(row(1, present=70)))
    again = import_attendance(store, attendance_file(row(1, present=60)))

    assert again.replaced == 1
    assert store.value("select count(*) from attendance") == 1
    assert to_date(store)[1]["sessions_attended"] == 60


def test_half_terms_add_up_to_the_year_and_each_has_its_own_figure(store):
    import_attendance(store, attendance_file(row(1, present=76)))
    import_attendance(store, attendance_file(row(1, AUTUMN_2, possible=68, present=34)))

    by_term = attendance_by_half_term(store, Scope.everything(), 1, YEAR)

    assert by_term[["half_term", "percent", "severe_absence"]].values.tolist() == [
        ["autumn-1", 100.0, False], ["autumn-2", 50.0, True],
    ]  # fmt: skip
    assert to_date(store)[1]["sessions_possible"] == 144


def test_a_cumulative_export_is_not_counted_on_top_of_its_parts(store):
    import_attendance(store, attendance_file(row(1, present=70)))
    whole_term = ("03/09/2026", "18/12/2026")
    import_attendance(
        store, attendance_file(row(1, whole_term, possible=144, present=130))
    )

    assert to_date(store)[1]["sessions_possible"] == 144
    by_term = attendance_by_half_term(store, Scope.everything(), 1, YEAR)
    assert by_term["half_term"].tolist() == ["autumn-1"]  # the term spans two


def test_the_scope_limits_the_pupils(store):
    import_attendance(store, attendance_file(row(1), row(2)))
    other_class = Scope(class_ids=frozenset({999}))

    assert attendance_to_date(store, other_class, 1, YEAR).empty


def test_every_bad_row_is_listed_and_nothing_is_written(store):
    text = attendance_file(
        row(1),
        row(2, possible=76, present=80, auth=0),
        f"{upn(3)},23/10/2026,03/09/2026,76,70,6,0",
        row(4, possible=300),
        row(9),
        f"{upn(1)},{AUTUMN_2[0]},{AUTUMN_2[1]},lots,1,0,0",
        row(1),
    )

    with pytest.raises(ImportRejected) as rejection:
        import_attendance(store, text)

    problems = rejection.value.problems
    assert [p.split(":")[0] for p in problems] == [f"Line {n}" for n in range(3, 9)]
    assert "add up to more than the 76 possible" in problems[0]
    assert "starts on 23/10/2026, after it ends" in problems[1]
    assert "more than the 102 that" in problems[2]
    assert "no pupil in LiveTrack has the UPN" in problems[3]
    assert '"lots" is not a whole number of sessions' in problems[4]
    assert "also on line 2" in problems[5]
    assert store.value("select count(*) from attendance") == 0


def test_other_headers_and_optional_absence_columns(store):
    header = "Pupil UPN,Start Date,End Date,Sessions Possible,Sessions Attended"
    text = attendance_file(f"{upn(1)},2026-09-03,2026-10-23,76,75", header=header)

    plan = plan_attendance(store, None, text)

    assert plan.rows[["sessions_authorised", "sessions_unauthorised"]].sum().sum() == 0
    assert plan.preview["percent"].tolist() == [98.7]


@needs_samples
def test_the_sample_school_attendance(tmp_path):
    store = Store(tmp_path / "sample")
    import_pupils(store, SAMPLES / "pupils_arbor.csv", today=date(2026, 10, 1))

    summary = import_attendance(store, SAMPLES / "attendance_autumn1.csv")

    assert (summary.rows, summary.pupils) == (70, 70)
    figures = attendance_to_date(store, Scope.everything(), 1, YEAR)
    assert len(figures) == 70
    assert 90 < figures["percent"].mean() < 97
    by_term = attendance_by_half_term(store, Scope.everything(), 1, YEAR)
    assert set(by_term["half_term"]) == {"autumn-1"}
