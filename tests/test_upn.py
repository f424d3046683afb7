import pytest

from livetrack.upn import is_valid_upn, make_upn


@pytest.mark.parametrize(
    "upn", ["B801200005001", "R674123101121", "P207000016049", "H93820001900A"]
)
def test_published_upns_are_valid(upn):
    assert is_valid_upn(upn)


@pytest.mark.parametrize(
    "upn",
    [
        "A801200005001",
        "B80120000500",
        "b801200005001",
        "I801200005001",
        "B80120000500I",
        "",
    ],
)
def test_wrong_check_letter_or_shape_is_invalid(upn):
    assert not is_valid_upn(upn)


def test_made_upns_carry_their_check_letter():
    upn = make_upn(801, 2000, 5, 1)
    assert upn == "B801200005001"
