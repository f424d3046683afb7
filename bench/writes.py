"""The writes a school makes: a class's save, a whole trust's snapshot, a roster."""

import csv
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from bench.datasets import ACADEMIC_YEAR, SEED, TODAY
from bench.pages import demo_person, spread
from livetrack.access import TEACHER, scope_for
from livetrack.calendar import default_half_terms
from livetrack.importers.pupils import import_pupils
from livetrack.snapshots import take_snapshot
from livetrack.store import Store
from livetrack.store.people import load_person
from livetrack.store.snapshots import readable_snapshot_files
from livetrack.store.statuses import StatusChange, load_class_statuses
from livetrack.tracking import save_status_changes
from livetrack.upn import make_upn

SAVE_CELLS = 30
ROSTER_PUPILS = 2000
ROSTER_CLASSES_PER_YEAR = 10
SNAPSHOT_HALF_TERM = "autumn-2"
SNAPSHOT_AS_AT = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


def time_saves(store: Store, repeat: int) -> dict:
    """A teacher saves 30 changed cells of their class, `repeat` times over."""
    person = load_person(store, demo_person(store, TEACHER))
    scope = scope_for(person)
    class_id = min(person.class_ids)
    runs, saved = [], 0
    for round_number in range(repeat):
        statuses = load_class_statuses(store, scope, class_id, ACADEMIC_YEAR)
        changes = _changed_cells(statuses, round_number)
        started = time.perf_counter()
        result = save_status_changes(
            store, scope, person.id, changes, ACADEMIC_YEAR, TODAY
        )
        runs.append(time.perf_counter() - started)
        saved += result.saved
    return {**spread(runs), "cells": SAVE_CELLS, "saved": saved,
            "expected": SAVE_CELLS * repeat}  # fmt: skip


def _changed_cells(statuses, round_number: int) -> list[StatusChange]:
    cells = statuses.sort_values(["pupil_id", "subject_id"]).head(SAVE_CELLS)
    moves = {"On": "Below", "Below": "Above", "Above": "On"}
    return [
        StatusChange(
            int(row.pupil_id),
            int(row.subject_id),
            moves[row.status],
            "Quiz",
            f"Benchmark round {round_number}",
            None if pd.isna(row.change_id) else int(row.change_id),
        )  # fmt: skip
        for row in cells.itertuples()
    ]


def time_trust_snapshot(store: Store, repeat: int) -> dict:
    """Every school's Autumn 2 snapshot, one after another: the trust's data drop."""
    school_ids = [row[0] for row in store.rows("select id from schools order by id")]
    half_term = next(
        h for h in default_half_terms(ACADEMIC_YEAR) if h.code == SNAPSHOT_HALF_TERM
    )
    runs, rows = [], 0
    for round_number in range(repeat):
        started = time.perf_counter()
        taken = [
            take_snapshot(store, school_id, half_term, as_at=SNAPSHOT_AS_AT,
                          replace=round_number > 0)
            for school_id in school_ids
        ]  # fmt: skip
        runs.append(time.perf_counter() - started)
        rows = sum(info.rows for info in taken)
    return {**spread(runs), "schools": len(school_ids), "rows": rows}


def time_roster_import(work_dir: Path, repeat: int) -> dict:
    """A 2,000-pupil roster into a new database: the school made, every pupil added;
    then the same file again, which changes nothing."""
    roster = write_roster(work_dir / "roster-2000.csv")
    first, again = [], []
    for round_number in range(repeat):
        store = Store(work_dir / f"import-{round_number}")
        try:
            started = time.perf_counter()
            summary = import_pupils(store, roster, school_name="Bench Primary",
                                    today=TODAY)  # fmt: skip
            first.append(time.perf_counter() - started)
            started = time.perf_counter()
            import_pupils(store, roster, today=TODAY)
            again.append(time.perf_counter() - started)
        finally:
            store.close()
    return {"new": {**spread(first), "added": summary.added},
            "unchanged": spread(again), "pupils": ROSTER_PUPILS}  # fmt: skip


ROSTER_HEADER = [
    "UPN", "Legal First Name", "Legal Last Name", "Preferred First Name",
    "Date of Birth", "Gender", "Year Group", "Registration Form", "SEN Status",
    "Pupil Premium", "FSM", "EAL",
]  # fmt: skip
FIRST_NAMES = ["Ada", "Ben", "Cara", "Dev", "Ela", "Finn", "Gia", "Hal", "Ines"]
LAST_NAMES = ["Ash", "Birch", "Cedar", "Dale", "Elm", "Fir", "Gorse", "Hazel"]
SEN_STATUSES = ["No Special Educational Need"] * 17 + ["SEN Support"] * 3


def write_roster(path: Path) -> Path:
    """A made-up Arbor-style export of a 2,000-pupil school, the same every time."""
    rng = np.random.default_rng([SEED, ROSTER_PUPILS])
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(ROSTER_HEADER)
        for serial in range(ROSTER_PUPILS):
            writer.writerow(_roster_row(rng, serial))
    return path


def _roster_row(rng, serial: int) -> list[str]:
    year_group = serial % 7
    form = "ABCDEFGHJK"[(serial // 7) % ROSTER_CLASSES_PER_YEAR]
    born = date(2021 - year_group, 9, 1).toordinal() + int(rng.integers(0, 365))
    flag = lambda share: "Yes" if rng.random() < share else "No"  # noqa: E731
    upn_la, upn_school = 938, 3999
    return [
        _upn(upn_la, upn_school, serial),
        FIRST_NAMES[serial % len(FIRST_NAMES)],
        LAST_NAMES[(serial // len(FIRST_NAMES)) % len(LAST_NAMES)],
        "",
        date.fromordinal(born).strftime("%d/%m/%Y"),
        "Female" if rng.random() < 0.49 else "Male",
        "Reception" if year_group == 0 else f"Year {year_group}",
        f"{'R' if year_group == 0 else year_group}{form}",
        SEN_STATUSES[int(rng.integers(0, len(SEN_STATUSES)))],
        flag(0.27), flag(0.25), flag(0.2),
    ]  # fmt: skip


def _upn(la: int, establishment: int, serial: int) -> str:
    return make_upn(la, establishment, 19 + serial // 1000, serial % 1000)


def time_snapshot_check(store: Store) -> dict:
    """The check of every snapshot file that history reads start with: the first
    in a process reads each file whole; after that, the answer is remembered."""
    started = time.perf_counter()
    files = readable_snapshot_files(store)
    first = time.perf_counter() - started
    started = time.perf_counter()
    readable_snapshot_files(store)
    again = time.perf_counter() - started
    return {"first_s": round(first, 3), "again_s": round(again, 3),
            "files": len(files.readable)}  # fmt: skip
