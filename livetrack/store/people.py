"""People: staff as LiveTrack knows them, their roles and areas, and admin edits."""

import duckdb
import pandas as pd

from livetrack.access import ADMIN, TRUST_LEADER, Person
from livetrack.domain import ROLES
from livetrack.errors import InvalidInput
from livetrack.scope import Scope
from livetrack.store.audit import PERSON_ADDED, ROLE_CHANGED, record_event
from livetrack.store.connection import Store
from livetrack.store.schools import add_staff

PERSON_SQL = """
select s.id, s.display_name, s.email, s.role, s.school_id,
       (select list(class_id) from staff_classes where staff_id = s.id),
       (select list(subject_id) from staff_subjects where staff_id = s.id),
       (select list(year_group) from staff_year_groups where staff_id = s.id)
from staff s
"""


def _person(row: tuple | None) -> Person | None:
    if row is None:
        return None
    staff_id, name, email, role, school_id, classes, subjects, years = row
    return Person(
        staff_id, name, email, role, school_id,
        frozenset(classes or ()), frozenset(subjects or ()), frozenset(years or ()),
    )  # fmt: skip


def load_person(store: Store, staff_id: int) -> Person | None:
    """An active member of staff by id, or None."""
    rows = store.rows(f"{PERSON_SQL} where s.id = ? and s.active", [staff_id])
    return _person(rows[0] if rows else None)


def find_person(store: Store, email: str) -> Person | None:
    """The active member of staff with this email address (any case), or None."""
    rows = store.rows(
        f"{PERSON_SQL} where lower(s.email) = lower(?) and s.active order by s.id",
        [email.strip()],
    )
    return _person(rows[0] if rows else None)


def find_person_any(store: Store, email: str) -> Person | None:
    """Anyone with this email address, even if they may no longer sign in."""
    rows = store.rows(
        f"{PERSON_SQL} where lower(s.email) = lower(?) order by s.id", [email.strip()]
    )
    return _person(rows[0] if rows else None)


def load_people(store: Store, scope: Scope, school_id: int) -> pd.DataFrame:
    """A school's staff and the trust's, with their areas in words, for the admin."""
    scope.require_administer()
    scope.within_school(school_id)
    return store.frame(
        """
        select s.id, s.display_name, s.email, s.role, s.active, s.school_id,
               (select string_agg(c.name, ', ' order by c.year_group, c.name)
                  from staff_classes sc join classes c on c.id = sc.class_id
                 where sc.staff_id = s.id) as classes,
               (select string_agg(j.name, ', ' order by j.position)
                  from staff_subjects ss join subjects j on j.id = ss.subject_id
                 where ss.staff_id = s.id) as subjects,
               (select list(year_group order by year_group)
                  from staff_year_groups where staff_id = s.id) as year_groups
        from staff s
        where s.school_id = ? or s.school_id is null
        order by list_position(?, s.role), s.display_name
        """,
        [school_id, ROLES],
    )


def load_demo_people(store: Store) -> list[Person]:
    """Everyone a demo visitor may sign in as, the trust's leaders first."""
    rows = store.rows(
        f"{PERSON_SQL} where s.active"
        " order by s.school_id nulls first, list_position(?, s.role), s.display_name",
        [ROLES],
    )
    return [_person(row) for row in rows]


def _check_person(
    cursor: duckdb.DuckDBPyConnection,
    name: str,
    email: str,
    role: str,
    staff_id: int | None = None,
) -> None:
    if not name.strip():
        raise InvalidInput("A person needs a name.")
    if name.strip().startswith(("=", "+", "-", "@")):
        raise InvalidInput(
            f'"{name.strip()}" cannot be a name: it starts like a formula.'
        )
    if "@" not in email or " " in email.strip():
        raise InvalidInput(f'"{email}" is not an email address.')
    if role not in ROLES:
        raise InvalidInput(f'"{role}" is not a role LiveTrack knows.')
    taken = cursor.execute(
        "select count(*) from staff where lower(email) = lower(?) and id <> ?",
        [email.strip(), staff_id or -1],
    ).fetchone()[0]
    if taken:
        raise InvalidInput(f"Someone in LiveTrack already signs in as {email}.")


def add_person(
    store: Store,
    actor_id: int | None,
    school_id: int | None,
    name: str,
    email: str,
    role: str,
    area: dict[str, list[int]] | None = None,
) -> int:
    """Add a member of staff with their area (classes, subjects, year_groups)."""
    area = area or {}
    if role != TRUST_LEADER and school_id is None:
        raise InvalidInput("Everyone but a trust leader belongs to a school.")
    with store.transaction() as cursor:
        _check_person(cursor, name, email, role)
        staff_id = add_staff(
            cursor, None if role == TRUST_LEADER else school_id,
            name.strip(), email.strip(), role, area.get("classes", []),
        )  # fmt: skip
        write_area(cursor, staff_id, area)
        record_event(
            cursor, actor_id, school_id, PERSON_ADDED, person_id=staff_id, role=role
        )
    return staff_id


def change_person(
    store: Store,
    actor_id: int | None,
    staff_id: int,
    role: str,
    area: dict[str, list[int]],
    active: bool = True,
) -> None:
    """Give someone a new role, area or access (inactive people cannot sign in)."""
    with store.transaction() as cursor:
        found = cursor.execute(
            "select display_name, email, role, school_id, active from staff"
            " where id = ?",
            [staff_id],
        ).fetchone()
        if found is None:
            raise InvalidInput("That person is not in LiveTrack.")
        name, email, was, school_id, was_active = found
        _check_person(cursor, name, email, role, staff_id)
        if staff_id == actor_id and (role != ADMIN or not active):
            raise InvalidInput("You cannot take away your own admin access.")
        cursor.execute(
            "update staff set role = ?, active = ? where id = ?",
            [role, active, staff_id],
        )
        for table in ("staff_classes", "staff_subjects", "staff_year_groups"):
            # `table` is one of three names above, never input.
            cursor.execute(f"delete from {table} where staff_id = ?", [staff_id])
        if area.get("classes"):
            cursor.executemany(
                "insert into staff_classes values (?, ?)",
                [[staff_id, class_id] for class_id in area["classes"]],
            )
        write_area(cursor, staff_id, area)
        record_event(
            cursor, actor_id, school_id, ROLE_CHANGED, person_id=staff_id,
            role_was=was, role=role, active_was=was_active, active=active,
        )  # fmt: skip


def write_area(
    cursor: duckdb.DuckDBPyConnection, staff_id: int, area: dict[str, list[int]]
) -> None:
    """A lead's subjects and year groups (classes are written with the person)."""
    if area.get("subjects"):
        cursor.executemany(
            "insert into staff_subjects values (?, ?)",
            [[staff_id, subject_id] for subject_id in area["subjects"]],
        )
    if area.get("year_groups"):
        cursor.executemany(
            "insert into staff_year_groups values (?, ?)",
            [[staff_id, year_group] for year_group in area["year_groups"]],
        )
