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


def read_name(text: str) -> str:
    return tidy(text)


# Day first: a UK MIS never writes month first, and guessing would be worse.
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def read_date(text: str) -> date:
    day = text.split()[0].split("T")[0]  # Excel may add a time of 00:00:00
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(day, date_format).date()
        except ValueError:
            continue
    raise BadValue("is not a date we can read; please write it as dd/mm/yyyy")


RECEPTION_WORDS = {"r", "rec", "reception", "receptionyear"}
NURSERY_WORDS = {"n", "n1", "n2", "nur", "nursery"}
_YEAR_PREFIX = re.compile(r"^(?:nc)?(?:year|yr|y)(?=[0-9a-z])")


def read_year_group(text: str) -> int:
    """The NC year (0 for Reception) from `Reception`, `R`, `Year 3`, `Y3`, `3`..."""
    word = _YEAR_PREFIX.sub("", squash(text), count=1)
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
    return tidy(text)


def _lookup(words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """A table from each spelling to its value, for the readers below."""
    return {word: value for value, spellings in words.items() for word in spellings}


# Older files still say Statement (now an EHC plan) or School Action (Plus),
# which became SEN support in 2014.
SEND_WORDS = _lookup(
    {
        "N": ("n", "no", "none", "nosen", "nospecialeducationalneed",
              "nospecialeducationalneeds"),
        "K": ("k", "sensupport", "support", "a", "p", "schoolaction",
              "schoolactionplus", "actionplus"),
        "E": ("e", "ehcplan", "ehcp", "ehc", "educationhealthandcareplan",
              "s", "statement", "statemented", "statementofsen"),
    }
)  # fmt: skip


def read_send(text: str) -> str:
    """N, K or E from the words or the codes an MIS uses."""
    provision = SEND_WORDS.get(squash(text))
    if provision is None:
        raise BadValue(
            "is not a SEN status we know; use No Special Educational Need, "
            "SEN Support or EHC Plan (or N, K or E)"
        )
    return provision


# The start of each need's full DfE name, for files that spell needs out.
NEED_STEMS = {
    "speechlanguage": "SLCN", "autis": "ASD", "specificlearning": "SPLD",
    "moderatelearning": "MLD", "severelearning": "SLD", "profound": "PMLD",
    "socialemotional": "SEMH", "hearing": "HI", "visual": "VI", "vision": "VI",
    "multisensory": "MSI", "physical": "PD", "other": "OTH",
    "sensupportbutnospecialist": "NSA", "nospecialist": "NSA",
    "dyslex": "SPLD", "dyspraxi": "SPLD", "dyscalcul": "SPLD",
}  # fmt: skip


def read_primary_need(text: str) -> str:
    word = squash(text)
    codes = {code.lower(): code for code in PRIMARY_NEEDS}
    if word in codes:
        return codes[word]
    for stem, code in NEED_STEMS.items():
        if word.startswith(stem):
            return code
    raise BadValue("is not a primary need we know; use a DfE code such as SLCN")


FLAG_WORDS = _lookup(
    {"yes": ("y", "yes", "t", "true", "1"), "no": ("n", "no", "f", "false", "0")}
)


def read_flag(text: str) -> bool:
    answer = FLAG_WORDS.get(squash(text))
    if answer is None:
        raise BadValue("should be Yes or No (or Y/N, True/False, T/F, 1/0)")
    return answer == "yes"


SEX_WORDS = _lookup(
    {
        "M": ("m", "male", "boy", "b"),
        "F": ("f", "female", "girl", "g"),
        "unknown": ("u", "unknown", "notknown", "notstated", "notrecorded"),
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
# earlier field, then the earlier alias, wins.
FIELDS = [
    Field("upn", "UPN", ("UPN", "Unique Pupil Number"), read_upn),
    Field("legal_first_name", "first name",
          ("Legal First Name", "Legal Forename", "Forename", "First Name"),
          read_name),
    Field("legal_last_name", "last name",
          ("Legal Last Name", "Legal Surname", "Surname", "Last Name"),
          read_name),
    Field("preferred_first_name", "preferred first name",
          ("Preferred First Name", "Preferred Forename", "Known As",
           "Preferred Name"),
          read_name, None),
    Field("date_of_birth", "date of birth", ("Date of Birth", "DOB"), read_date),
    Field("sex", "sex", ("Gender", "Sex"), read_sex, None),
    Field("year_group", "year group",
          ("Year Group", "NC Year", "National Curriculum Year", "Year"),
          read_year_group),
    Field("class_name", "class",
          ("Registration Form", "Registration Group", "Reg Group", "Reg Form",
           "Form", "Class", "Tutor Group"),
          read_class),
    Field("send", "SEN status", ("SEN Status", "SEN Provision", "SEN"),
          read_send, "N"),
    Field("primary_need", "primary need", ("Primary Need", "SEN Primary Need"),
          read_primary_need, None),
    Field("pupil_premium", "pupil premium",
          ("Pupil Premium", "Pupil Premium Indicator", "PP Indicator", "PP"),
          read_flag, False),
    Field("fsm", "FSM", ("FSM", "FSM Eligible", "Free School Meals"),
          read_flag, False),
    Field("eal", "EAL", ("EAL", "English as an Additional Language"),
          read_flag, False),
    Field("eal", "EAL", ("First Language",), read_first_language, False),
    Field("looked_after", "looked after",
          ("Looked After", "CLA", "In Care", "Looked After Child", "LAC"),
          read_flag, False),
    Field("joined_on", "admission date",
          ("Admission Date", "Date of Admission", "Start Date", "Date Joined"),
          read_date, KEEP),
]  # fmt: skip


# Each pupil detail a file can fill, named as a school office names it.
DETAIL_LABELS = {field.column: field.label for field in FIELDS}


def match_headers(headers: list[str]) -> dict[str, tuple[Field, int]]:
    """For each pupil detail the file holds, its Field and column position."""
    keys = [squash(header) for header in headers]
    found: dict[str, tuple[Field, int]] = {}
    for field in FIELDS:
        position = _first_alias_position(field, keys)
        if field.column not in found and position is not None:
            found[field.column] = (field, position)
    return found


def _first_alias_position(field: Field, keys: list[str]) -> int | None:
    for alias in field.aliases:
        if squash(alias) in keys:
            return keys.index(squash(alias))
    return None


def missing_fields(found: dict[str, tuple[Field, int]]) -> list[Field]:
    """The required details a file has no column for."""
    return [f for f in FIELDS if f.required and f.column not in found]
