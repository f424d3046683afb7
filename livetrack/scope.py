"""What one person may see and change: every read and write takes a Scope."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """The schools, classes and subjects a person may reach.

    `None` for a set means no limit on that axis. `names_visible` says
    whether pupils may be named; `can_record` whether statuses may change.
    """

    school_ids: frozenset[int] | None = None
    class_ids: frozenset[int] | None = None
    subject_ids: frozenset[int] | None = None
    names_visible: bool = True
    can_record: bool = True

    @classmethod
    def everything(cls) -> "Scope":
        """The whole trust, named and writable: the demo before sign-in."""
        return cls()

    def allows_school(self, school_id: int) -> bool:
        return self.school_ids is None or school_id in self.school_ids

    def allows_class(self, class_id: int) -> bool:
        return self.class_ids is None or class_id in self.class_ids


def as_list(ids: frozenset[int] | None) -> list[int] | None:
    """A scope axis as a bound parameter: a sorted list, or NULL for no limit."""
    return None if ids is None else sorted(ids)
