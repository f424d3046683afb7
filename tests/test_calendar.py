"""Academic years and half-terms: England's defaults, a school's own dates."""

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from livetrack.calendar import (
    academic_year_of,
    calendar_problems,
    default_half_terms,
    default_tracking_start,
    half_term_on,
    next_academic_year,
)
from livetrack.cli import main
from livetrack.errors import InvalidInput, NotAllowed, TrackingNotStarted
from livetrack.schoolyear import change_calendar, load_calendar, save_calendar
from livetrack.scope import Scope
from livetrack.store.statuses import live_statuses_sql
from livetrack.tracking import check_tracking_started


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


# --- A school's own dates ---

YEAR = "2026-27"


def moved(half_terms, code, **dates):
    return [replace(h, **dates) if h.code == code else h for h in half_terms]


def test_englands_defaults_have_no_problems():
    for first in range(2024, 2035):
        year = f"{first}-{(first + 1) % 100:02d}"
        assert (
            calendar_problems(
                year, default_half_terms(year), default_tracking_start(year)
            )
            == []
        )


def test_overlapping_half_terms_are_refused_in_plain_words():
    half_terms = moved(
        default_half_terms(YEAR), "autumn-2", starts_on=date(2026, 10, 22)
    )
    problems = calendar_problems(YEAR, half_terms, date(2026, 9, 21))
    assert problems == [
        "Autumn 2 starts on Thursday 22 October 2026, before Autumn 1 ends "
        "(Friday 23 October 2026): half-terms follow one another without overlapping."
    ]


def test_a_half_term_that_ends_before_it_starts_is_refused():
    half_terms = moved(default_half_terms(YEAR), "spring-1", ends_on=date(2027, 1, 1))
    problems = calendar_problems(YEAR, half_terms, date(2026, 9, 21))
    assert any("Spring 1 ends (Friday 1 January 2027) before it starts" in p
               for p in problems)  # fmt: skip


def test_dates_outside_the_academic_year_or_at_a_weekend_are_refused():
    half_terms = moved(default_half_terms(YEAR), "summer-2", ends_on=date(2027, 9, 3))
    half_terms = moved(half_terms, "summer-1", starts_on=date(2027, 4, 10))
    problems = calendar_problems(YEAR, half_terms, date(2026, 9, 21))
    assert "outside the 2026-27 school year" in problems[1]
    assert "Summer 1 starts on a Saturday" in problems[0]


def test_tracking_starts_inside_autumn_1_on_a_school_day():
    half_terms = default_half_terms(YEAR)
    assert (
        "outside Autumn 1" in calendar_problems(YEAR, half_terms, date(2026, 11, 2))[0]
    )
    assert "on a Sunday" in calendar_problems(YEAR, half_terms, date(2026, 9, 20))[0]
    assert calendar_problems(YEAR, half_terms, date(2026, 9, 2)) == []


def test_a_year_needs_all_six_half_terms():
    problems = calendar_problems(YEAR, default_half_terms(YEAR)[:5], date(2026, 9, 21))
    assert problems == [
        "A year needs all six half-terms, Autumn 1 to Summer 2, once each."
    ]


def test_a_year_with_no_saved_dates_reads_englands_defaults(store, school):
    calendar = load_calendar(store, school["id"], "2027-28")
    assert not calendar.saved
    assert calendar.tracking_start == default_tracking_start("2027-28")
    assert next_academic_year("2026-27") == "2027-28"


def test_saving_dates_records_what_changed_in_the_audit_log(store, school):
    calendar = load_calendar(store, school["id"], YEAR)
    later = replace(calendar, tracking_start=date(2026, 9, 28))

    save_calendar(store, Scope.everything(), school["teacher"], school["id"], later)

    assert load_calendar(store, school["id"], YEAR).tracking_start == date(2026, 9, 28)
    action, details = store.rows(
        "select action, details from audit_log order by id desc limit 1"
    )[0]
    details = json.loads(details)
    assert action == "calendar_changed"
    assert details["tracking_start"] == "2026-09-28"
    assert details["half_terms"] == {}


def test_bad_dates_save_nothing(store, school):
    calendar = load_calendar(store, school["id"], YEAR)
    bad = replace(calendar, tracking_start=date(2026, 12, 1))
    with pytest.raises(InvalidInput, match="outside Autumn 1"):
        save_calendar(store, Scope.everything(), None, school["id"], bad)
    assert load_calendar(store, school["id"], YEAR).tracking_start == date(2026, 9, 21)
    assert store.value("select count(*) from audit_log") == 0


def test_only_an_admin_of_the_school_changes_its_dates(store, school):
    calendar = load_calendar(store, school["id"], YEAR)
    with pytest.raises(NotAllowed):
        save_calendar(store, Scope(can_administer=False), None, school["id"], calendar)
    with pytest.raises(NotAllowed):
        save_calendar(
            store, Scope(school_ids=frozenset({99})), None, school["id"], calendar
        )


def test_change_calendar_moves_one_half_term(store, school):
    change_calendar(
        store, Scope.everything(), None, school["id"], YEAR,
        half_term="autumn-1", ends_on=date(2026, 10, 22),
    )  # fmt: skip
    autumn_1 = load_calendar(store, school["id"], YEAR).half_terms[0]
    assert (autumn_1.starts_on, autumn_1.ends_on) == (
        date(2026, 9, 2), date(2026, 10, 22),
    )  # fmt: skip


def test_before_tracking_starts_nothing_changes_and_then_every_status_reads_on(
    store, school
):
    calendar = load_calendar(store, school["id"], YEAR)
    save_calendar(
        store, Scope.everything(), None, school["id"],
        replace(calendar, tracking_start=date(2026, 10, 5)),
    )  # fmt: skip

    with pytest.raises(TrackingNotStarted, match="Monday 5 October 2026"):
        check_tracking_started(store, school["id"], YEAR, date(2026, 10, 2))
    check_tracking_started(store, school["id"], YEAR, date(2026, 10, 5))
    live, params = live_statuses_sql(
        Scope.everything(), YEAR, datetime(2026, 10, 5, 9, tzinfo=UTC)
    )
    statuses = store.frame(f"select status from ({live}) l", params)["status"]
    assert len(statuses) == 14
    assert set(statuses) == {"On"}


def test_the_calendar_command_shows_and_sets_dates(store, school, capsys):
    data_dir = str(store.data_dir)
    store.close()

    assert main(["--data-dir", data_dir, "calendar", "--year", YEAR]) == 0
    assert "Live tracking starts  Mon 21 Sep 2026" in capsys.readouterr().out
    assert main(["--data-dir", data_dir, "calendar", "--year", YEAR,
                 "--tracking-start", "2026-09-19"]) == 1  # fmt: skip
    assert "on a Saturday" in capsys.readouterr().err
    assert main(["--data-dir", data_dir, "calendar", "--year", YEAR,
                 "--half-term", "summer-2", "--ends", "2027-07-16"]) == 0  # fmt: skip
    assert "Fri 16 Jul 2027" in capsys.readouterr().out
