"""The pupil roster import: aliases, encodings, values, whole-file checks, re-import."""

import json
import logging
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livetrack.errors import ImportRejected
from livetrack.importers import import_pupils, plan_roster, read_roster
from livetrack.importers.fields import (
    FIELDS,
    BadValue,
    match_headers,
    read_date,
    read_first_language,
    read_flag,
    read_primary_need,
    read_send,
    read_sex,
    read_year_group,
)
from livetrack.importers.table import MissingColumns
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.imports import load_column_mapping
from livetrack.store.pupils import load_roster
from livetrack.store.schools import (
    add_staff,
    add_subject,
    create_school,
    ensure_office_account,
    load_classes,
    load_half_terms,
    load_schools,
)
from livetrack.store.statuses import StatusChange, append_status_changes
from livetrack.upn import make_upn

# CI clones the repository somewhere else, with shared/ beside it.
SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
TODAY = date(2025, 10, 1)
HEADER = (
    "UPN,Legal First Name,Legal Last Name,Preferred First Name,Date of Birth,"
    "Gender,Year Group,Registration Form,SEN Status,Pupil Premium,FSM,EAL"
)


def upn(serial: int) -> str:
    return make_upn(886, 2417, 18, serial)


def pupil(serial, first="Amy", last="Smith", born="01/09/2017", year="Year 3",
          form="3K", sen="N", pp="No", fsm="No", eal="No", sex="F") -> str:  # fmt: skip
    return ",".join(
        [upn(serial), first, last, "", born, sex, year, form, sen, pp, fsm, eal]
    )


def roster_file(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


THREE_PUPILS = roster_file(
    pupil(1, "Amy", "Smith"),
    pupil(2, "Ben", "Jones", sex="M"),
    pupil(3, "Cara", "Patel", year="Year 4", form="4H", born="12/01/2016"),
)


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "data")
    yield store
    store.close()


