"""The four kinds of file LiveTrack imports, and telling one from another."""

from dataclasses import dataclass

from livetrack.errors import ImportRejected, InvalidInput
from livetrack.importers.attendance import ATTENDANCE_FIELDS
from livetrack.importers.behaviour import BEHAVIOUR_FIELDS
from livetrack.importers.fields import (
    FIELDS,
    Field,
    Mapping,
    match_headers,
    missing_fields,
    squash,
)
from livetrack.importers.files import Source, read_rows, read_source_bytes
from livetrack.importers.table import HEADER_SEARCH_ROWS


@dataclass(frozen=True)
class Kind:
    """One kind of file: its code (as the command line says it) and its words."""

    code: str
    name: str
    fields: list[Field] | None  # None: not a table (the CTF)


KINDS = {
    kind.code: kind
    for kind in [
        Kind("pupils", "Pupil list", FIELDS),
        Kind("ctf", "Common Transfer File (CTF)", None),
        Kind("attendance", "Attendance", ATTENDANCE_FIELDS),
        Kind("behaviour", "Behaviour", BEHAVIOUR_FIELDS),
    ]
}
# Tried in this order: a pupil list may have a Date column, never Possible sessions.
DETECTION_ORDER = ["attendance", "behaviour", "pupils"]
LEAST_SHARE_FOUND = 0.6


def detect_kind(source: Source) -> str | None:
    """The kind of file this looks like, or None when its headers say too little.

    A table is the kind whose required headers it has, or failing that most
    of (a pupil list with its UPN column named oddly is still a pupil list).
    """
    data = read_source_bytes(source)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "ctf"
    try:
        rows = read_rows(data)[:HEADER_SEARCH_ROWS]
    except ImportRejected:
        return None
    shares = {code: _share_found(KINDS[code].fields, rows) for code in DETECTION_ORDER}
    best = max(DETECTION_ORDER, key=lambda code: shares[code])
    return best if shares[best] >= LEAST_SHARE_FOUND else None


def _share_found(fields: list[Field], rows: list[list[str]]) -> float:
    """The largest share of the required headers that any one row holds."""
    required = [field for field in fields if field.required]
    missing = [len(missing_fields(match_headers(row, fields), fields)) for row in rows]
    return 1 - min(missing, default=len(required)) / len(required)


def parse_mapping(kind: str, answers: list[str]) -> Mapping:
    """`--column "UPN=Pupil Ref"` answers as a mapping of details to headers."""
    fields = KINDS[kind].fields or []
    by_word = {squash(a): f.column for f in fields for a in f.aliases}
    for field in fields:
        by_word[squash(field.label)] = field.column
        by_word[squash(field.column)] = field.column
    mapping = {}
    for answer in answers:
        detail, _, header = answer.partition("=")
        column = by_word.get(squash(detail))
        if column is None or not header.strip():
            known = ", ".join(sorted({f.label for f in fields}))
            raise InvalidInput(
                f'"{answer}" is not DETAIL=HEADER for a detail of a {kind} file; '
                f"the details are: {known}."
            )
        mapping[column] = header.strip()
    return mapping
