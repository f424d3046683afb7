"""What one person may see and change: every read and write takes a Scope.

A Scope limits rows along four axes (schools, classes, subjects, year
groups) and says what kind of rows may be read at all. The storage layer
turns it into SQL with `Scope.where`, so no page can forget it.
"""

from dataclasses import dataclass, replace

from livetrack.errors import NotAllowed


@dataclass(frozen=True)
class Scope:
    """The reach of one person.

    `None` for an axis means no limit on it. `pupil_rows` says whether
    individual pupils may be read at all (a governor sees figures only);
    `names_visible` whether they may be named; `send_detail` whether primary
    needs may be read; `can_record` whether statuses may change;
    `can_plan` whether interventions may be written; `can_administer`
    whether imports, the calendar and people may change.
    """

    school_ids: frozenset[int] | None = None
    class_ids: frozenset[int] | None = None
    subject_ids: frozenset[int] | None = None
    year_groups: frozenset[int] | None = None
    pupil_rows: bool = True
    names_visible: bool = True
    send_detail: bool = True
    can_record: bool = True
    can_plan: bool = True
    can_administer: bool = True

    @classmethod
    def everything(cls) -> "Scope":
        """The whole trust, named and writable: the command line and the demo build."""
        return cls()

    @classmethod
    def nothing(cls) -> "Scope":
        """No rows at all: what a visitor who has not signed in reaches."""
        return cls(
            school_ids=frozenset(),
            pupil_rows=False,
            names_visible=False,
            send_detail=False,
            can_record=False,
            can_plan=False,
            can_administer=False,
        )

    def allows_school(self, school_id: int) -> bool:
        return self.school_ids is None or school_id in self.school_ids

    def allows_class(self, class_id: int) -> bool:
        return self.class_ids is None or class_id in self.class_ids

    def within_school(self, school_id: int) -> "Scope":
        """This scope narrowed to one school (NotAllowed when it is out of reach)."""
        if not self.allows_school(school_id):
            raise NotAllowed("That school is not one you can see.")
        return replace(self, school_ids=frozenset({school_id}))

    def require_pupil_rows(self) -> None:
        """Raise NotAllowed for a person who may read figures but never a pupil."""
        if not self.pupil_rows:
            raise NotAllowed(
                "Your role shows figures for groups of pupils, never one pupil."
            )

    def require_administer(self) -> None:
        if not self.can_administer:
            raise NotAllowed("Only an admin can do this.")

    def where(
        self,
        school: str | None = None,
        klass: str | None = None,
        subject: str | None = None,
        year_group: str | None = None,
    ) -> tuple[str, list]:
        """A SQL condition limiting the named columns to this scope, and its parameters.

        The column names come from the calling query, never from input; each
        axis not named is not filtered here.
        """
        axes = [
            (school, self.school_ids),
            (klass, self.class_ids),
            (subject, self.subject_ids),
            (year_group, self.year_groups),
        ]
        clauses, params = ["true"], []
        for column, ids in axes:
            if column is None:
                continue
            clauses.append(
                f"(?::integer[] is null or list_contains(?::integer[], {column}))"
            )
            params += [as_list(ids)] * 2
        return " and ".join(clauses), params


def as_list(ids: frozenset[int] | None) -> list[int] | None:
    """A scope axis as a bound parameter: a sorted list, or NULL for no limit."""
    return None if ids is None else sorted(ids)
