"""The columns of an MIS pupil export: header aliases, and a reader for each value.

A value reader takes the text of one non-blank cell and returns what LiveTrack
stores, or raises BadValue with the end of a sentence a school office can act
on: the caller puts the column's name and the cell's text in front of it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from livetrack.domain import PRIMARY_NEEDS
from livetrack.upn import is_valid_upn

CHECK_THE_MIS = "please check it against the MIS"


class BadValue(ValueError):
    """A cell that cannot be read; the message says why, in plain words."""


def squash(text: str) -> str:
    """Lowercase letters and digits only: how headers and words are compared."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def tidy(text: str) -> str:
    """The text with its spaces trimmed and runs of spaces made one."""
    return " ".join(text.split())


def read_upn(text: str) -> str:
    upn = re.sub(r"\s", "", text).upper()
    if is_valid_upn(upn):
        return upn
    if re.fullmatch(r"[A-Z]\d{11}[0-9A-Z]", upn):
        raise BadValue(f"fails its check letter; {CHECK_THE_MIS}")
    raise BadValue(
        "does not look like a UPN (13 characters: a letter, 11 digits, then a "
        f"digit or a letter); {CHECK_THE_MIS}"
    )


# A spreadsheet runs a cell that starts with one of these as a formula when
# the text is exported again, so no name or class may start with one.
FORMULA_STARTS = ("=", "+", "-", "@")


def read_text(text: str) -> str:
    """A name or a label, its spaces tidied; never one a spreadsheet would run."""
    shown = tidy(text)
    if shown.startswith(FORMULA_STARTS):
        raise BadValue(
            "starts like a spreadsheet formula, not a name; please check it in the MIS"
        )
    return shown


# Longer than any name or class a school gives: a cell past it is a mistake.
LONGEST_NAME = 100
LONGEST_CLASS = 40


def read_name(text: str) -> str:
    name = read_text(text)
    if len(name) > LONGEST_NAME:
        raise BadValue(f"is longer than {LONGEST_NAME} characters; {CHECK_THE_MIS}")
    return name


def whole_number_text(text: str) -> str:
    """`3` from `3`, `3.0` or `03 `: how Excel may have saved a whole number."""
    stripped = text.strip()
    return re.sub(r"^(\d+)\.0+$", r"\1", stripped)


# Day first: a UK MIS never writes month first, and guessing would be worse.
# Two-digit years are refused: a century guessed wrong is a pupil aged 100.
DATE_FORMATS = (
    "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %b %Y",
    "%d %B %Y", "%d-%b-%Y",
)  # fmt: skip
# A date Excel saved as its serial number (days since 30/12/1899), as a
# hand-made sheet exported to CSV can: 1955 to 2119.
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIALS = range(20000, 80000)


_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def read_date(text: str) -> date:
    uk = _UK_DATE.fullmatch(text.strip())
    if uk:  # the usual spelling, read without strptime's cost
        day, month, year = (int(part) for part in uk.groups())
        try:
            return date(year, month, day)
        except ValueError:
            raise BadValue(
                "is not a date we can read; please write it as dd/mm/yyyy"
            ) from None
    words = text.split()
    # Excel may add a time of 00:00:00, and ISO a T and a time.
    candidates = [" ".join(words), words[0].split("T")[0] if words else ""]
    for day in candidates:
        for date_format in DATE_FORMATS:
            try:
                return datetime.strptime(day, date_format).date()
            except ValueError:
                continue
    serial = whole_number_text(text)
    if serial.isdigit() and int(serial) in EXCEL_SERIALS:
        return date.fromordinal(EXCEL_EPOCH.toordinal() + int(serial))
    raise BadValue("is not a date we can read; please write it as dd/mm/yyyy")


# F2 and FS2 are the second year of the Foundation Stage: Reception.
RECEPTION_WORDS = {
    "r", "rec", "reception", "receptionyear", "receptionclass", "f2", "fs2",
    "foundation2", "foundationstage2", "0",
}  # fmt: skip
NURSERY_WORDS = {
    "n", "n1", "n2", "nur", "nurs", "nursery", "nursery1", "nursery2", "f1",
    "fs1", "foundation1", "foundationstage1", "pn", "preschool", "e1", "e2",
}  # fmt: skip
NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
                "six": "6"}  # fmt: skip
_YEAR_PREFIX = re.compile(
    r"^(?:nc|national|curriculum|ncyear)*(?:yeargroup|year|yr|y)(?=[0-9a-z])"
)


