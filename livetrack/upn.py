"""The DfE unique pupil number (UPN) and its check letter."""

import re

CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"

_SHAPE = re.compile(r"[A-Z]\d{11}[0-9A-Z]")


def check_letter(body: str) -> str:
    """The check letter for the last 12 characters of a UPN."""
    total = 0
    for position, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else CHECK_ALPHABET.index(char)
        total += value * position
    return CHECK_ALPHABET[total % 23]


def is_valid_upn(upn: str) -> bool:
    """Whether a UPN (permanent or temporary) has the right shape and check letter."""
    if not _SHAPE.fullmatch(upn):
        return False
    last = upn[-1]
    if not last.isdigit() and last not in CHECK_ALPHABET:
        return False
    return check_letter(upn[1:]) == upn[0]


def make_upn(la: int, establishment: int, year_issued: int, serial: int) -> str:
    """A valid permanent UPN from its parts."""
    body = f"{la:03d}{establishment:04d}{year_issued % 100:02d}{serial:03d}"
    return check_letter(body) + body
