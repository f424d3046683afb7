from datetime import UTC, datetime

import pandas as pd

from livetrack.grid import (
    EVIDENCE,
    LAST_CHANGE,
    NOTE,
    PUPIL,
    build_grid,
    pending_changes,
)

STATUSES = pd.DataFrame(
    {
        "pupil_id": [1, 1, 2, 2],
        "first_name": ["Amy", "Amy", "Ben", "Ben"],
        "legal_last_name": ["Adams", "Adams", "Brown", "Brown"],
        "subject_id": [10, 20, 10, 20],
        "subject": ["Reading", "Maths", "Reading", "Maths"],
        "status": ["On", "Below", "On", "On"],
        "change_id": [None, 7, None, None],
        "evidence": [None, "Quiz", None, None],
        "changed_by": [None, "Ms Patel", None, None],
        "changed_at": [None, datetime(2026, 12, 2, 10, tzinfo=UTC), None, None],
    }
)
SUBJECTS = ["Reading", "Maths"]


def test_the_grid_has_a_row_per_pupil_and_a_column_per_subject():
    grid = build_grid(STATUSES, SUBJECTS)
    assert grid[PUPIL].tolist() == ["Amy Adams", "Ben Brown"]
    assert grid["Maths"].tolist() == ["Below", "On"]
    assert grid[LAST_CHANGE].tolist() == ["Maths: Below · Quiz · Ms Patel, 2 Dec", ""]
    assert grid[EVIDENCE].isna().all() and grid[NOTE].isna().all()


def test_one_subject_grid_says_who_changed_that_subject():
    grid = build_grid(STATUSES[STATUSES["subject"] == "Maths"], ["Maths"])
    assert grid[LAST_CHANGE].tolist() == ["Below · Quiz · Ms Patel, 2 Dec", ""]


def test_edits_map_back_to_pupil_and_subject_by_row_position():
    grid = build_grid(STATUSES, SUBJECTS)
    edits = {1: {"Maths": "Below", NOTE: "  Gaps in times tables "}, 0: {"Maths": "On"}}
    pending = pending_changes(STATUSES, grid, edits, SUBJECTS, "Book look")

    assert [(p.pupil, p.subject, p.was, p.now) for p in pending] == [
        ("Amy Adams", "Maths", "Below", "On"),
        ("Ben Brown", "Maths", "On", "Below"),
    ]
    amy, ben = (p.change for p in pending)
    assert (amy.pupil_id, amy.subject_id, amy.seen_change_id) == (1, 20, 7)
    assert (ben.pupil_id, ben.evidence, ben.note, ben.seen_change_id) == (
        2, "Book look", "Gaps in times tables", None,
    )  # fmt: skip


def test_a_row_evidence_overrides_the_default_and_unchanged_cells_are_ignored():
    grid = build_grid(STATUSES, SUBJECTS)
    edits = {0: {"Reading": "On", "Maths": "Above", EVIDENCE: "Quiz"}}
    [pending] = pending_changes(STATUSES, grid, edits, SUBJECTS, "Book look")
    assert (pending.subject, pending.change.evidence) == ("Maths", "Quiz")
