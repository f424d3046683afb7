"""The Common Transfer File: versions, SEN, FSM, EAL, attendance, and hostile XML."""

from datetime import date

import pytest

from livetrack.errors import ImportRejected
from livetrack.importers import import_pupils
from livetrack.importers.ctf import import_ctf, plan_ctf, read_ctf
from livetrack.store import Store
from livetrack.store.pupils import load_roster
from livetrack.upn import make_upn
from tests.conftest import SAMPLES, needs_samples

TODAY = date(2026, 10, 1)
HEADER = "UPN,Forename,Surname,DOB,Gender,Year,Class"


def upn(serial: int) -> str:
    return make_upn(886, 2417, 18, serial)


def pupil_xml(serial, sex_tag="Sex", year="3", language="ENG", sen="N",
              need=None, fsm=None, attendance=None, extra="") -> str:  # fmt: skip
    need_xml = (
        f"<SENneeds><SENneed><SENtypeRank>1</SENtypeRank><SENtype>{need}</SENtype>"
        "</SENneed></SENneeds>"
        if need
        else ""
    )
    fsm_xml = "" if fsm is None else f"<FSMhistory>{fsm}</FSMhistory>"
    years = "".join(
        f"<YearData><Year>{y}</Year><SessionsPossible>{p}</SessionsPossible>"
        f"<SessionsAttended>{a}</SessionsAttended>"
        f"<SessionsAuthorised>{max(p - a, 0)}</SessionsAuthorised>"
        "<SessionsUnauthorised>0</SessionsUnauthorised></YearData>"
        for y, p, a in attendance or []
    )
    return f"""
    <Pupil>
      <UPN>{upn(serial)}</UPN><Surname>Smith</Surname><Forename>Amy{serial}</Forename>
      <DOB>2017-09-01</DOB><{sex_tag}>F</{sex_tag}>
      <BasicDetails><NCyearActual>{year}</NCyearActual>
        <Languages><Type><LanguageType>F</LanguageType><Language>{language}</Language>
        </Type></Languages></BasicDetails>
      {fsm_xml}
      <SENhistory><SEN><StartDate>2025-09-01</StartDate>
        <SENprovision>{sen}</SENprovision>{need_xml}</SEN></SENhistory>
      <Attendance>{years}</Attendance>
      {extra}
    </Pupil>"""


def ctf_xml(*pupils: str, version="25.0", created="2026-09-10T09:00:00") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header><CTFversion>{version}</CTFversion><DateTime>{created}</DateTime>
    <SourceSchool><LEA>886</LEA><Estab>2417</Estab><SchoolName>Old School</SchoolName>
    </SourceSchool><DestSchool><LEA>886</LEA><Estab>2417</Estab></DestSchool>
  </Header>
  <CTFpupilData>{"".join(pupils)}
  </CTFpupilData>
