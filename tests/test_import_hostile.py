"""Hostile files: each importer ends in a clean import or ImportRejected, no crash.

Random bytes, truncated files, enormous fields, odd encodings, duplicated
headers and formula-like cells; after a rejection, or a failure half-way
through writing, every table holds exactly what it held before.
"""

import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livetrack.errors import ImportRejected
from livetrack.importers import import_pupils
from livetrack.importers.attendance import import_attendance
from livetrack.importers.behaviour import import_behaviour
from livetrack.importers.ctf import import_ctf
from livetrack.store import Store
from livetrack.upn import make_upn

TODAY = date(2026, 12, 3)
SERIALS = range(1, 6)


def upn(serial: int) -> str:
    return make_upn(886, 2417, 18, serial)


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")


PUPILS = [
    ["UPN", "Legal First Name", "Legal Last Name", "Date of Birth", "Gender",
     "Year Group", "Registration Form", "SEN Status", "FSM", "EAL"],
    *[[upn(n), f"Zoë{n}", "Brontë", "01/09/2017", "F", "Year 3", "3K",
       "SEN Support" if n == 2 else "No SEN", "No", "Yes"] for n in SERIALS],
]  # fmt: skip
ATTENDANCE = [
    ["UPN", "From", "To", "Possible Sessions", "Present Sessions",
     "Authorised Absence Sessions", "Unauthorised Absence Sessions"],
    *[[upn(n), "03/09/2026", "23/10/2026", "76", str(70 + n), str(6 - n), "0"]
      for n in SERIALS],
]  # fmt: skip
BEHAVIOUR = [
    ["UPN", "Incident Date", "Type", "Category", "Points"],
    *[[upn(n), "14/09/2026", "Positive" if n % 2 else "Negative", "Reading", "1"]
      for n in SERIALS],
]  # fmt: skip


def ctf_pupil(n: int) -> str:
    return (
        f"<Pupil><UPN>{upn(n)}</UPN><Surname>Brontë</Surname>"
        f"<Forename>Zoë{n}</Forename><DOB>2017-09-01</DOB><Sex>F</Sex>"
        "<BasicDetails><NCyearActual>3</NCyearActual><Languages><Type>"
        "<LanguageType>F</LanguageType><Language>POL</Language></Type></Languages>"
        "</BasicDetails><SENhistory><SEN><StartDate>2025-09-01</StartDate>"
        "<SENprovision>K</SENprovision></SEN></SENhistory><Attendance><YearData>"
        "<Year>2025</Year><SessionsPossible>380</SessionsPossible>"
        "<SessionsAttended>360</SessionsAttended></YearData></Attendance></Pupil>\n"
    )


CTF = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<CTfile><Header><CTFversion>25.0'
    "</CTFversion></Header>\n<CTFpupilData>\n"
    + "".join(ctf_pupil(n) for n in (1, 2, 3, 9))
    + "</CTFpupilData></CTfile>\n"
).encode()

IMPORTERS = {
    "pupils": lambda store, data: import_pupils(store, data, today=TODAY),
    "ctf": lambda store, data: import_ctf(
        store, data, new_pupils_class="3K", today=TODAY
    ),
    "attendance": lambda store, data: import_attendance(store, data),
    "behaviour": lambda store, data: import_behaviour(store, data),
}
TABLES = {"pupils": PUPILS, "attendance": ATTENDANCE, "behaviour": BEHAVIOUR}


# Hostile versions of a good file

FORMULA_STARTS = st.sampled_from(["=", "+", "-", "@"])
ENCODINGS = st.sampled_from(
    ["utf-16", "utf-16-be", "utf-32", "cp1252", "latin-1", "utf-8-sig", "cp437",
     "shift_jis", "mac_roman", "utf-7"]
)  # fmt: skip


@st.composite
def changed_cell(draw, rows: list[list[str]], text) -> bytes:
    """The file with one cell (or a header) replaced by drawn text."""
    rows = [list(row) for row in rows]
    line = draw(st.integers(0, len(rows) - 1))
    column = draw(st.integers(0, len(rows[line]) - 1))
    rows[line][column] = draw(text(rows[line][column]))
    return csv_bytes(rows)


@st.composite
def duplicated_column(draw, rows: list[list[str]]) -> bytes:
    """The file with one column repeated, the copy's cells the same or not."""
    column = draw(st.integers(0, len(rows[0]) - 1))
    where = draw(st.integers(0, len(rows[0])))
    same = draw(st.booleans())
    copied = []
    for index, row in enumerate(rows):
        cell = row[column] if same or index == 0 else draw(st.text(max_size=15))
        copied.append([*row[:where], cell, *row[where:]])
    return csv_bytes(copied)


