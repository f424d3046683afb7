"""Small schools built by hand, so that every figure can be counted on fingers."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from livetrack.calendar import default_half_terms, default_tracking_start
from livetrack.store import Store
from livetrack.store.pupils import PUPIL_COLUMNS, insert_pupils
from livetrack.store.schools import (
    add_staff,
    add_subject,
    create_school,
    ensure_class,
    save_academic_year,
)
from livetrack.upn import make_upn

ACADEMIC_YEAR = "2026-27"
TODAY = date(2026, 12, 3)
# The fictional school's MIS exports, in ../shared beside the repository.
SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
needs_samples = pytest.mark.skipif(
    not SAMPLES.exists(), reason="shared/samples is not beside the repo"
)


def pupil_row(school_id, serial, first, last, year_group, class_id, **details):
    """One pupil with a valid UPN and plain defaults for every characteristic."""
    row = {
        "school_id": school_id,
        "upn": make_upn(201, 2000 + school_id, 20, serial),
        "legal_first_name": first,
        "legal_last_name": last,
        "preferred_first_name": None,
        "date_of_birth": date(2026 - 5 - year_group, 1, 15),
        "sex": "F",
        "year_group": year_group,
        "class_id": class_id,
        "send": "N",
        "primary_need": None,
        "pupil_premium": False,
        "fsm": False,
        "eal": False,
        "looked_after": False,
        "joined_on": date(2022, 9, 1),
        "left_on": None,
    }
    row.update(details)
    return row


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "data")
    yield store
    store.close()


@pytest.fixture
def school(store):
    """A tiny school: classes 3A (4 pupils) and 4B (2 pupils); Reading, Maths, French.

    French is tracked in Year 4 only, so 3A has 8 statuses and 4B has 6.
    """
    with store.transaction() as cursor:
        school_id = create_school(cursor, "Test Primary", 201, 2001)
        save_academic_year(
            cursor,
            school_id,
            ACADEMIC_YEAR,
            default_tracking_start(ACADEMIC_YEAR),
            default_half_terms(ACADEMIC_YEAR),
        )
        class_3a = ensure_class(cursor, school_id, "3A", 3)
        class_4b = ensure_class(cursor, school_id, "4B", 4)
        reading = add_subject(cursor, school_id, "Reading", 1, [3, 4])
        maths = add_subject(cursor, school_id, "Maths", 2, [3, 4])
        french = add_subject(cursor, school_id, "French", 3, [4])
        teacher = add_staff(
            cursor, school_id, "Ms Teacher", "t@test.invalid", "teacher", [class_3a]
        )
        rows = [
            pupil_row(
                school_id, 1, "Amy", "Adams", 3, class_3a, send="K", pupil_premium=True
            ),
            pupil_row(school_id, 2, "Ben", "Brown", 3, class_3a, sex="M"),
            pupil_row(
                school_id, 3, "Cara", "Cole", 3, class_3a, fsm=True, pupil_premium=True
            ),
            pupil_row(school_id, 4, "Dev", "Dutt", 3, class_3a, sex="M", eal=True),
            pupil_row(school_id, 5, "Eve", "Ellis", 4, class_4b, send="E"),
            pupil_row(school_id, 6, "Finn", "Ford", 4, class_4b, sex="M"),
            pupil_row(
                school_id, 7, "Gus", "Gone", 4, class_4b, left_on=date(2026, 10, 1)
            ),
        ]
        pupil_ids = insert_pupils(cursor, pd.DataFrame(rows, columns=PUPIL_COLUMNS))
    return {
        "id": school_id,
        "classes": {"3A": class_3a, "4B": class_4b},
        "subjects": {"Reading": reading, "Maths": maths, "French": french},
        "teacher": teacher,
        "pupils": {row["legal_first_name"]: int(pupil_ids[row["upn"]]) for row in rows},
    }


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory):
    """The one-school demo, built once, where the app under AppTest will find it."""
    from livetrack.demo import build_demo
    from livetrack.paths import DATA_DIR_VARIABLE
    from livetrack.ui.context import TODAY_VARIABLE, open_store

    data_dir = tmp_path_factory.mktemp("demo")
    patch = pytest.MonkeyPatch()
    patch.setenv(DATA_DIR_VARIABLE, str(data_dir))
    patch.setenv(TODAY_VARIABLE, TODAY.isoformat())
    store = open_store(str(data_dir))
    build_demo(store, today=TODAY)
    yield store
    patch.undo()
