"""Reading a table a school exported (CSV or a sheet) against a list of Fields.

Every problem in the file is collected, not just the first, each on the line a
school office will find in Excel: the header is line 1 of a plain export, the
first data row line 2. The pupil, attendance and behaviour importers all read
their files here and add checks of their own.
"""

from dataclasses import dataclass

from livetrack.errors import ImportRejected
from livetrack.importers.fields import (
    KEEP,
    BadValue,
    Field,
    Mapping,
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


class MissingColumns(ImportRejected):
    """A file without a column LiveTrack needs: which details, and the headers found.

    The Import page asks which of `headers` holds each of `missing`, and
    remembers the answer for the school's next file.
    """

    def __init__(
        self,
        message: str,
        problems: list[str],
        missing: list[Field],
        headers: list[str],
    ):
        super().__init__(message, problems)
        self.missing = missing
        self.headers = headers


@dataclass(frozen=True)
class Table:
    """The rows of a file, read by its Fields: one dict per row, with its `line`."""

    rows: list[dict]
    problems: list[Problem]
    headers: list[str]


def read_table(
    source: Source,
    fields: list[Field],
    what: str,
    noun: str,
    mapping: Mapping | None = None,
) -> Table:
    """Read every row below the headers; a file without a needed column is refused.

    `what` names the file in messages ("pupil file"), `noun` its rows
    ("pupils"). Problems in the rows are
    returned, not raised, so that importers can add their own before refusing.
    """
    rows = read_rows(source)
    header_index = _find_header(rows, fields, mapping)
    headers = rows[header_index]
    columns = match_headers(headers, fields, mapping)
    _check_columns(columns, fields, headers, header_index + 1, what)
    records, problems = _read_records(rows, header_index, columns)
    if not records and not problems:
        problems.append(
            Problem(header_index + 1, f"the file has headers but no {noun}.")
        )
    return Table(records, problems, [header.strip() for header in headers])


def rejected(problems: list[Problem], what: str = "pupil file") -> ImportRejected:
    """The error for a file with problems, listed in line order."""
    count = len(problems)
    message = (
        f"The {what} was not imported: {count} "
        f"{'problem' if count == 1 else 'problems'} to put right. "
        "Nothing in LiveTrack has changed."
    )
    ordered = sorted(problems, key=lambda problem: problem.line)
    return ImportRejected(message, [str(problem) for problem in ordered])


def is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _find_header(rows: list[list[str]], fields: list[Field], mapping) -> int:
    """The row of column headers: the first that names every required column."""
    filled = [index for index, cells in enumerate(rows) if not is_blank(cells)]
    if not filled:
        raise unreadable("The file is empty. Please export it from the MIS again.")
    for index in filled[:HEADER_SEARCH_ROWS]:
        if not missing_fields(match_headers(rows[index], fields, mapping), fields):
            return index
    return filled[0]


def _check_columns(columns, fields, headers: list[str], line: int, what: str) -> None:
    missing = missing_fields(columns, fields)
    if not missing:
        return
    wanted = or_list([field.label for field in missing])
    examples = or_list([f'"{a}"' for field in missing for a in field.aliases[:2]])
    found = [quoted(header) for header in headers if header.strip()]
    shown = ", ".join(found[:SHOWN_HEADERS]) + (
        ", ..." if found[SHOWN_HEADERS:] else ""
    )
    problem = Problem(
        line,
        f"the file has no column for the {wanted}. LiveTrack looks for "
        f"headers such as {examples}; the headers found are: "
        f"{shown or 'none'}. Please add the missing columns to the MIS "
        "report and export it again, or say which column it is (on the Import "
        'page, or with --column "DETAIL=HEADER" on the command line).',
    )
    plain = rejected([problem], what)
    raise MissingColumns(
        str(plain), plain.problems, missing, [h.strip() for h in headers if h.strip()]
    )


def or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def quoted(text: str) -> str:
    """A cell's text fit to show in a message: printable, quoted, not too long."""
    shown = "".join(c if c.isprintable() else "?" for c in text.strip())
    if len(shown) > SHOWN_CHARACTERS:
        shown = shown[: SHOWN_CHARACTERS - 3] + "..."
    return f'"{shown}"'


def _read_records(rows, header_index, columns) -> tuple[list, list]:
    """Every row below the header, and the problems found in them."""
    width = len(rows[header_index])
    records, problems = [], []
    # A year of incidents repeats the same dates, UPNs and words many times:
    # each distinct cell of a column is read once.
    readers = {
        column: (field, position, _remembering(field))
        for column, (field, position) in columns.items()
    }
    for index in range(header_index + 1, len(rows)):
        if is_blank(rows[index]):
            continue
        record, found = _read_record(rows[index], readers, index + 1)
        records.append(record)
        problems += found + _stray_cells(rows[index], width, index + 1)
    return records, problems


def _remembering(field: Field):
    """read_value for one field, answering a cell it has read before from memory."""
    answers: dict[str, object] = {}

    def read(text: str) -> object:
        if text not in answers:
            try:
                answers[text] = read_value(field, text)
            except BadValue as error:
                answers[text] = error
        answer = answers[text]
        if isinstance(answer, BadValue):
            raise answer
        return answer

    return read


def _read_record(cells, readers, line) -> tuple[dict, list[Problem]]:
    record, problems = {"line": line}, []
    for column, (_, position, read) in readers.items():
        text = cells[position].strip() if position < len(cells) else ""
        try:
            value = read(text)
        except BadValue as error:
            problems.append(Problem(line, str(error)))
            continue
        if value is not KEEP:
            record[column] = value
    return record, problems


def read_value(field: Field, text: str) -> object:
    """One cell through its Field: the value, the blank's meaning, or BadValue."""
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
        raise BadValue(f"the {field.label} {quoted(text)} {error}.") from None


def _stray_cells(cells: list[str], width: int, line: int) -> list[Problem]:
    if is_blank(cells[width:]):
        return []
    return [
        Problem(
            line,
            "this row has more values than there are column headers; a value "
            "may hold a comma. Please check the row in the MIS and export again.",
        )
    ]


def with_blanks(records: list[dict], fields: list[Field]) -> list[dict]:
    """Records with what a blank means for each optional column the file lacks.

    For attendance and behaviour, where a missing column means none (no
    points, no category). Pupil lists keep what LiveTrack holds instead.
    """
    blanks = {
        field.column: field.blank
        for field in fields
        if not field.required and field.blank is not KEEP
    }
    return [{**blanks, **record} for record in records]


def repeated(records: list[dict], key, describe) -> list[Problem]:
    """A problem for each row whose `key` an earlier row already had."""
    first_line: dict = {}
    problems = []
    for record in records:
        value = key(record)
        if value is None:
            continue
        if value in first_line:
            problems.append(Problem(record["line"], describe(value, first_line[value])))
        else:
            first_line[value] = record["line"]
    return problems