@pytest.fixture
def write(tmp_path):
    def write(text: str, name: str = "pupils.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


def pupils_by_upn(store: Store) -> pd.DataFrame:
    return load_roster(store, 1).set_index("upn")


def problems_of(rejection: pytest.ExceptionInfo) -> list[str]:
    return rejection.value.problems


# The sample school


@pytest.mark.skipif(
    not SAMPLES.exists(), reason="shared/samples is not beside the repo"
)
def test_the_sample_school_gives_70_pupils_in_14_classes(store):
    summary = import_pupils(store, SAMPLES / "pupils_arbor.csv", today=TODAY)

    assert (summary.added, summary.classes_created) == (70, 14)
    assert store.value("select count(*) from pupils where left_on is null") == 70
    classes = load_classes(store, Scope.everything(), 1)
    assert len(classes) == 14
    assert classes.set_index("name").loc["RH", "year_group"] == 0


@pytest.mark.skipif(
    not SAMPLES.exists(), reason="shared/samples is not beside the repo"
)
def test_the_sample_school_reads_accents_and_sen_words(store):
    import_pupils(store, SAMPLES / "pupils_arbor.csv", today=TODAY)

    pupils = load_roster(store, 1)
    assert "Zoë" in set(pupils["legal_first_name"])
    assert pupils["send"].value_counts().to_dict() == {"N": 57, "K": 11, "E": 2}


# Headers


@pytest.mark.parametrize(
    ("column", "alias"),
    [(field.column, alias) for field in FIELDS for alias in field.aliases],
)
def test_every_alias_is_found_however_it_is_written(column, alias):
    messy = f"  {alias.upper().replace(' ', '_')}: "

    found = match_headers(["Notes", messy])

    assert found[column][1] == 1


def test_a_sims_style_file_fills_every_detail(store, write):
    header = (
        "Unique Pupil Number,Forename,Surname,Known As,DOB,Sex,NC Year,Reg Group,"
        "SEN Provision,SEN Primary Need,PP Indicator,FSM Eligible,First Language,"
        "CLA,Date of Admission"
    )
    row = f"{upn(1)},Rob,Brown,Bobby,2017-09-01,Male,3,3K,K,ASD,Y,T,Polish,1,2021-9-3"

    import_pupils(store, write(roster_file(row, header=header)), today=TODAY)

    saved = pupils_by_upn(store).loc[upn(1)]
    assert saved["preferred_first_name"] == "Bobby"
    assert saved["date_of_birth"].date() == date(2017, 9, 1)
    assert (saved["sex"], saved["year_group"], saved["class_name"]) == ("M", 3, "3K")
    assert (saved["send"], saved["primary_need"]) == ("K", "ASD")
    assert saved[["pupil_premium", "fsm", "eal", "looked_after"]].all()
    assert saved["joined_on"].date() == date(2021, 9, 3)


def test_a_missing_required_column_is_one_problem_naming_it(write):
    text = "UPN,Forename,Surname,Year,Class\r\n" + f"{upn(1)},Amy,Smith,3,3K\r\n"

    with pytest.raises(ImportRejected) as rejection:
        read_roster(write(text), TODAY)

    [problem] = problems_of(rejection)
    assert problem.startswith("Line 1: the file has no column for the date of birth.")
    assert '"Date of Birth" or "DOB"' in problem
    assert '"UPN", "Forename", "Surname", "Year", "Class"' in problem


def test_headers_may_sit_below_a_report_title(write):
    text = "Pupil list exported 01/10/2025\r\n\r\n" + THREE_PUPILS

    roster = read_roster(write(text), TODAY)

    assert [p["line"] for p in roster.pupils] == [4, 5, 6]


# Encodings and layout


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_each_encoding_keeps_accented_names(store, write, encoding):
    text = roster_file(pupil(1, "Zoë", "Brontë"))

    import_pupils(store, write(text, encoding=encoding), today=TODAY)

    assert pupils_by_upn(store).loc[upn(1), "legal_first_name"] == "Zoë"


def test_blank_trailing_lines_and_quoted_commas_are_fine(write):
    text = roster_file(pupil(1, '"Smith, Amy"', "Smith")) + "\r\n\r\n,,,\r\n"

    [only] = read_roster(write(text), TODAY).pupils

    assert only["legal_first_name"] == "Smith, Amy"


def test_an_excel_workbook_imports_like_a_csv(store, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append([upn(1), "Amy", "Smith", None, date(2017, 9, 1), "F", 3, "3K"])
    workbook.save(tmp_path / "pupils.xlsx")

    import_pupils(store, tmp_path / "pupils.xlsx", today=TODAY)

    saved = pupils_by_upn(store).loc[upn(1)]
    assert saved["date_of_birth"].date() == date(2017, 9, 1)
    assert (saved["year_group"], saved["send"], saved["fsm"]) == (3, "N", False)


def test_an_old_excel_file_is_refused_in_plain_words(write, tmp_path):
    path = tmp_path / "pupils.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))

    with pytest.raises(ImportRejected) as rejection:
        read_roster(path, TODAY)

    assert "save it from Excel as .xlsx" in problems_of(rejection)[0]


def test_a_missing_file_is_refused_in_plain_words(tmp_path):
    with pytest.raises(ImportRejected) as rejection:
        read_roster(tmp_path / "nowhere.csv", TODAY)

    assert problems_of(rejection) == [
        '"nowhere.csv" could not be opened: No such file or directory.'
    ]


# Values


@pytest.mark.parametrize(
    "text", ["04/11/2021", "4/11/2021", "2021-11-04", "2021-11-04 00:00:00"]
)
def test_uk_and_iso_dates_read_the_same(text):
    assert read_date(text) == date(2021, 11, 4)


@pytest.mark.parametrize("text", ["31/02/2020", "11/04/21", "next week"])
def test_unreadable_dates_are_bad_values(text):
    with pytest.raises(BadValue):
        read_date(text)


@pytest.mark.parametrize(
    ("text", "year_group"),
    [("Reception", 0), ("R", 0), ("Rec", 0), ("Year R", 0), ("YR", 0), ("0", 0),
     ("Year 3", 3), ("Y3", 3), ("3", 3), ("Yr 3", 3), ("NC Year 6", 6),
     ("year 1", 1), ("Year 03", 3)],
)  # fmt: skip
def test_year_group_spellings(text, year_group):
    assert read_year_group(text) == year_group


@pytest.mark.parametrize(
    ("text", "reason"),
    [("Nursery", "is Nursery"), ("N1", "is Nursery"), ("Year 7", "outside Reception"),
     ("Year 10", "outside Reception"), ("Blue", "not a year group we know")],
)  # fmt: skip
def test_year_groups_outside_reception_to_6_are_refused_with_a_reason(text, reason):
    with pytest.raises(BadValue, match=reason):
        read_year_group(text)


@pytest.mark.parametrize(
    ("text", "provision"),
    [("No Special Educational Need", "N"), ("SEN Support", "K"), ("EHC Plan", "E"),
     ("Statement", "E"), ("N", "N"), ("K", "K"), ("E", "E"), ("S", "E"),
     ("A", "K"), ("P", "K"), ("School Action Plus", "K"), ("ehcp", "E")],
)  # fmt: skip
def test_sen_words_and_codes(text, provision):
    assert read_send(text) == provision


@pytest.mark.parametrize(
    ("text", "need"),
    [("SEMH", "SEMH"), ("asd", "ASD"), ("Autistic Spectrum Disorder", "ASD"),
     ("Speech, Language and Communication Needs", "SLCN"), ("Dyslexia", "SPLD"),
     ("SEN support but no specialist assessment of type of need", "NSA")],
)  # fmt: skip
def test_primary_needs_as_codes_or_words(text, need):
    assert read_primary_need(text) == need


@pytest.mark.parametrize(
    ("text", "flag"),
    [("Yes", True), ("Y", True), ("T", True), ("True", True), ("1", True),
     ("No", False), ("N", False), ("F", False), ("FALSE", False), ("0", False)],
)  # fmt: skip
def test_flags(text, flag):
    assert read_flag(text) is flag


def test_a_blank_flag_means_no(write):
    text = roster_file(pupil(1, pp="", fsm="", eal=""))

    [only] = read_roster(write(text), TODAY).pupils

    assert (only["pupil_premium"], only["fsm"], only["eal"]) == (False, False, False)


@pytest.mark.parametrize(
    ("text", "sex"),
    [("M", "M"), ("Male", "M"), ("Boy", "M"), ("F", "F"), ("female", "F"),
     ("Girl", "F"), ("Not known", None)],
)  # fmt: skip
def test_sex_words(text, sex):
    assert read_sex(text) == sex


@pytest.mark.parametrize(
    ("text", "eal"),
    [("English", False), ("ENG", False), ("Not obtained", False), ("REF", False),
     ("Polish", True), ("Urdu", True), ("OTB", True)],
)  # fmt: skip
def test_eal_from_first_language(text, eal):
    assert read_first_language(text) is eal


def test_a_blank_first_language_means_not_eal(write):
    header = "UPN,Forename,Surname,DOB,Year,Form,First Language"

    [only] = read_roster(
        write(roster_file(f"{upn(1)},Amy,Smith,01/09/2017,3,3K,", header=header)), TODAY
    ).pupils

    assert only["eal"] is False


def test_upns_are_uppercased_and_stripped(write):
    text = roster_file(pupil(1)).replace(upn(1), f" {upn(1).lower()} ")

    [only] = read_roster(write(text), TODAY).pupils

    assert only["upn"] == upn(1)


def test_a_temporary_upn_is_accepted(write):
    text = roster_file(pupil(1)).replace(upn(1), "H93820001900A")

    [only] = read_roster(write(text), TODAY).pupils

    assert only["upn"] == "H93820001900A"


# Whole-file checks


def test_one_bad_row_changes_nothing_and_every_bad_row_is_reported(store, write):
    import_pupils(store, write(THREE_PUPILS), today=TODAY)
    before = load_roster(store, 1)
    text = roster_file(
        pupil(1, "Amelia", "Smith"),
        "A801200005001,Ben,Jones,,01/09/2017,M,Year 3,3K,N,No,No,No",
        pupil(3, "Cara", "Patel", year="Year 4", form="4H", born="31/02/2016"),
        pupil(4, "Dev", "Shah", year="Year 9", form="4H"),
        pupil(5, "Ella", "", sen="Maybe"),
    )

    with pytest.raises(ImportRejected) as rejection:
        import_pupils(store, write(text), today=TODAY)

    assert problems_of(rejection) == [
        'Line 3: the UPN "A801200005001" fails its check letter; please check it '
        "against the MIS.",
        'Line 4: the date of birth "31/02/2016" is not a date we can read; please '
        "write it as dd/mm/yyyy.",
        'Line 5: the year group "Year 9" is outside Reception to Year 6; LiveTrack '
        "tracks primary year groups only, so please leave this pupil out of the file.",
        "Line 6: the last name is blank; please fill it in in the MIS and export "
        "the file again.",
        'Line 6: the SEN status "Maybe" is not a SEN status we know; use No Special '
        "Educational Need, SEN Support or EHC Plan (or N, K or E).",
    ]
    assert "5 problems to put right" in str(rejection.value)
    pd.testing.assert_frame_equal(load_roster(store, 1), before)


def test_repeated_upns_two_year_groups_in_a_class_and_future_births(write):
    text = roster_file(
        pupil(1),
        pupil(2),
        pupil(3, year="Year 4"),
        pupil(1, "Amy", "Smyth"),
        pupil(5, born="01/01/2030"),
    )

    with pytest.raises(ImportRejected) as rejection:
        read_roster(write(text), TODAY)

    assert problems_of(rejection) == [
        'Line 4: class "3K" is Year 3 on line 2 but Year 4 here; a class holds one '
        "year group, so please check the year group or the class.",
        f'Line 5: the UPN "{upn(1)}" is also on line 2; each pupil should appear '
        "once, so please remove one of the rows.",
        "Line 6: the date of birth 01/01/2030 is in the future; please check it "
        "against the MIS.",
    ]


def test_a_file_with_headers_but_no_pupils_is_refused(write):
    with pytest.raises(ImportRejected) as rejection:
        read_roster(write(roster_file()), TODAY)

    assert problems_of(rejection) == ["Line 1: the file has headers but no pupils."]


def test_a_row_with_too_many_values_is_reported(write):
    text = roster_file(pupil(1) + ",stray")

    with pytest.raises(ImportRejected) as rejection:
        read_roster(write(text), TODAY)

    assert problems_of(rejection)[0].startswith("Line 2: this row has more values")


# Importing again


def test_a_second_import_updates_changes_and_marks_leavers(store, write):
    import_pupils(store, write(THREE_PUPILS), today=TODAY)
    later = date(2025, 11, 3)
    text = roster_file(
        pupil(1, "Amy", "Smith", fsm="Yes", sen="SEN Support"),
        pupil(2, "Ben", "Jones", sex="M"),
        pupil(4, "Dev", "Shah", sex="M"),
    )

    summary = import_pupils(store, write(text), today=later)

    pupils = pupils_by_upn(store)
    assert (summary.added, summary.updated, summary.left, summary.unchanged) == (
        1,
        1,
        1,
        1,
    )
    assert (pupils.loc[upn(1), "fsm"], pupils.loc[upn(1), "send"]) == (True, "K")
    assert pupils.loc[upn(3), "left_on"].date() == later
    assert pupils.loc[upn(4), "joined_on"].date() == later
    assert pd.isna(pupils.loc[upn(1), "joined_on"])


def test_the_plan_says_what_will_change_in_words(store, write):
    import_pupils(store, write(THREE_PUPILS), today=TODAY)
    text = roster_file(
        pupil(1, "Amy", "Smith", fsm="Yes", year="Year 4", form="4H"),
        pupil(2, "Ben", "Jones", sex="M"),
        pupil(5, "Eve", "Khan", form="3P"),
    )

    plan = plan_roster(store, 1, read_roster(write(text), TODAY))

    assert plan.changes[["pupil", "detail", "was", "becomes"]].values.tolist() == [
        ["Amy Smith", "year group", "Year 3", "Year 4"],
        ["Amy Smith", "class", "3K", "4H"],
        ["Amy Smith", "FSM", "No", "Yes"],
    ]
    assert plan.leavers[["pupil", "class_name"]].values.tolist() == [
        ["Cara Patel", "4H"]
    ]
    assert plan.new_pupils["upn"].tolist() == [upn(5)]
    assert plan.new_classes == ["3P"]


def test_a_pupil_who_left_and_reappears_is_back_on_roll(store, write):
    import_pupils(store, write(THREE_PUPILS), today=TODAY)
    two_pupils = roster_file(pupil(1), pupil(2, "Ben", "Jones", sex="M"))
    import_pupils(store, write(two_pupils), today=TODAY)

    summary = import_pupils(store, write(THREE_PUPILS), today=date(2026, 1, 5))

    assert summary.updated == 1
    assert pd.isna(pupils_by_upn(store).loc[upn(3), "left_on"])


def test_reimporting_the_same_file_changes_nothing(store, write):
    path = write(THREE_PUPILS)
    import_pupils(store, path, today=TODAY)
    before = load_roster(store, 1)

    summary = import_pupils(store, path, today=date(2025, 12, 1))

    assert (summary.added, summary.updated, summary.left, summary.unchanged) == (
        0,
        0,
        0,
        3,
    )
    pd.testing.assert_frame_equal(load_roster(store, 1), before)


def test_details_the_file_has_no_column_for_are_kept(store, write):
    header = HEADER + ",Primary Need,Looked After"
    with_need = roster_file(pupil(1, sen="K") + ",SEMH,Yes", header=header)
    import_pupils(store, write(with_need), today=TODAY)

    summary = import_pupils(store, write(roster_file(pupil(1, sen="K"))), today=TODAY)

    saved = pupils_by_upn(store).loc[upn(1)]
    assert (saved["primary_need"], saved["looked_after"], summary.updated) == (
        "SEMH",
        True,
        0,
    )


def test_pupils_with_statuses_can_change_details_and_leave(store, write):
    import_pupils(store, write(THREE_PUPILS), today=TODAY)
    record_a_status(store, pupil_ids=[1, 2, 3])
    text = roster_file(
        pupil(1, "Amy", "Smith", fsm="Yes"), pupil(2, "Ben", "Jones", sex="M")
    )

    summary = import_pupils(store, write(text), today=TODAY)

    assert (summary.updated, summary.left) == (1, 1)
    assert bool(pupils_by_upn(store).loc[upn(1), "fsm"])


def test_a_pupil_with_statuses_can_move_class(store, write):
    import_pupils(store, write(THREE_PUPILS), today=TODAY)
    record_a_status(store, pupil_ids=[1])
    text = THREE_PUPILS.replace("Year 3,3K", "Year 4,4H", 1)

    import_pupils(store, write(text), today=TODAY)

    assert pupils_by_upn(store).loc[upn(1), "class_name"] == "4H"


def record_a_status(store: Store, pupil_ids: list[int]) -> None:
    with store.transaction() as cursor:
        subject_id = add_subject(cursor, 1, "Maths", 1, [3, 4])
        staff_id = ensure_office_account(cursor, 1)
    changes = [
        StatusChange(i, subject_id, "Below", "Quiz", None, None) for i in pupil_ids
    ]
    append_status_changes(store, changes, "2025-26", staff_id)


# The convenience function


def test_a_first_import_makes_the_school_and_its_calendar(store, write):
    import_pupils(store, write(THREE_PUPILS), school_name="Oak Primary", today=TODAY)

    [school] = load_schools(store, Scope.everything()).to_dict("records")
    assert (school["name"], school["la_code"], school["establishment_number"]) == (
        "Oak Primary",
        886,
        2417,
    )
    assert len(load_half_terms(store, school["id"], "2025-26")) == 6


def test_a_dry_run_writes_nothing(store, write):
    summary = import_pupils(store, write(THREE_PUPILS), today=TODAY, dry_run=True)

    assert (summary.added, summary.classes_created, summary.written) == (3, 2, False)
    assert store.value("select count(*) from schools") == 0


def test_several_schools_need_to_be_told_apart(store, write):
    with store.transaction() as cursor:
        create_school(cursor, "Oak Primary", 886, 2417)
        create_school(cursor, "Ash Primary", 886, 2418)

    with pytest.raises(ImportRejected, match="choose the school"):
        import_pupils(store, write(THREE_PUPILS), today=TODAY)
    summary = import_pupils(store, write(THREE_PUPILS), school_id=2, today=TODAY)

    assert summary.school_id == 2
    assert store.value("select count(*) from pupils where school_id = 2") == 3


def test_progress_is_reported_from_reading_to_saving(store, write):
    seen = []

    import_pupils(
        store, write(THREE_PUPILS), today=TODAY, progress=lambda f, m: seen.append(f)
    )

    assert seen == sorted(seen) and seen[0] == 0.0 and seen[-1] == 1.0


def test_the_log_has_counts_but_no_names_or_upns(store, write, caplog):
    with caplog.at_level(logging.INFO, logger="livetrack.importers"):
        import_pupils(store, write(THREE_PUPILS), today=TODAY)

    [line] = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("livetrack.importers")
    ]
    assert "3 added, 0 updated, 0 left, 0 unchanged, 2 classes created" in line
    assert not any(word in line for word in ["Amy", "Smith", upn(1)])


# Garbage in


@pytest.fixture
def filled_store(store, write):
    import_pupils(store, write(THREE_PUPILS), today=TODAY)
    return store


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.text(max_size=300).map(
            lambda text: (HEADER + "\n" + text).encode("cp1252", "replace")
        ),
    )
)
def test_garbage_is_rejected_and_changes_nothing(filled_store, tmp_path, garbage):
    before = load_roster(filled_store, 1)
    path = tmp_path / "garbage.csv"
    path.write_bytes(garbage)

    try:
        import_pupils(filled_store, path, today=TODAY)
    except ImportRejected as rejection:
        assert rejection.problems

    pd.testing.assert_frame_equal(load_roster(filled_store, 1), before)


