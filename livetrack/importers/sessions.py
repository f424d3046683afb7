"""What attendance and behaviour imports share: pupils found by UPN, and counts."""

import re

from livetrack.errors import ImportRejected
from livetrack.importers.fields import BadValue, read_text, whole_number_text
from livetrack.importers.table import Problem
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.imports import pupil_ids_by_upn
from livetrack.store.schools import load_schools

# No date range of school holds more sessions than this (two a day for a year).
MOST_SESSIONS = 2 * 366


def read_sessions(text: str) -> int:
    """A count of sessions: a whole number, 0 or more."""
    number = whole_number_text(text)
    if not re.fullmatch(r"\d{1,6}", number):
        raise BadValue("is not a whole number of sessions (0 or more)")
    if int(number) > MOST_SESSIONS:
        raise BadValue(f"is more sessions than a school year holds ({MOST_SESSIONS})")
    return int(number)


def read_label(text: str, longest: int = 60) -> str | None:
    """A short label such as a behaviour category; a lone dash means none."""
    if text.strip() in ("-", "–", "—"):
        return None
    label = read_text(text)
    if len(label) > longest:
        raise BadValue(f"is longer than {longest} characters; a label is short")
    return label


def school_with_pupils(store: Store, school_id: int | None, what: str) -> int:
    """The school a file of attendance or behaviour is for, which must have pupils."""
    schools = load_schools(store, Scope.everything())
    if school_id is None and len(schools) == 1:
        school_id = int(schools["id"].iloc[0])
    if school_id is None or school_id not in set(schools["id"]):
        problem = (
            f"LiveTrack holds {len(schools)} schools: {', '.join(schools['name'])}."
            if len(schools) > 1
            else "LiveTrack has no pupils yet; please import the pupil list first."
        )
        raise ImportRejected(f"The {what} was not imported; nothing has changed.",
                             [problem])  # fmt: skip
    return school_id


def find_pupils(
    store: Store, school_id: int, records: list[dict]
) -> tuple[list[int | None], list[Problem]]:
    """Each row's pupil id by UPN, and a problem for each UPN LiveTrack lacks."""
    ids = pupil_ids_by_upn(store, school_id)
    found = [ids.get(record.get("upn")) for record in records]
    problems = [
        Problem(
            record["line"],
            f'no pupil in LiveTrack has the UPN "{record["upn"]}"; please import '
            "the pupil list first, or check the UPN against the MIS.",
        )
        for record, pupil_id in zip(records, found)
        if pupil_id is None and "upn" in record
    ]
    return found, problems
