"""The words of live progress tracking: statuses, evidence, SEND and year groups."""

from enum import StrEnum


class Status(StrEnum):
    """A pupil's live status in one subject."""

    ABOVE = "Above"
    ON = "On"
    BELOW = "Below"


STATUSES = [Status.ABOVE.value, Status.ON.value, Status.BELOW.value]
DEFAULT_STATUS = Status.ON.value

STATUS_DEFINITIONS = {
    Status.ABOVE: (
        "The pupil has gained an excellent standard of knowledge and skills "
        "from recent class work, as evidenced through low-stakes quizzes, "
        "formative assessment, online programmes and the like. They need "
        "more challenge."
    ),
    Status.ON: (
        "The pupil has gained a sufficient standard of knowledge and skills "
        "from recent class work. Every status starts as On; change it only "
        "by exception."
    ),
    Status.BELOW: (
        "The pupil has not gained a sufficient standard of knowledge and "
        "skills from class work: there are substantial gaps, and the pupil "
        "will receive extra in-class intervention."
    ),
}

KEY_QUESTION = (
    "Has the pupil gained a sufficient standard of knowledge and skills from "
    "recent curriculum class work, as evidenced through e.g. fluency tests, "
    "low-stakes quizzes, formative assessment or online programmes?"
)

EVIDENCE_TYPES = [
    "Quiz",
    "Synoptic task",
    "Live marking",
    "Book look",
    "Online programme",
    "Other",
]

NOTE_MAX_CHARACTERS = 500

SEND_PROVISIONS = {
    "N": "No SEN",
    "K": "SEN support",
    "E": "EHC plan",
}

PRIMARY_NEEDS = [
    "SLCN", "ASD", "SPLD", "MLD", "SLD", "PMLD",
    "SEMH", "HI", "VI", "MSI", "PD", "OTH", "NSA",
]  # fmt: skip

SEXES = {"F": "Female", "M": "Male"}

YEAR_GROUPS = [0, 1, 2, 3, 4, 5, 6]

ROLE_NAMES = {
    "teacher": "Teacher",
    "subject_lead": "Subject lead",
    "phase_lead": "Phase lead",
    "senco": "SENCo",
    "headteacher": "Headteacher",
    "slt": "Senior leader",
    "trust_leader": "Trust leader",
    "governor": "Governor",
    "admin": "Admin",
}
ROLES = list(ROLE_NAMES)

PHASES = {"EYFS": [0], "KS1": [1, 2], "KS2": [3, 4, 5, 6]}


def year_group_label(year_group: int) -> str:
    """'Reception' for NC year 0, otherwise 'Year N'."""
    return "Reception" if year_group == 0 else f"Year {year_group}"


def key_stage(year_group: int) -> str:
    """The key stage a primary year group belongs to."""
    if year_group <= 0:
        return "EYFS"
    return "KS1" if year_group <= 2 else "KS2"


PERSISTENT_ABSENCE_PERCENT = 90.0
SEVERE_ABSENCE_PERCENT = 50.0
