"""Downloads that are safe to open in Excel."""

import io

import openpyxl
import pandas as pd

from livetrack.exports import to_csv, to_xlsx

RISKY = pd.DataFrame(
    {
        "Pupil": ['=HYPERLINK("http://x")', "+1+A1", "-2*A2", "@SUM(A1)", "Ann"],
        "n": [1, 2, 3, 4, 5],
    }
)


def test_a_csv_never_starts_a_cell_with_a_formula():
    text = to_csv(RISKY).decode("utf-8-sig")
    cells = [line.split(",")[0].strip('"') for line in text.splitlines()[1:]]
    assert cells[:4] == ['\'=HYPERLINK(""http://x"")', "'+1+A1", "'-2*A2", "'@SUM(A1)"]
    assert cells[4] == "Ann"


def test_a_workbook_holds_formula_like_text_as_text():
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(RISKY))).active
    pupils = [cell for (cell,) in sheet.iter_rows(min_row=2, max_col=1)]
    assert [cell.value for cell in pupils][:2] == ['=HYPERLINK("http://x")', "+1+A1"]
    assert all(cell.data_type == "s" for cell in pupils)
    assert [cell.value for (cell,) in sheet.iter_rows(min_row=2, min_col=2)] == [
        1, 2, 3, 4, 5,
    ]  # fmt: skip


def test_a_signed_figure_stays_a_figure():
    figures = pd.DataFrame({"Gap": ["+15.1 pts", "-0.9 pts", "-3%", "+2"]})
    text = to_csv(figures).decode("utf-8-sig")
    assert text.splitlines()[1:] == ["+15.1 pts", "-0.9 pts", "-3%", "+2"]