# More of what real exports hold


@pytest.mark.parametrize(
    "header",
    [
        # Arbor
        "UPN,Legal First Name,Legal Last Name,Preferred First Name,Date of Birth,"
        "Gender,Year Group,Registration Form,SEN Status,Pupil Premium,FSM,EAL",
        # SIMS
        "UPN,Legal Forename,Legal Surname,Preferred Forename,DOB,Gender,"
        "NC Year Actual,Reg Group,SEN Provision,PP Indicator,FSM Eligible,"
        "Home Language",
        # Bromcom
        "Unique Pupil Number,Forenames,Surname,Known As,Birth Date,Sex,Curriculum Year,"
        "Form Group,SEND Status,PP Eligible,Free School Meals,EAL Status",
        # ScholarPack
        "Pupil UPN,Pupil Forename,Pupil Surname,Chosen Name,Pupil Date of Birth,"
        "Legal Sex,Year Taught In,Class Name,SEN Stage,Pupil Premium Eligible,"
        "FSM Eligibility,First Language",
        # Hand-made
        "upn,first name,last name,nickname?,d.o.b.,boy/girl?,yr,class,send,"
        "disadvantaged,fsm?,eal?",
    ],
)
def test_each_mis_header_row_finds_the_required_details(header):
    found = match_headers(header.split(","))

    required = {f.column for f in FIELDS if f.required}
    assert required <= set(found)
    assert {"send"} <= set(found)