def read_year_group(text: str) -> int:
    """The NC year (0 for Reception) from `Reception`, `R`, `Year 3`, `Y3`, `3`..."""
    word = _YEAR_PREFIX.sub("", squash(whole_number_text(text)), count=1)
    word = NUMBER_WORDS.get(word, word)
    if re.fullmatch(r"0+\d", word):  # "Year 03"
        word = word.lstrip("0") or "0"
    if word in RECEPTION_WORDS:
        return 0
    if word in NURSERY_WORDS:
        raise BadValue(
            "is Nursery; LiveTrack tracks Reception to Year 6, so please leave "
            "Nursery pupils out of the file"
        )
    if not re.fullmatch(r"\d+", word):
        raise BadValue("is not a year group we know; use Reception or Year 1 to 6")
    if int(word) > 6:
        raise BadValue(
            "is outside Reception to Year 6; LiveTrack tracks primary year groups "
            "only, so please leave this pupil out of the file"
        )
    return int(word)


def read_class(text: str) -> str:
    name = read_text(text)
    if len(name) > LONGEST_CLASS:
        raise BadValue(f"is longer than {LONGEST_CLASS} characters; {CHECK_THE_MIS}")
    return name


def spellings(words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """A table from each spelling to its value, for the readers below."""
    return {word: value for value, spellings in words.items() for word in spellings}


# Older files still say Statement (now an EHC plan) or School Action (Plus),
# which became SEN support in 2014.
SEND_WORDS = spellings(
    {
        "N": ("n", "no", "none", "nosen", "nosend", "notsen",
              "nospecialeducationalneed", "nospecialeducationalneeds",
              "nosenprovision", "noprovision"),
        "K": ("k", "sensupport", "support", "sup", "a", "p", "schoolaction",
              "schoolactionplus", "actionplus", "senk", "ksupport",
              "senschoolsupport", "additionalsupport"),
        "E": ("e", "ehcplan", "ehcp", "ehc", "educationhealthandcareplan",
              "educationhealthcareplan", "educationhealthandcare", "ehcplanned",
              "s", "statement", "statemented", "statementofsen",
              "statementofspecialeducationalneeds", "ehcpplan"),
    }
)  # fmt: skip


def read_send(text: str) -> str:
    """N, K or E from the words or the codes an MIS uses."""
    provision = SEND_WORDS.get(squash(text)) or _coded_words(text, SEND_WORDS)
    if provision is None:
        raise BadValue(
            "is not a SEN status we know; use No Special Educational Need, "
            "SEN Support or EHC Plan (or N, K or E)"
        )
    return provision


def _coded_words(text: str, words: dict[str, str]) -> str | None:
    """The value of `K - SEN Support` or `EHC Plan (E)`: a code beside its words.

    Both halves must agree, so a code never overrides words that say otherwise.
    """
    tokens = re.findall(r"[0-9a-z]+", text.lower())
    for code, rest in ((tokens[:1], tokens[1:]), (tokens[-1:], tokens[:-1])):
        if len(tokens) < 2 or len(code[0]) > 1:
            continue
        value = words.get(code[0])
        if value is not None and words.get("".join(rest)) == value:
            return value
    return None


# The start of each need's full DfE name, for files that spell needs out.
NEED_STEMS = {
    "speechlanguage": "SLCN", "autis": "ASD", "specificlearning": "SPLD",
    "moderatelearning": "MLD", "severelearning": "SLD", "profound": "PMLD",
    "socialemotional": "SEMH", "hearing": "HI", "visual": "VI", "vision": "VI",
    "multisensory": "MSI", "physical": "PD", "other": "OTH",
    "sensupportbutnospecialist": "NSA", "nospecialist": "NSA",
    "dyslex": "SPLD", "dyspraxi": "SPLD", "dyscalcul": "SPLD",
    "communication": "SLCN", "speech": "SLCN", "asc": "ASD", "aspergers": "ASD",
    "behaviouremotional": "SEMH", "besd": "SEMH", "deaf": "HI", "blind": "VI",
    "deafblind": "MSI",
}  # fmt: skip


def read_primary_need(text: str) -> str:
    word = squash(text)
    codes = {code.lower(): code for code in PRIMARY_NEEDS}
    if word in codes:
        return codes[word]
    # "SLCN - Speech, language and communication needs": the code first.
    first = re.findall(r"[0-9a-z]+", text.lower())[:1]
    if first and first[0] in codes:
        return codes[first[0]]
    if word.startswith("deafblind"):
        return "MSI"
    for stem, code in NEED_STEMS.items():
        if word.startswith(stem):
            return code
    raise BadValue("is not a primary need we know; use a DfE code such as SLCN")


FLAG_WORDS = spellings(
    {
        "yes": ("y", "yes", "t", "true", "1", "eligible", "iseligible", "ticked",
                "✓", "✔", "☑", "x"),
        "no": ("n", "no", "f", "false", "0", "noteligible", "ineligible",
               "noteligiblenow", "✗", "✘", "☐"),
    }
)  # fmt: skip


def read_flag(text: str) -> bool:
    word = squash(whole_number_text(text)) or text.strip()
    answer = FLAG_WORDS.get(word)
    if answer is None:
        raise BadValue("should be Yes or No (or Y/N, True/False, T/F, 1/0)")
    return answer == "yes"


SEX_WORDS = spellings(
    {
        "M": ("m", "male", "boy", "b"),
        "F": ("f", "female", "girl", "g"),
        # LiveTrack holds M or F; anything else is held as not known.
        "unknown": (
            "u",
            "unknown",
            "notknown",
            "notstated",
            "notrecorded",
            "x",
            "i",
            "indeterminate",
            "other",
            "notspecified",
            "prefernottosay",
            "nonbinary",
            "notgiven",
        ),
    }
)


def read_sex(text: str) -> str | None:
    sex = SEX_WORDS.get(squash(text))
    if sex is None:
        raise BadValue("is not one we know; use M or F (or Male or Female)")
    return None if sex == "unknown" else sex


# DfE language codes too: ENG English, ENB believed English, NOT not
# obtained, REF refused. Anything else names another first language.
ENGLISH_OR_UNKNOWN = {
    "english", "eng", "enb", "believedtobeenglish", "notobtained",
    "informationnotobtained", "not", "refused", "ref", "notknown", "unknown",
    "englishbelieved", "informationrefused", "notyetobtained", "englishunitedkingdom",
    "englishuk", "britishenglish", "ukenglish",
}  # fmt: skip


def read_first_language(text: str) -> bool:
    """Whether a first language makes the pupil EAL: any language but English."""
    return squash(text) not in ENGLISH_OR_UNKNOWN


# What a blank cell stands for, besides a value: a problem, or "keep what
# LiveTrack holds". Objects, so that no cell's text can be mistaken for them.
REQUIRED = object()
KEEP = object()


@dataclass(frozen=True)
class Field:
    """One column LiveTrack reads from a pupil export.

    `column` is the pupil detail it fills; `label` is what a school office
    calls it. `blank` is the value a blank cell stands for: REQUIRED when a
    blank is a problem, KEEP when LiveTrack keeps what it already holds.
    """

    column: str
    label: str
    aliases: tuple[str, ...]
    read: Callable[[str], object]
    blank: object = REQUIRED

    @property
    def required(self) -> bool:
        return self.blank is REQUIRED


# In order of preference: where a file has two headers for one detail, the
# earlier field, then the earlier alias, wins. Headers are compared squashed
# (letters and digits only, any case), so "Date of Birth:" finds "DOB" and
# "date_of_birth" alike.
FIELDS = [
    Field("upn", "UPN",
          ("UPN", "Unique Pupil Number", "Pupil UPN", "Student UPN", "UPN Number",
           "Unique Pupil No", "Pupil Unique Number"),
          read_upn),
    Field("legal_first_name", "first name",
          ("Legal First Name", "Legal Forename", "Legal Forenames", "Forename",
           "Forenames", "First Name", "First Names", "Legal First Names",
           "Given Name", "Given Names", "Pupil Forename", "Pupil First Name",
           "Student Forename", "Student First Name", "Child First Name",
           "Christian Name"),
          read_name),
    Field("legal_last_name", "last name",
          ("Legal Last Name", "Legal Surname", "Surname", "Last Name",
           "Family Name", "Pupil Surname", "Pupil Last Name", "Student Surname",
           "Student Last Name", "Child Surname", "Legal Family Name"),
          read_name),
    Field("preferred_first_name", "preferred first name",
          ("Preferred First Name", "Preferred Forename", "Known As",
           "Preferred Name", "Chosen Name", "Preferred Forenames",
           "Known As Name", "Preferred Given Name"),
          read_name, None),
    Field("date_of_birth", "date of birth",
          ("Date of Birth", "DOB", "Birth Date", "Pupil DOB",
           "Pupil Date of Birth", "Born"),
          read_date),
    Field("sex", "sex", ("Gender", "Sex", "Legal Sex", "Pupil Gender",
                         "Gender (Legal)", "Sex (Legal)"),
          read_sex, None),
    Field("year_group", "year group",
          ("Year Group", "NC Year", "National Curriculum Year", "Year",
           "NC Year Actual", "Curriculum Year", "Year Taught In", "Current Year",
           "Year Grp", "Yr", "Yr Group", "Academic Year Group", "NC Year Group"),
          read_year_group),
    Field("class_name", "class",
          ("Registration Form", "Registration Group", "Reg Group", "Reg Form",
           "Form", "Class", "Tutor Group", "Reg", "Registration", "Form Group",
           "Class Name", "Registration Class", "Reg Class", "Form Class",
           "Class/Form", "Current Class", "Homeroom"),
          read_class),
    Field("send", "SEN status",
          ("SEN Status", "SEN Provision", "SEN", "SEND", "SEND Status",
           "SEN Stage", "SEN Code", "SEN Status Code", "Special Educational Needs",
           "SEN Provision Code", "SEN Register", "SEND Provision"),
          read_send, "N"),
    Field("primary_need", "primary need",
          ("Primary Need", "SEN Primary Need", "Primary SEN Need", "SEN Need",
           "Primary SEN Type", "SEN Type", "SEN Need Type", "Main Need",
           "Primary Need Type", "SEND Primary Need", "SEN Need 1",
           "Primary SEN Need Type"),
          read_primary_need, None),
    Field("pupil_premium", "pupil premium",
          ("Pupil Premium", "Pupil Premium Indicator", "PP Indicator", "PP",
           "PP Eligible", "Pupil Premium Eligible", "PP Status",
           "Pupil Premium Status", "Pupil Premium Eligibility", "Is Pupil Premium",
           "PP Flag", "Disadvantaged", "Pupil Premium (PP)"),
          read_flag, False),
    Field("fsm", "FSM",
          ("FSM", "FSM Eligible", "Free School Meals", "FSM Eligibility",
           "FSM Status", "Eligible for FSM", "FSM Indicator", "Current FSM",
           "FSM Flag", "Is FSM", "Free School Meals Eligible",
           "Eligible for Free School Meals", "FSM Now"),
          read_flag, False),
    Field("eal", "EAL",
          ("EAL", "English as an Additional Language", "EAL Status", "EAL Flag",
           "EAL Indicator", "Is EAL", "EAL Pupil"),
          read_flag, False),
    Field("eal", "EAL",
          ("First Language", "Home Language", "First Language Code",
           "Main Language", "Language", "Mother Tongue"),
          read_first_language, False),
    Field("looked_after", "looked after",
          ("Looked After", "CLA", "In Care", "Looked After Child", "LAC",
           "CLA Status", "Child Looked After", "In LA Care", "Is Looked After",
           "Looked After Status", "Children Looked After", "Looked After (CLA)"),
          read_flag, False),
    Field("joined_on", "admission date",
          ("Admission Date", "Date of Admission", "Start Date", "Date Joined",
           "Entry Date", "Date of Entry", "Enrolment Date", "Enrollment Date",
           "Admitted", "Date Admitted", "Joined"),
          read_date, KEEP),
]  # fmt: skip


# Each pupil detail a file can fill, named as a school office names it.
DETAIL_LABELS = {field.column: field.label for field in FIELDS}


# A school's answer to "which column is the UPN?": detail -> header text.
Mapping = dict[str, str]


def match_headers(
    headers: list[str],
    fields: list[Field] | None = None,
    mapping: Mapping | None = None,
) -> dict[str, tuple[Field, int]]:
    """For each detail the file holds, its Field and column position.

    A header the school chose for a detail (`mapping`) wins over the aliases.
    """
    keys = [squash(header) for header in headers]
    found: dict[str, tuple[Field, int]] = {}
    for field in FIELDS if fields is None else fields:
        chosen = squash((mapping or {}).get(field.column, ""))
        if field.column not in found and chosen and chosen in keys:
            found[field.column] = (field, keys.index(chosen))
    for field in FIELDS if fields is None else fields:
        position = _first_alias_position(field, keys)
        if field.column not in found and position is not None:
            found[field.column] = (field, position)
    return found


def _first_alias_position(field: Field, keys: list[str]) -> int | None:
    for alias in field.aliases:
        if squash(alias) in keys:
            return keys.index(squash(alias))
    return None


def missing_fields(
    found: dict[str, tuple[Field, int]], fields: list[Field] | None = None
) -> list[Field]:
    """The required details a file has no column for."""
    fields = FIELDS if fields is None else fields
    return [f for f in fields if f.required and f.column not in found]
