"""Reading a pupil roster file and checking all of it before anything is written.

Every problem in the file is collected, not just the first, each as a line a
school office can find in Excel: the header is line 1, the first pupil line 2.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from livetrack.domain import year_group_label
from livetrack.errors import ImportRejected
from livetrack.importers.fields import (
    CHECK_THE_MIS,
    KEEP,
    BadValue,
    Field,
    match_headers,
    missing_fields,
)
from livetrack.importers.files import Source, read_rows, unreadable

# A report title or an export date can sit above the headers.
HEADER_SEARCH_ROWS = 10
SHOWN_CHARACTERS = 40
SHOWN_HEADERS = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, on the line a school office will look at."""

    line: int
    text: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.text}"


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


def read_roster(source: Source, today: date | None = None) -> Roster:
    """Read and check a whole pupil file; ImportRejected lists every problem."""
    rows = read_rows(source)
    header_index = _find_header(rows)
    columns = match_headers(rows[header_index])
    _check_columns(columns, rows[header_index], header_index + 1)

    pupils, problems = _read_pupils(rows, header_index, columns, today or date.today())
    problems += _repeated_upns(pupils) + _classes_with_two_year_groups(pupils)
    if not pupils and not problems:
        problems.append(
            Problem(header_index + 1, "the file has headers but no pupils.")
        )
    if problems:
        raise rejected(problems)
    return Roster(pupils)


def rejected(problems: list[Problem]) -> ImportRejected:
    """The error for a file with problems, listed in line order."""
    count = len(problems)
    message = (
        f"The pupil file was not imported: {count} "
        f"{'problem' if count == 1 else 'problems'} to put right. "
        "Nothing in LiveTrack has changed."
    )
    ordered = sorted(problems, key=lambda problem: problem.line)
    return ImportRejected(message, [str(problem) for problem in ordered])


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _find_header(rows: list[list[str]]) -> int:
    """The row of column headers: the first that names every required column."""
    filled = [index for index, cells in enumerate(rows) if not _is_blank(cells)]
    if not filled:
        raise unreadable("The file is empty. Please export the pupil list again.")
    for index in filled[:HEADER_SEARCH_ROWS]:
        if not missing_fields(match_headers(rows[index])):
            return index
    return filled[0]


def _check_columns(columns: dict, headers: list[str], line: int) -> None:
    missing = missing_fields(columns)
    if not missing:
        return
    wanted = _or_list([field.label for field in missing])
    examples = _or_list([f'"{a}"' for field in missing for a in field.aliases[:2]])
    found = [_quoted(header) for header in headers if header.strip()]
    shown = ", ".join(found[:SHOWN_HEADERS]) + (
        ", ..." if found[SHOWN_HEADERS:] else ""
    )
    raise rejected(
        [
            Problem(
                line,
                f"the file has no column for the {wanted}. LiveTrack looks for "
                f"headers such as {examples}; the headers found are: "
                f"{shown or 'none'}. Please add the missing columns to the MIS "
                "report and export it again.",
            )
        ]
    )


def _or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _quoted(text: str) -> str:
    """A cell's text fit to show in a message: printable, quoted, not too long."""
    shown = "".join(c if c.isprintable() else "?" for c in text.strip())
    if len(shown) > SHOWN_CHARACTERS:
        shown = shown[: SHOWN_CHARACTERS - 3] + "..."
    return f'"{shown}"'


def _read_pupils(rows, header_index, columns, today) -> tuple[list, list]:
    """Every pupil row below the header, and the problems found in them."""
    width = len(rows[header_index])
    pupils, problems = [], []
    for index in range(header_index + 1, len(rows)):
        if _is_blank(rows[index]):
            continue
        pupil, found = _read_pupil(rows[index], columns, index + 1, today)
        pupils.append(pupil)
        problems += found + _stray_cells(rows[index], width, index + 1)
    return pupils, problems


def _read_pupil(cells, columns, line, today) -> tuple[dict, list[Problem]]:
    pupil, problems = {"line": line}, []
    for column, (field, position) in columns.items():
        text = cells[position].strip() if position < len(cells) else ""
        try:
            value = _read_value(field, text)
        except BadValue as error:
            problems.append(Problem(line, str(error)))
            continue
        if value is not KEEP:
            pupil[column] = value
    return pupil, problems + _future_birth(pupil, today)


def _read_value(field: Field, text: str) -> object:
    if not text and field.required:
        raise BadValue(
            f"the {field.label} is blank; please fill it in in the MIS and "
            "export the file again."
        )
    if not text:
        return field.blank
    try:
        return field.read(text)
    except BadValue as error:
        raise BadValue(f"the {field.label} {_quoted(text)} {error}.") from None


def _future_birth(pupil: dict, today: date) -> list[Problem]:
    born = pupil.get("date_of_birth")
    if born is None or born <= today:
        return []
    return [
        Problem(
            pupil["line"],
            f"the date of birth {born:%d/%m/%Y} is in the future; {CHECK_THE_MIS}.",
        )
    ]


def _stray_cells(cells: list[str], width: int, line: int) -> list[Problem]:
    if _is_blank(cells[width:]):
        return []
    return [
        Problem(
            line,
            "this row has more values than there are column headers; a name "
            "may hold a comma. Please check the row in the MIS and export again.",
        )
    ]


def _repeated_upns(pupils: list[dict]) -> list[Problem]:
    first_line: dict[str, int] = {}
    problems = []
    for pupil in pupils:
        upn = pupil.get("upn")
        if upn in first_line:
            problems.append(
                Problem(
                    pupil["line"],
                    f'the UPN "{upn}" is also on line {first_line[upn]}; each '
                    "pupil should appear once, so please remove one of the rows.",
                )
            )
        elif upn is not None:
            first_line[upn] = pupil["line"]
    return problems


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
                f"class {_quoted(pupil['class_name'])} is "
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
