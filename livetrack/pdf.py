"""The pupil profile as a PDF that prints cleanly on A4, marked Confidential.

Built with fpdf2. Text is set in DejaVu Sans where the system has it (any
name or note prints as typed); otherwise in Helvetica, which holds Latin-1
only, so other characters print as '?'.
"""

import logging
import time
from datetime import date
from pathlib import Path

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace

from livetrack.calendar import SCHOOL_TIME_ZONE
from livetrack.interventions import outcome_label
from livetrack.profile import (
    PupilProfile,
    context_over_time,
    pupil_facts,
    status_timeline,
)

log = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = "DejaVu"
MARGIN_MM = 15
PAGE_WIDTH_MM = 210 - 2 * MARGIN_MM
SUBJECT_COLUMN_MM = 46
MAX_CHANGES = 40
CHANGE_COLUMNS_MM = (25, 30, 16, 26, 57, 26)  # the note gets the room
POINTS_PER_TABLE = 7  # a school year's six snapshots and now fit across A4
HEADING = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))


class ProfileDocument(FPDF):
    """A4 portrait with the school on top and Confidential with the date below."""

    def __init__(self, school: str, printed_on: date):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.school, self.printed_on = school, printed_on
        self.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        self.set_auto_page_break(auto=True, margin=MARGIN_MM + 5)
        self.family = _add_fonts(self)

    def header(self) -> None:
        self.set_font(self.family, "B", 11)
        self.cell(0, 6, self.school, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(120, 120, 120)
        self.line(MARGIN_MM, self.get_y(), 210 - MARGIN_MM, self.get_y())
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-MARGIN_MM)
        self.set_font(self.family, "", 8)
        self.cell(
            0, 5,
            f"Confidential · printed {self.printed_on:%-d %B %Y} · "
            f"page {self.page_no()} of {{nb}}",
            align="C",
        )  # fmt: skip


def _add_fonts(pdf: FPDF) -> str:
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        return "helvetica"
    pdf.add_font(FONT, "", str(regular))
    pdf.add_font(FONT, "B", str(bold))
    return FONT


def profile_pdf(profile: PupilProfile, printed_on: date) -> bytes:
    """The profile as PDF bytes: details, statuses, context, interventions, changes."""
    started = time.perf_counter()
    pdf = ProfileDocument(str(profile.pupil["school"]), printed_on)
    pdf.add_page()
    _title(pdf, profile)
    _section(pdf, "Status in every subject, at each snapshot and now")
    for part in in_parts(status_timeline(profile.timeline), POINTS_PER_TABLE):
        _table(pdf, part, first_width=SUBJECT_COLUMN_MM)
        pdf.ln(2)
    _section(pdf, "Attendance to date and behaviour incidents, at each point")
    _table(pdf, context_over_time(profile.timeline))
    _section(pdf, "Interventions")
    _table(pdf, intervention_rows(profile.interventions), empty="None recorded.")
    _section(pdf, "Agreed actions")
    _table(pdf, action_rows(profile.actions), empty="None recorded.")
    _section(pdf, "Status changes, with their evidence and notes")
    if len(profile.changes) > MAX_CHANGES:
        pdf.cell(0, 5, f"The latest {MAX_CHANGES} of {len(profile.changes)} changes.",
                 new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    _table(pdf, change_rows(profile.changes).head(MAX_CHANGES), empty="None yet.",
           widths=CHANGE_COLUMNS_MM)  # fmt: skip
    document = bytes(pdf.output())
    log.info(
        "built a profile PDF of %d pages in %.0f ms",
        pdf.page_no(), (time.perf_counter() - started) * 1000,
    )  # fmt: skip
    return document


def _title(pdf: ProfileDocument, profile: PupilProfile) -> None:
    pdf.set_font(pdf.family, "B", 16)
    pdf.cell(0, 9, f"Pupil profile: {profile.title}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 10)
    for label, words in pupil_facts(profile.pupil):
        pdf.cell(0, 5.5, f"{label}: {words}", new_x="LMARGIN", new_y="NEXT")


def _section(pdf: ProfileDocument, heading: str) -> None:
    pdf.ln(4)
    pdf.set_font(pdf.family, "B", 12)
    pdf.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9)


def _table(
    pdf: ProfileDocument, table: pd.DataFrame, first_width=None, empty="None.",
    widths=None,
) -> None:  # fmt: skip
    if table.empty:
        pdf.cell(0, 5, empty, new_x="LMARGIN", new_y="NEXT")
        return
    columns = len(table.columns)
    if first_width and columns > 1:
        rest = (PAGE_WIDTH_MM - first_width) / (columns - 1)
        widths = (first_width, *[rest] * (columns - 1))
    pdf.set_font(pdf.family, "", 8 if columns > 7 else 9)
    with pdf.table(
        col_widths=widths, headings_style=HEADING, line_height=5,
        text_align="LEFT", width=PAGE_WIDTH_MM,
    ) as grid:  # fmt: skip
        grid.row([str(column) for column in table.columns])
        for values in table.itertuples(index=False):
            grid.row([_text(value) for value in values])


def in_parts(timeline: pd.DataFrame, points: int) -> list[pd.DataFrame]:
    """The timeline split into tables of at most `points` columns after Subject."""
    subject, *columns = list(timeline.columns)
    if not columns:
        return [timeline]
    return [
        timeline[[subject, *columns[start : start + points]]]
        for start in range(0, len(columns), points)
    ]


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return f"{value:%-d %b %Y}"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def intervention_rows(interventions: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Subject": interventions["subject"].fillna("All subjects"),
            "Strategy": interventions["strategy"],
            "Delivered by": interventions["delivered_by"],
            "Starts": interventions["starts_on"],
            "Review": interventions["review_on"],
            "Outcome": interventions["outcome"].map(outcome_label),
            "Outcome note": interventions["outcome_note"],
        }
    )


def action_rows(actions: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Recorded": actions["recorded_at"].map(_day),
            "Subject": actions["subject"].fillna("All subjects"),
            "Action agreed": actions["note"],
            "By": actions["recorded_by"],
        }
    )


def change_rows(changes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "When": changes["changed_at"].map(_day),
            "Subject": changes["subject"],
            "Status": changes["status"],
            "Evidence": changes["evidence"],
            "Note": changes["note"],
            "By": changes["changed_by"],
        }
    )


def _day(moment) -> str:
    if pd.isna(moment):
        return ""
    return f"{pd.Timestamp(moment).tz_convert(SCHOOL_TIME_ZONE):%-d %b %Y}"