</CTfile>""".encode()


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "data")
    roster = "\r\n".join(
        [HEADER] + [f"{upn(n)},Amy{n},Smith,01/09/2017,F,3,3K" for n in (1, 2, 3)]
    )
    path = tmp_path / "pupils.csv"
    path.write_text(roster + "\r\n")
    import_pupils(store, path, today=TODAY)
    yield store
    store.close()


def pupil(store, serial: int):
    return load_roster(store, 1).set_index("upn").loc[upn(serial)]


def rejected(source, today=TODAY) -> list[str]:
    with pytest.raises(ImportRejected) as rejection:
        read_ctf(source, today)
    return rejection.value.problems


# What a CTF brings


@needs_samples
def test_the_sample_ctf_reads_twenty_pupils():
    ctf = read_ctf(SAMPLES / "ctf_25.xml", TODAY)

    assert (ctf.version, ctf.source_school) == ("25.0", "Harbourside Primary School")
    assert len(ctf.pupils) == 20
    first = ctf.pupils[0]
    assert (first["upn"], first["legal_first_name"], first["year_group"]) == (
        "Z886241726001", "Zoë", 0,
    )  # fmt: skip
    assert first["attendance"] == [{"year": 2025, "sessions_possible": 380,
                                    "sessions_attended": 364,
                                    "sessions_authorised": 16,
                                    "sessions_unauthorised": 0}]  # fmt: skip
    assert sum(p["eal"] for p in ctf.pupils) == 5  # Polish as first language


def test_sen_need_eal_and_fsm_come_from_the_ctf(store):
    open_fsm = "<FSMinstance><FSMstartDate>2026-01-05</FSMstartDate></FSMinstance>"
    xml = ctf_xml(
        pupil_xml(1, sen="K", need="SLCN", language="POL", fsm=open_fsm),
        pupil_xml(2, sen="E", need="ASD"),
    )

    import_ctf(store, xml, today=TODAY)

    amy = pupil(store, 1)
    assert (amy["send"], amy["primary_need"], amy["eal"]) == ("K", "SLCN", True)
    assert (amy["fsm"], amy["pupil_premium"]) == (True, True)
    assert (pupil(store, 2)["send"], pupil(store, 2)["primary_need"]) == ("E", "ASD")


def test_fsm_that_ended_is_not_fsm_now_but_is_still_ever_6(store):
    ended = (
        "<FSMinstance><FSMstartDate>2023-09-01</FSMstartDate>"
        "<FSMendDate>2025-07-20</FSMendDate></FSMinstance>"
    )
    import_ctf(store, ctf_xml(pupil_xml(1, fsm=ended)), today=TODAY)

    assert (pupil(store, 1)["fsm"], pupil(store, 1)["pupil_premium"]) == (False, True)


def test_the_previous_version_says_gender_and_unknown_elements_are_ignored(store):
    extra = "<Contacts><Contact><Surname>Parent</Surname></Contact></Contacts>"
    xml = ctf_xml(
        pupil_xml(1, sex_tag="Gender", extra=extra + "<NewThing>x</NewThing>"),
        version="24.0",
    )

    [read] = read_ctf(xml, TODAY).pupils

    assert (read["sex"], read["legal_last_name"]) == ("F", "Smith")


def test_attendance_years_become_rows_and_a_second_import_replaces_them(store):
    xml = ctf_xml(pupil_xml(1, attendance=[(2025, 380, 342), (2026, 20, 19)]))

    import_ctf(store, xml, today=TODAY)
    import_ctf(store, xml, today=TODAY)

    rows = store.rows(
        "select starts_on, ends_on, sessions_possible from attendance order by 1"
    )
    assert rows == [
        (date(2025, 9, 1), date(2026, 8, 31), 380),
        (date(2026, 9, 1), date(2026, 9, 10), 20),  # up to the CTF's own date
    ]


def test_a_ctf_keeps_class_and_year_group_and_marks_no_one_as_left(store):
    plan = plan_ctf(store, None, read_ctf(ctf_xml(pupil_xml(1, year="4")), TODAY))

    assert plan.roster.leavers.empty
    assert plan.roster.changes.empty
    assert plan.year_group_differs["upn"].tolist() == [upn(1)]


def test_new_pupils_are_left_out_without_a_class_and_added_to_one(store):
    xml = ctf_xml(pupil_xml(9, attendance=[(2025, 380, 370)]))

    left_out = import_ctf(store, xml, today=TODAY)
    assert (left_out.not_added, left_out.attendance_rows) == (1, 0)
    assert store.value("select count(*) from pupils") == 3

    added = import_ctf(store, xml, new_pupils_class="3K", today=TODAY)
    assert (added.not_added, added.pupils_summary.added) == (0, 1)
    assert pupil(store, 9)["class_name"] == "3K"
    assert store.value("select count(*) from attendance") == 1


def test_a_new_pupil_must_fit_the_chosen_class(store):
    xml = ctf_xml(pupil_xml(9, year="5"))

    with pytest.raises(ImportRejected) as rejection:
        import_ctf(store, xml, new_pupils_class="3K", today=TODAY)

    assert "is in Year 5 but class 3K is Year 3" in rejection.value.problems[0]


def test_each_import_is_recorded_against_the_office(store):
    import_ctf(store, ctf_xml(pupil_xml(1, sen="K")), today=TODAY)

    staff, details = store.rows(
        "select s.role, a.details from audit_log a join staff s on s.id = a.staff_id"
        " order by a.id desc limit 1"
    )[0]
    assert staff == "admin"
    assert '"kind": "ctf"' in details and '"updated": 1' in details


def test_a_ctf_before_any_pupils_says_to_import_the_pupil_list_first(tmp_path):
    empty = Store(tmp_path / "empty")
    with pytest.raises(ImportRejected) as rejection:
        import_ctf(empty, ctf_xml(pupil_xml(1)), today=TODAY)
    assert "import the pupil list first" in rejection.value.problems[0]


# Files that are wrong


def test_a_truncated_ctf_says_it_was_cut_short():
    whole = ctf_xml(pupil_xml(1), pupil_xml(2))

    [problem] = rejected(whole[: len(whole) // 2])

    assert "ends too soon" in problem and "cut short" in problem


def test_malformed_xml_names_its_line():
    [problem] = rejected(b"<CTfile>\n<Header>\n</CTfile>")
    assert problem.startswith("Line 3: the file is not well-formed XML")


def test_a_file_that_is_not_xml_or_not_a_ctf_is_refused_in_plain_words():
    assert "is XML, and this file is not" in rejected(b"UPN,Surname\r\n")[0]
    assert "not <CTfile>" in rejected(b"<Workbook/>")[0]


def test_every_bad_pupil_is_listed_with_its_line():
    xml = ctf_xml(
        pupil_xml(1, year="9"),
        pupil_xml(2, sen="Q"),
        pupil_xml(3, attendance=[(2025, 10, 20)]),
        pupil_xml(1),
    )

    problems = rejected(xml)

    assert len(problems) == 4
    assert "is outside Reception to Year 6" in problems[0]
    assert 'SEN provision "Q"' in problems[1]
    assert "more sessions attended than possible" in problems[2]
    assert "is also at line" in problems[3]
    assert all(problem.startswith("Line ") for problem in problems)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CTfile><Header/><CTFpupilData><Pupil><Surname>&lol3;</Surname></Pupil>
</CTFpupilData></CTfile>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE CTfile [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<CTfile><CTFpupilData><Pupil><Surname>&secret;</Surname></Pupil></CTFpupilData>
</CTfile>"""


@pytest.mark.parametrize("attack", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entities_are_never_expanded(attack):
    [problem] = rejected(attack)
    assert "DOCTYPE" in problem and "for safety it was not read" in problem


def test_an_undeclared_entity_is_malformed_not_looked_up():
    [problem] = rejected(b"<CTfile><CTFpupilData>&nowhere;</CTFpupilData></CTfile>")
    assert "undefined entity" in problem


@pytest.mark.parametrize(
    ("version", "read"),
    [("18.0", True), ("26.1", True), ("12.0", False), ("abc", False)],
)
def test_versions_from_18_on_are_read(version, read):
    xml = ctf_xml(pupil_xml(1), version=version)
    if read:
        assert len(read_ctf(xml, TODAY).pupils) == 1
    else:
        assert "is not one LiveTrack reads" in rejected(xml)[0]
