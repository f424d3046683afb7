from datetime import date

from livetrack.calendar import (
    academic_year_of,
    default_half_terms,
    default_tracking_start,
    half_term_on,
)


def test_academic_year_turns_over_in_september():
    assert academic_year_of(date(2026, 8, 31)) == "2025-26"
    assert academic_year_of(date(2026, 9, 1)) == "2026-27"
    assert academic_year_of(date(2099, 12, 1)) == "2099-00"


def test_default_half_terms_follow_the_english_pattern():
    autumn_1, autumn_2, spring_1, spring_2, summer_1, summer_2 = default_half_terms(
        "2026-27"
    )
    assert (autumn_1.starts_on, autumn_1.ends_on) == (
        date(2026, 9, 2),
        date(2026, 10, 23),
    )
    assert autumn_2.starts_on == date(2026, 11, 2)
    assert autumn_2.ends_on == date(2026, 12, 18)
    assert spring_1.starts_on == date(2027, 1, 4)
    assert spring_2.ends_on == date(2027, 3, 26)
    assert summer_1.starts_on.weekday() == 0
    assert summer_2.ends_on == date(2027, 7, 21)


def test_half_terms_never_start_at_a_weekend():
    for year in range(2024, 2040):
        for half_term in default_half_terms(f"{year}-{(year + 1) % 100:02d}"):
            assert half_term.starts_on.weekday() < 5
            assert half_term.ends_on.weekday() < 5
            assert half_term.starts_on < half_term.ends_on


def test_tracking_starts_on_the_monday_of_week_four():
    assert default_tracking_start("2026-27") == date(2026, 9, 21)


def test_half_term_on_a_holiday_is_the_one_just_ended():
    half_terms = default_half_terms("2026-27")
    assert half_term_on(half_terms, date(2026, 10, 28)).code == "autumn-1"
    assert half_term_on(half_terms, date(2026, 12, 3)).code == "autumn-2"
    assert half_term_on(half_terms, date(2026, 8, 1)) is None
