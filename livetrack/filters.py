"""The one filter model of every leader page, and its place in a page's address.

A Filters value says which pupil-subject facts a leader is looking at: their
year groups, classes, subjects and characteristics. It turns into a SQL
condition over fact columns, and into query parameters, so that a view can
be bookmarked or sent to a colleague and opens the same.
"""

from dataclasses import dataclass, fields

from livetrack.domain import SEND_PROVISIONS, SEXES, year_group_label
from livetrack.store.facts import ATTENDANCE_BANDS, BEHAVIOUR_BANDS

# The yes/no characteristics, by fact column, with the words for each answer.
FLAGS = {
    "pupil_premium": ("PP", "not PP"),
    "fsm": ("FSM", "not FSM"),
    "eal": ("EAL", "not EAL"),
    "looked_after": ("looked after", "not looked after"),
    "summer_born": ("summer-born", "not summer-born"),
}
# Fact columns that take a list of allowed values, and the values allowed.
CHOICES = {
    "send": set(SEND_PROVISIONS),
    "sex": set(SEXES),
    "attendance_band": set(ATTENDANCE_BANDS),
    "behaviour_band": set(BEHAVIOUR_BANDS),
}
ID_LISTS = {
    "year_group": "year_groups",
    "class_id": "class_ids",
    "subject_id": "subject_ids",
}


@dataclass(frozen=True)
class Filters:
    """What a leader is looking at; an empty tuple or None means "any"."""

    school_id: int | None = None
    year_groups: tuple[int, ...] = ()
    class_ids: tuple[int, ...] = ()
    subject_ids: tuple[int, ...] = ()
    send: tuple[str, ...] = ()
    sex: tuple[str, ...] = ()
    attendance_band: tuple[str, ...] = ()
    behaviour_band: tuple[str, ...] = ()
    pupil_premium: bool | None = None
    fsm: bool | None = None
    eal: bool | None = None
    looked_after: bool | None = None
    summer_born: bool | None = None

    def where(self, alias: str = "f") -> tuple[str, list]:
        """A condition over the fact columns (with bands) of `alias`, and its params."""
        clauses, params = ["true"], []
        for column, name in ID_LISTS.items():
            values = getattr(self, name)
            if values:
                clauses.append(f"list_contains(?::integer[], {alias}.{column})")
                params.append(list(values))
        for column in CHOICES:
            values = getattr(self, column)
            if values:
                clauses.append(f"list_contains(?::varchar[], {alias}.{column})")
                params.append(list(values))
        for column in FLAGS:
            value = getattr(self, column)
            if value is not None:
                clauses.append(f"{alias}.{column} = ?")
                params.append(value)
        return " and ".join(clauses), params

    def to_query(self) -> dict[str, str]:
        """The filters as query parameters: only those set, lists comma-separated."""
        query = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value is None or value == ():
                continue
            if isinstance(value, bool):
                query[field.name] = "yes" if value else "no"
            elif isinstance(value, tuple):
                query[field.name] = ",".join(str(item) for item in value)
            else:
                query[field.name] = str(value)
        return query

    @classmethod
    def from_query(cls, query: dict[str, str]) -> "Filters":
        """Filters from query parameters; anything unreadable is left as "any"."""
        values: dict = {}
        if _is_int(query.get("school_id", "")):
            values["school_id"] = int(query["school_id"])
        for name in ID_LISTS.values():
            items = _items(query.get(name, ""))
            values[name] = tuple(int(item) for item in items if _is_int(item))
        for column, allowed in CHOICES.items():
            items = _items(query.get(column, ""))
            values[column] = tuple(item for item in items if item in allowed)
        for column in FLAGS:
            answer = query.get(column, "")
            values[column] = {"yes": True, "no": False}.get(answer)
        return cls(**values)

    def describe(self, names: dict[str, dict[int, str]] | None = None) -> str:
        """The filters in words ('Year 3, SEN support, PP'), or 'All pupils'."""
        names = names or {}
        parts = [year_group_label(year) for year in self.year_groups]
        parts += [names.get("classes", {}).get(i, f"class {i}") for i in self.class_ids]
        parts += [
            names.get("subjects", {}).get(i, f"subject {i}") for i in self.subject_ids
        ]
        parts += [SEND_PROVISIONS[code] for code in self.send]
        parts += [SEXES[code].lower() for code in self.sex]
        parts += [ATTENDANCE_BANDS[code] for code in self.attendance_band]
        parts += [BEHAVIOUR_BANDS[code] for code in self.behaviour_band]
        for column, (yes, no) in FLAGS.items():
            value = getattr(self, column)
            if value is not None:
                parts.append(yes if value else no)
        return ", ".join(parts) if parts else "All pupils"


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _is_int(text: str) -> bool:
    return text.isdigit() and len(text) < 10
