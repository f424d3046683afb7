"""Behaviour: incidents in, each counted once however often the file comes."""

from datetime import date

import pytest

from livetrack.errors import ImportRejected
from livetrack.importers import import_pupils
from livetrack.importers.behaviour import import_behaviour, plan_behaviour, read_kind
from livetrack.importers.fields import BadValue
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.behaviour import behaviour_by_half_term
from livetrack.upn import make_upn
from tests.conftest import SAMPLES, needs_samples

TODAY = date(2026, 12, 3)
YEAR = "2026-27"
HEADER = "UPN,Incident Date,Type,Category,Points"


def upn(serial: int) -> str:
    return make_upn(886, 2417, 18, serial)


def incidents(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "data")
    roster = "\r\n".join(
        ["UPN,Forename,Surname,DOB,Year,Class"]
        + [f"{upn(n)},Amy{n},Smith,01/09/2017,3,3K" for n in (1, 2)]
    )
    import_pupils(store, roster.encode(), today=TODAY)
    yield store
    store.close()


def held(store) -> int:
    return store.value("select count(*) from behaviour_incidents")


AUTUMN = incidents(
    f"{upn(1)},14/09/2026,Positive,Reading,1",
    f"{upn(1)},14/09/2026,Positive,Reading,1",  # a second, identical: two
    f"{upn(1)},03/11/2026,Negative,Disruption,-2",
    f"{upn(2)},16/10/2026,Negative,Unkind,-1",
)


def test_two_identical_incidents_in_one_file_are_two(store):
    summary = import_behaviour(store, AUTUMN)

    assert (summary.incidents, summary.added) == (4, 4)
    assert held(store) == 4


def test_the_same_file_twice_counts_nothing_twice(store):
    import_behaviour(store, AUTUMN)
    again = import_behaviour(store, AUTUMN)

    assert (again.added, again.already_held) == (0, 4)
    assert held(store) == 4


def test_a_later_export_adds_only_what_is_new(store):
    import_behaviour(store, AUTUMN)
    later = AUTUMN + f"{upn(2)},20/11/2026,Positive,Effort,1\r\n".encode()
    later += f"{upn(1)},14/09/2026,Positive,Reading,1\r\n".encode()  # a third

    assert import_behaviour(store, later).added == 2
    assert held(store) == 6


def test_the_mis_incident_id_is_the_key_when_there_is_one(store):
    header = "Incident ID,UPN,Date,Type,Category,Points"
    first = incidents(f"A1,{upn(1)},14/09/2026,Positive,Reading,1", header=header)
    corrected = incidents(f"A1,{upn(1)},14/09/2026,Positive,Reading,2",
                          f"A2,{upn(1)},14/09/2026,Positive,Reading,2",
                          header=header)  # fmt: skip

    import_behaviour(store, first)

    assert import_behaviour(store, corrected).added == 1


def test_counts_and_points_per_pupil_per_half_term(store):
    import_behaviour(store, AUTUMN)

    figures = behaviour_by_half_term(store, Scope.everything(), 1, YEAR)

    assert figures.drop(columns="pupil_id").values.tolist() == [
        ["autumn-1", 2, 0, 2, 0],
        ["autumn-2", 0, 1, 0, -2],
        ["autumn-1", 0, 1, 0, -1],
    ]


def test_the_preview_says_what_is_new_per_pupil(store):
    import_behaviour(store, AUTUMN)
    plan = plan_behaviour(
        store, None, AUTUMN + f"{upn(2)},20/11/2026,Positive,,\r\n".encode()
    )

    assert plan.new == 1
    assert plan.preview[["positive", "negative", "already_held"]].values.tolist() == [
        [2, 1, 3], [1, 1, 1],
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "kind"),
    [("Positive", "positive"), ("Achievement", "positive"), ("+", "positive"),
     ("NEGATIVE", "negative"), ("Behaviour", "negative"), ("-", "negative"),
     ("Sanction", "negative"), ("Merit", "positive")],
)  # fmt: skip
def test_kind_spellings(text, kind):
    assert read_kind(text) == kind


def test_an_unknown_kind_is_a_bad_value():
    with pytest.raises(BadValue):
        read_kind("Neutral")


def test_every_bad_row_is_listed_and_nothing_is_written(store):
    text = incidents(
        f"{upn(1)},14/09/2026,Positive,Reading,1",
        f"{upn(1)},31/09/2026,Positive,Reading,1",
        f"{upn(1)},14/09/2026,Neutral,Reading,1",
        f'{upn(1)},14/09/2026,Positive,=HYPERLINK("x"),1',
        f"{upn(1)},14/09/2026,Positive,Reading,lots",
        f"{make_upn(886, 2417, 18, 77)},14/09/2026,Positive,Reading,1",
    )

    with pytest.raises(ImportRejected) as rejection:
        import_behaviour(store, text)

    problems = rejection.value.problems
    assert [p.split(":")[0] for p in problems] == [f"Line {n}" for n in range(3, 8)]
    assert "starts like a spreadsheet formula" in problems[2]
    assert "no pupil in LiveTrack has the UPN" in problems[4]
    assert held(store) == 0


@needs_samples
def test_the_sample_school_behaviour(tmp_path):
    store = Store(tmp_path / "sample")
    import_pupils(store, SAMPLES / "pupils_arbor.csv", today=date(2026, 10, 1))

    first = import_behaviour(store, SAMPLES / "behaviour_autumn1.csv")
    second = import_behaviour(store, SAMPLES / "behaviour_autumn1.csv")

    assert (first.added, second.added) == (117, 0)
    figures = behaviour_by_half_term(store, Scope.everything(), 1, YEAR)
    assert figures[["positive", "negative"]].sum().sum() == 117


def test_a_file_without_points_or_category_columns_has_none(store):
    text = incidents(f"{upn(1)},14/09/2026,Positive", header="UPN,Date,Type")

    import_behaviour(store, text)

    assert store.rows("select kind, category, points from behaviour_incidents") == [
        ("positive", None, 0)
    ]