@pytest.mark.parametrize(
    ("text", "year_group"),
    [("F2", 0), ("FS2", 0), ("Reception Year", 0), ("3.0", 3), ("Year Group 4", 4),
     ("six", 6), ("National Curriculum Year 2", 2)],
)  # fmt: skip
def test_more_year_group_spellings(text, year_group):
    assert read_year_group(text) == year_group


@pytest.mark.parametrize("text", ["F1", "FS1", "Pre-school"])
def test_the_first_foundation_year_is_nursery(text):
    with pytest.raises(BadValue, match="is Nursery"):
        read_year_group(text)


@pytest.mark.parametrize(
    ("text", "provision"),
    [("K - SEN Support", "K"), ("EHC Plan (E)", "E"), ("No SEN (N)", "N"),
     ("N - No Special Educational Need", "N"), ("Education, Health and Care Plan",
     "E"), ("School Action", "K"), ("Statemented", "E"), ("None", "N")],
)  # fmt: skip
def test_sen_codes_beside_their_words(text, provision):
    assert read_send(text) == provision


def test_a_code_beside_words_that_disagree_is_refused():
    with pytest.raises(BadValue):
        read_send("K - EHC Plan")


@pytest.mark.parametrize(
    ("text", "flag"),
    [("yes", True), ("TRUE", True), ("1.0", True), ("Eligible", True), ("✓", True),
     ("x", True), ("Not eligible", False), ("0.0", False), ("false", False)],
)  # fmt: skip
def test_more_flag_spellings(text, flag):
    assert read_flag(text) is flag


