"""Reading a file a school exported into rows of text, whatever program saved it.

Row i of the result is row i + 1 as Excel shows it, so problems can name the
line a school office will find when it opens the file.
"""

import codecs
import csv
import io
import os
from datetime import datetime
from typing import BinaryIO

import openpyxl

from livetrack.errors import ImportRejected

Source = str | os.PathLike | bytes | BinaryIO

XLSX_SIGNATURE = b"PK\x03\x04"
OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Excel saves "CSV UTF-8" with a BOM and plain "CSV" in Windows-1252.
TEXT_ENCODINGS = ("utf-8-sig", "cp1252")
DELIMITERS = ",;\t"

NOT_READABLE = (
    "The file could not be read as a spreadsheet. Please export it from the "
    "MIS as CSV, or save it from Excel as CSV UTF-8 or as .xlsx."
)


def unreadable(problem: str = NOT_READABLE) -> ImportRejected:
    return ImportRejected("The file could not be read; nothing was changed.", [problem])


def read_rows(source: Source) -> list[list[str]]:
    """Every row of a CSV or .xlsx file as a list of cell texts."""
    data = read_source_bytes(source)
    if data.startswith(XLSX_SIGNATURE):
        return _workbook_rows(data)
    if data.startswith(OLD_EXCEL_SIGNATURE):
        raise unreadable(
            "The file is an old-style Excel workbook (.xls). Please save it "
            "from Excel as .xlsx or as CSV UTF-8."
        )
    return _csv_rows(_decode(data))


def read_source_bytes(source: Source) -> bytes:
    """The bytes of a path, an upload or bytes themselves."""
    if isinstance(source, bytes):
        return source
    if hasattr(source, "read"):
        return source.read()
    try:
        with open(source, "rb") as file:
            return file.read()
    except OSError as error:
        name = os.path.basename(os.fsdecode(source))
        raise unreadable(f'"{name}" could not be opened: {error.strerror}.') from None


def _decode(data: bytes) -> str:
    encodings = ("utf-16",) if data.startswith(UTF16_BOMS) else TEXT_ENCODINGS
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:  # NUL bytes mean a binary file, not text
            return text
    raise unreadable()


def _csv_rows(text: str) -> list[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error:
        raise unreadable(
            f"Line {reader.line_num}: this line could not be read as CSV. "
            + NOT_READABLE
        ) from None


def _workbook_rows(data: bytes) -> list[list[str]]:
    """The first sheet's rows, from row 1 even when the sheet starts lower."""
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True
        )
        sheet = workbook.worksheets[0]
        rows = [
            [_cell_text(value) for value in row]
            for row in sheet.iter_rows(min_row=1, values_only=True)
        ]
        workbook.close()
    # A damaged workbook can fail in openpyxl or zipfile in many ways.
    except Exception:
        raise unreadable() from None
    return rows


def _cell_text(value: object) -> str:
    """A cell's value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()  # a date of birth, not a time
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