def hostile_table(rows: list[list[str]]):
    good = csv_bytes(rows)
    text = good.decode("utf-8")
    return st.one_of(
        st.binary(max_size=400),
        st.integers(0, len(good)).map(lambda cut: good[:cut]),
        changed_cell(rows, lambda _: st.integers(1_000, 200_000).map("A".__mul__)),
        changed_cell(rows, lambda cell: FORMULA_STARTS.map(lambda sign: sign + cell)),
        changed_cell(rows, lambda _: st.text(max_size=30)),
        ENCODINGS.map(lambda encoding: text.encode(encoding, "replace")),
        duplicated_column(rows),
    )


@st.composite
def spliced(draw, good: bytes) -> bytes:
    """Good bytes with a few random ones put in at one place."""
    where = draw(st.integers(0, len(good)))
    junk = draw(
        st.sampled_from([b"<", b"&", b"]]>", b"<!DOCTYPE x>", b"\x00"])
        | st.binary(max_size=8)
    )
    return good[:where] + junk + good[where:]


def hostile_ctf():
    text = CTF.decode("utf-8")
    return st.one_of(
        st.binary(max_size=400),
        st.integers(0, len(CTF)).map(lambda cut: CTF[:cut]),
        spliced(CTF),
        st.integers(1_000, 200_000).map(
            lambda size: CTF.replace(b"Bront\xc3\xab", b"B" * size, 1)
        ),
        FORMULA_STARTS.map(
            lambda sign: CTF.replace(b"<Surname>", f"<Surname>{sign}".encode(), 1)
        ),
        ENCODINGS.map(lambda encoding: text.encode(encoding, "replace")),
        st.just(CTF.replace(b"<Sex>F</Sex>", b"<Sex>F</Sex><Sex>M</Sex>", 1)),
    )


# The database before and after


def contents(store: Store) -> dict[str, str]:
    """Every table's rows, as text, in a stable order."""
    tables = [row[0] for row in store.rows(
        "select table_name from information_schema.tables order by 1"
    )]  # fmt: skip
    return {
        table: store.frame(f'select * from "{table}" order by all').to_csv()
        for table in tables
    }


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A school of five pupils with a half-term's attendance and behaviour."""
    store = Store(tmp_path_factory.mktemp("hostile"))
    import_pupils(store, csv_bytes(PUPILS), today=TODAY)
    import_attendance(store, csv_bytes(ATTENDANCE))
    import_behaviour(store, csv_bytes(BEHAVIOUR))
    yield store
    store.close()


def ends_cleanly(store: Store, kind: str, data: bytes) -> None:
    before = contents(store)
    try:
        IMPORTERS[kind](store, data)
    except ImportRejected as rejection:
        assert str(rejection) and rejection.problems
        assert all(
            isinstance(problem, str) and problem for problem in rejection.problems
        )
        assert contents(store) == before
    finally:
        # Put the five pupils back for the next example, whatever this one did.
        import_pupils(store, csv_bytes(PUPILS), today=TODAY)


HOSTILE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("kind", list(TABLES))
@HOSTILE
@given(data=st.data())
def test_a_hostile_table_is_imported_or_rejected_cleanly(store, kind, data):
    ends_cleanly(store, kind, data.draw(hostile_table(TABLES[kind])))


@HOSTILE
@given(data=hostile_ctf())
def test_a_hostile_ctf_is_imported_or_rejected_cleanly(store, data):
    ends_cleanly(store, "ctf", data)


def test_the_good_files_import(store):
    for kind, rows in TABLES.items():
        IMPORTERS[kind](store, csv_bytes(rows))
    assert IMPORTERS["ctf"](store, CTF).pupils == 4


# A failure half-way through writing leaves nothing behind


@pytest.mark.parametrize(
    ("kind", "module"),
    [("pupils", "pupils"), ("ctf", "ctf"), ("attendance", "attendance"),
     ("behaviour", "behaviour")],
)  # fmt: skip
def test_a_failure_while_writing_changes_nothing(store, monkeypatch, kind, module):
    def fail(*arguments, **details):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(f"livetrack.importers.{module}.record_import", fail)
    changed = {
        "pupils": csv_bytes(PUPILS[:3]),  # two leavers, to be marked
        "ctf": CTF.replace(b"<SENprovision>K", b"<SENprovision>E"),
        "attendance": csv_bytes(ATTENDANCE).replace(b",76,", b",77,"),
        "behaviour": csv_bytes(BEHAVIOUR).replace(b"14/09/2026", b"15/09/2026"),
    }[kind]
    before = contents(store)

    with pytest.raises(RuntimeError):
        IMPORTERS[kind](store, changed)

    assert contents(store) == before
