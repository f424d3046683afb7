"""Reading a pupil roster file and checking all of it before anything is written.

Every problem in the file is collected, not just the first, each as a line a
school office can find in Excel: the header is line 1, the first pupil line 2.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from livetrack.domain import year_group_label
from livetrack.importers.fields import CHECK_THE_MIS, FIELDS, Mapping
from livetrack.importers.files import Source
from livetrack.importers.table import Problem, quoted, read_table, rejected, repeated

WHAT = "pupil file"


@dataclass(frozen=True)
class Roster:
    """A pupil file that passed every check: one dict of details per pupil.

    A pupil holds `line` and the details the file has columns for, keyed by
    the pupils table's column names (with `class_name` for the class).
    """

    pupils: list[dict]

    @property
    def upns(self) -> list[str]:
        return [pupil["upn"] for pupil in self.pupils]


def read_roster(
    source: Source, today: date | None = None, mapping: Mapping | None = None
) -> Roster:
    """Read and check a whole pupil file; ImportRejected lists every problem.

    `mapping` names the header of any detail the school's MIS calls something
    LiveTrack does not know (MissingColumns says which are missing).
    """
    table = read_table(source, FIELDS, WHAT, "pupils", mapping)
    pupils = table.rows
    problems = (
        table.problems
        + _future_births(pupils, today or date.today())
        + _repeated_upns(pupils)
        + _classes_with_two_year_groups(pupils)
    )
    if problems:
        raise rejected(problems, WHAT)
    return Roster(pupils)


def _future_births(pupils: list[dict], today: date) -> list[Problem]:
    return [
        Problem(
            pupil["line"],
            f"the date of birth {born:%d/%m/%Y} is in the future; {CHECK_THE_MIS}.",
        )
        for pupil in pupils
        if (born := pupil.get("date_of_birth")) is not None and born > today
    ]


def _repeated_upns(pupils: list[dict]) -> list[Problem]:
    return repeated(
        pupils,
        lambda pupil: pupil.get("upn"),
        lambda upn, line: (
            f'the UPN "{upn}" is also on line {line}; each pupil should appear '
            "once, so please remove one of the rows."
        ),
    )


def _classes_with_two_year_groups(pupils: list[dict]) -> list[Problem]:
    """A line for each pupil whose year group differs from most of their class."""
    placed = [p for p in pupils if "class_name" in p and "year_group" in p]
    usual = _usual_year_groups(placed)
    problems = []
    for pupil in placed:
        year_group, seen_on = usual[pupil["class_name"]]
        if pupil["year_group"] == year_group:
            continue
        problems.append(
            Problem(
                pupil["line"],
                f"class {quoted(pupil['class_name'])} is "
                f"{year_group_label(year_group)} on line {seen_on} but "
                f"{year_group_label(pupil['year_group'])} here; a class holds one "
                "year group, so please check the year group or the class.",
            )
        )
    return problems


def _usual_year_groups(pupils: list[dict]) -> dict[str, tuple[int, int]]:
    """Each class's most common year group, and the first line that shows it."""
    counts: dict[str, Counter] = defaultdict(Counter)
    first_line: dict[tuple[str, int], int] = {}
    for pupil in pupils:
        key = (pupil["class_name"], pupil["year_group"])
        counts[key[0]][key[1]] += 1
        first_line.setdefault(key, pupil["line"])
    usual = {}
    for name, year_groups in counts.items():
        year_group = year_groups.most_common(1)[0][0]
        usual[name] = (year_group, first_line[(name, year_group)])
    return usual
