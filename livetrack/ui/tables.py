"""Tables on screen, each with its CSV and Excel downloads, every download audited."""

import pandas as pd
import streamlit as st

from livetrack import exports
from livetrack.store.audit import DOWNLOAD, log_event
from livetrack.ui import context

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _record_download(name: str, kind: str, rows: int) -> None:
    person = context.person()
    log_event(
        context.store(), person.id, person.school_id, DOWNLOAD,
        table=name, format=kind, rows=rows,
    )  # fmt: skip


def download_buttons(table: pd.DataFrame, name: str, key: str) -> None:
    """CSV and Excel copies of a table, safe to open in Excel, made when clicked."""
    left, right, _ = st.columns([1, 1, 4])
    file_name = name.lower().replace(" ", "-")
    left.download_button(
        "CSV", lambda: exports.to_csv(table), f"{file_name}.csv", "text/csv",
        key=f"{key}-csv", icon=":material/download:",
        on_click=_record_download, args=(name, "csv", len(table)),
    )  # fmt: skip
    right.download_button(
        "Excel", lambda: exports.to_xlsx(table, name), f"{file_name}.xlsx", XLSX,
        key=f"{key}-xlsx", icon=":material/download:",
        on_click=_record_download, args=(name, "xlsx", len(table)),
    )  # fmt: skip


def render_table(
    table: pd.DataFrame, name: str, key: str, static: bool = False, **options
) -> None:
    """A table with its downloads beneath it; `static` prints it whole, as text."""
    if static:
        st.table(table, hide_index=True)
    else:
        st.dataframe(table, hide_index=True, width="stretch", key=key, **options)
    download_buttons(table, name, key)
