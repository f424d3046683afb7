"""The load test's own arithmetic, checked without a browser."""

import logging
import os

from bench.load import cpu_seconds, logged_save_ms
from livetrack.store.statuses import StatusChange, append_status_changes
from tests.conftest import ACADEMIC_YEAR


def test_save_times_are_read_from_the_line_a_real_save_logs(store, school, caplog):
    change = StatusChange(
        school["pupils"]["Amy"], school["subjects"]["Maths"], "Below", "Quiz", None,
        None,
    )  # fmt: skip
    with caplog.at_level(logging.INFO, logger="livetrack.store.statuses"):
        append_status_changes(store, [change], ACADEMIC_YEAR, school["teacher"])
        append_status_changes(store, [change, change], ACADEMIC_YEAR, school["teacher"])

    found = logged_save_ms(caplog.text)

    assert len(found) == 2
    assert all(0 <= ms < 60_000 for ms in found)


def test_save_times_ignore_other_lines():
    log = (
        "INFO livetrack.scheduler: due snapshots are checked every 300 s\n"
        "INFO livetrack.store.statuses: saved 2 status changes in 377 ms\n"
        "INFO livetrack.snapshots: snapshot of school 1: 4228 rows in 0.03 s\n"
    )
    assert logged_save_ms(log) == [377.0]


def test_cpu_seconds_counts_this_process_working():
    before = cpu_seconds(os.getpid())
    sum(i * i for i in range(2_000_000))
    assert cpu_seconds(os.getpid()) > before
