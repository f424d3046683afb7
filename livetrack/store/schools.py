"""Schools and their set-up: calendar, classes, tracked subjects and staff."""

from datetime import date

import duckdb
import pandas as pd

from livetrack.calendar import HalfTerm
from livetrack.scope import Scope
from livetrack.store.connection import Store

DEFAULT_SCHOOL_NAME = "Our school"


def create_school(
    cursor: duckdb.DuckDBPyConnection,
    name: str,
    la_code: int,
    establishment_number: int,
    is_demo: bool = False,
) -> int:
    """Add a school and return its id."""
    return cursor.execute(
        "insert into schools (name, la_code, establishment_number, is_demo)"
        " values (?, ?, ?, ?) returning id",
        [name, la_code, establishment_number, is_demo],
    ).fetchone()[0]


def rename_school(store: Store, school_id: int, name: str) -> None:
    with store.transaction() as cursor:
        cursor.execute("update schools set name = ? where id = ?", [name, school_id])


def load_schools(store: Store, scope: Scope) -> pd.DataFrame:
    """The schools a person may see, in name order."""
    where, params = scope.where(school="id")
    return store.frame(
        "select id, name, la_code, establishment_number, is_demo from schools"
        f" where {where} order by name",
        params,
    )


def load_school_names(store: Store) -> dict[int, str]:
    """Every school's name by id, for labels (names of schools are not personal)."""
    return dict(store.rows("select id, name from schools order by id"))


def is_demo_database(store: Store) -> bool:
    """True when every school was made by the demo builder."""
    return bool(store.value("select count(*) > 0 and bool_and(is_demo) from schools"))


def save_academic_year(
    cursor: duckdb.DuckDBPyConnection,
    school_id: int,
    academic_year: str,
    tracking_starts_on: date,
    half_terms: list[HalfTerm],
) -> None:
    """Set (or reset) a school's dates for one academic year."""
    cursor.execute(
        "insert or replace into academic_years values (?, ?, ?)",
        [school_id, academic_year, tracking_starts_on],
    )
    cursor.executemany(
        "insert or replace into half_terms values (?, ?, ?, ?, ?)",
        [
            [school_id, h.academic_year, h.code, h.starts_on, h.ends_on]
            for h in half_terms
        ],
    )


def load_half_terms(store: Store, school_id: int, academic_year: str) -> list[HalfTerm]:
    rows = store.rows(
        "select academic_year, half_term, starts_on, ends_on from half_terms"
        " where school_id = ? and academic_year = ? order by starts_on",
        [school_id, academic_year],
    )
    return [HalfTerm(*row) for row in rows]


def load_tracking_start(
    store: Store, school_id: int, academic_year: str
) -> date | None:
    return store.value(
        "select tracking_starts_on from academic_years"
        " where school_id = ? and academic_year = ?",
        [school_id, academic_year],
    )


def ensure_class(
    cursor: duckdb.DuckDBPyConnection, school_id: int, name: str, year_group: int
) -> int:
    """The id of a school's class by name, created (or moved year group) as needed."""
    found = cursor.execute(
        "select id, year_group from classes where school_id = ? and name = ?",
        [school_id, name],
    ).fetchone()
    if found is None:
        return cursor.execute(
            "insert into classes (school_id, name, year_group) values (?, ?, ?)"
            " returning id",
            [school_id, name, year_group],
        ).fetchone()[0]
    class_id, current_year_group = found
    if current_year_group != year_group:
        cursor.execute(
            "update classes set year_group = ? where id = ?", [year_group, class_id]
        )
    return class_id


def load_classes(store: Store, scope: Scope, school_id: int) -> pd.DataFrame:
    """A school's classes that the person may see, with their pupils on roll."""
    where, params = scope.where(
        school="c.school_id", klass="c.id", year_group="c.year_group"
    )
    return store.frame(
        f"""
        select c.id, c.name, c.year_group, count(p.id) as pupils
        from classes c
        left join pupils p on p.class_id = c.id and p.left_on is null
        where c.school_id = ? and {where}
        group by all
        order by c.year_group, c.name
        """,
        [school_id, *params],
    )


def add_subject(
    cursor: duckdb.DuckDBPyConnection,
    school_id: int,
    name: str,
    position: int,
    year_groups: list[int],
) -> int:
    """Track a subject in a school for the given year groups; returns its id."""
    subject_id = cursor.execute(
        "insert into subjects (school_id, name, position) values (?, ?, ?)"
        " returning id",
        [school_id, name, position],
    ).fetchone()[0]
    cursor.executemany(
        "insert into subject_year_groups values (?, ?)",
        [[subject_id, year_group] for year_group in year_groups],
    )
    return subject_id


def load_subjects(store: Store, scope: Scope, school_id: int) -> pd.DataFrame:
    """A school's tracked subjects in their school's order, with their year groups."""
    where, params = scope.where(school="s.school_id", subject="s.id")
    return store.frame(
        f"""
        select s.id, s.name, s.position,
               list(g.year_group order by g.year_group) as year_groups
        from subjects s
        join subject_year_groups g on g.subject_id = s.id
        where s.school_id = ? and {where}
        group by s.id, s.name, s.position
        order by s.position
        """,
        [school_id, *params],
    )


def add_staff(
    cursor: duckdb.DuckDBPyConnection,
    school_id: int | None,
    display_name: str,
    email: str,
    role: str,
    class_ids: list[int] = (),
) -> int:
    """Add a member of staff, and the classes they teach; returns their id."""
    staff_id = cursor.execute(
        "insert into staff (school_id, display_name, email, role)"
        " values (?, ?, ?, ?) returning id",
        [school_id, display_name, email, role],
    ).fetchone()[0]
    if class_ids:
        cursor.executemany(
            "insert into staff_classes values (?, ?)",
            [[staff_id, class_id] for class_id in class_ids],
        )
    return staff_id


def ensure_office_account(cursor: duckdb.DuckDBPyConnection, school_id: int) -> int:
    """The school's admin account that imports and set-up are recorded against."""
    email = f"office@school-{school_id}.invalid"
    found = cursor.execute("select id from staff where email = ?", [email]).fetchone()
    if found:
        return found[0]
    return add_staff(cursor, school_id, "School office", email, "admin")