@pytest.mark.parametrize(
    "text", ["4 November 2021", "04 Nov 2021", "04-Nov-2021", "2021/11/04", "44504"]
)
def test_more_date_spellings(text):
    assert read_date(text) == date(2021, 11, 4)


@pytest.mark.parametrize("text", ["=1+1", "+44 7700", "-cmd", "@SUM(A1)"])
def test_a_name_that_a_spreadsheet_would_run_is_refused(write, text):
    with pytest.raises(ImportRejected) as rejection:
        read_roster(write(roster_file(pupil(1, first=text))), TODAY)

    assert "starts like a spreadsheet formula" in problems_of(rejection)[0]


# Headers the school names, and who imported what


def test_a_header_the_school_named_is_used_and_remembered(store, write):
    renamed = THREE_PUPILS.replace("UPN,", "Pupil Ref,", 1)
    with pytest.raises(MissingColumns) as missing:
        import_pupils(store, write(renamed), today=TODAY)
    assert [field.column for field in missing.value.missing] == ["upn"]
    assert "Pupil Ref" in missing.value.headers

    import_pupils(store, write(renamed), today=TODAY, mapping={"upn": "Pupil Ref"})
    again = import_pupils(store, write(renamed), today=TODAY)

    assert load_column_mapping(store, 1, "pupils") == {"upn": "Pupil Ref"}
    assert (again.added, again.unchanged) == (0, 3)


def test_every_import_is_recorded_with_its_file_and_counts(store, write):
    import_pupils(store, write(THREE_PUPILS), today=TODAY)
    import_pupils(store, write(roster_file(pupil(1))), today=TODAY, staff_id=None)

    events = store.rows(
        "select staff_id, school_id, details from audit_log where action = 'import'"
        " order by id"
    )
    office = ensure_office_account(store.cursor(), 1)
    assert [(staff, school) for staff, school, _ in events] == [(office, 1)] * 2
    assert json.loads(events[1][2]) == {
        "kind": "pupils", "file": "pupils.csv", "added": 0, "updated": 0, "left": 2,
        "unchanged": 1, "classes_created": 0,
    }  # fmt: skip


def test_an_import_by_a_person_is_recorded_against_them(store, write):
    import_pupils(store, write(THREE_PUPILS), today=TODAY)
    with store.transaction() as cursor:
        admin = add_staff(cursor, 1, "Ms Admin", "a@test.invalid", "admin")

    import_pupils(store, write(roster_file(pupil(1))), today=TODAY, staff_id=admin)

    assert store.value("select max(staff_id) from audit_log") == admin
