"""Tables as files a school can open safely: CSV and Excel, with no live formulas.

A cell that starts with =, +, -, @, a tab or a carriage return is read by
Excel as a formula. In a CSV every such text cell gets a leading apostrophe;
in a workbook it is written as text with Excel's own quote prefix, so it
shows as typed and never runs.
"""

import io
import logging
import re

import openpyxl
import openpyxl.styles
import pandas as pd

log = logging.getLogger(__name__)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed figure such as "+1.5 pts" or "-3%" is text Excel cannot run.
SIGNED_FIGURE = re.compile(r"[+-]\d[\d,.]*( pts|%)?")


def safe_text(value):
    """A cell's value with any formula-like text made inert."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not SIGNED_FIGURE.fullmatch(value)
    ):
        return "'" + value
    return value


def safe_for_excel(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of the table whose text cells and headers cannot run as formulas."""
    safe = table.copy()
    safe.columns = [safe_text(str(column)) for column in safe.columns]
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(safe_text)
    return safe


def to_csv(table: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads names with accents rightly."""
    return safe_for_excel(table).to_csv(index=False).encode("utf-8-sig")


def to_xlsx(table: pd.DataFrame, sheet: str = "LiveTrack") -> bytes:
    """A workbook of one sheet: headers in bold, every formula-like text inert."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet[:31]
    worksheet.append([str(column) for column in table.columns])
    for row in table.itertuples(index=False):
        worksheet.append([_plain(value) for value in row])
    for cells in worksheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"
                cell.quotePrefix = True
    for cell in worksheet[1]:
        cell.font = openpyxl.styles.Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _plain(value):
    """A value openpyxl can write: missing as blank, lists as text."""
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        return ", ".join(str(item) for item in list(value))
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value
    return value
