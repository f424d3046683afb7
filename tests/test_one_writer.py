"""One writer: while a process (the app) holds the database, a second one is told
in plain words what to do instead, and the file is left exactly as it was."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from livetrack.backup import verify_backup
from livetrack.paths import DATA_DIR_VARIABLE
from livetrack.store import Store
from tests.workers import PROJECT_ROOT, READY, Worker

APP = str(PROJECT_ROOT / "app.py")
COMMANDS = [
    (["snapshot"], "Snapshots page"),
    (["backup", "{tmp}/backup"], "Data page"),
    (["erase", "--pupil", "1", "--confirm"], "Data page"),
    (["info"], "Overview"),
]


@pytest.fixture
def held(store, school, tmp_path):
    """The tiny school's database, held open by another process as the app would."""
    store.close()
    holder = Worker("hold", store.data_dir)
    holder.wait_for_line(READY)
    yield store.data_dir, school
    holder.stop()


def table_contents(data_dir: Path) -> dict:
    store = Store(data_dir)
    try:
        names = [row[0] for row in store.rows("select table_name from duckdb_tables()")]
        return {
            name: store.frame(f'select * from "{name}" order by all').to_dict("list")
            for name in names
        }
    finally:
        store.close()


@pytest.mark.parametrize(("command", "page"), COMMANDS)
def test_a_command_meets_the_running_app_and_is_told_what_to_do(
    held, tmp_path, command, page
):
    data_dir, _ = held
    arguments = [part.format(tmp=tmp_path) for part in command]
    result = subprocess.run(
        [sys.executable, "-m", "livetrack", "--data-dir", str(data_dir), *arguments],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "in use by another program" in result.stderr
    assert "while the app is running" in result.stderr
    assert page in result.stderr
    assert "stop the app first" in result.stderr
    assert not (tmp_path / "backup").exists()


def test_a_backup_asked_for_while_the_app_runs_is_made_by_the_app(
    store, school, tmp_path
):
    store.close()
    app = Worker("serve", store.data_dir)
    app.wait_for_line(READY)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "livetrack", "--data-dir", str(store.data_dir),
             "backup", str(tmp_path / "backup")],
            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=180,
        )  # fmt: skip
    finally:
        app.stop()
    assert result.returncode == 0, result.stderr
    assert "The app is running, so it makes the backup" in result.stderr
    assert verify_backup(tmp_path / "backup") == {}
    reopened = Store(store.data_dir)
    details = reopened.value(
        "select details from audit_log where action = 'backup' order by id desc"
    )
    reopened.close()
    assert '"via": "command line"' in details


def test_the_file_is_as_it_was_after_a_second_process_was_turned_away(
    store, school, tmp_path
):
    store.close()
    before = table_contents(store.data_dir)
    holder = Worker("hold", store.data_dir)
    holder.wait_for_line(READY)
    second = Worker("hold", store.data_dir)
    second.process.wait(timeout=120)
    holder.stop()
    assert second.process.returncode != 0
    assert "DatabaseInUse" in second.process.stderr.read()
    assert table_contents(store.data_dir) == before


def test_the_app_says_plainly_when_another_process_holds_the_data(held, monkeypatch):
    data_dir, _ = held
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(data_dir))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception
    message = app.error[0].value
    assert "LiveTrack cannot open its data just now" in message
    assert "reload this page" in message
    assert not app.selectbox, "nothing else is drawn"


def livetrack_command(data_dir: Path, *arguments) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "livetrack", "--data-dir", str(data_dir),
         *map(str, arguments)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=180,
    )  # fmt: skip


def start_app(data_dir: Path, port: int) -> subprocess.Popen:
    from tests.test_browser import APP as APP_PATH

    return subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(APP_PATH),
            "--server.headless", "true", "--server.port", str(port),
            "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
        ],
        env={**os.environ, DATA_DIR_VARIABLE: str(data_dir)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.mark.browser
def test_with_the_real_app_running_a_command_and_a_second_app_are_told_plainly(
    tmp_path,
):
    from playwright.sync_api import sync_playwright

    from livetrack.demo import build_demo
    from tests.conftest import TODAY
    from tests.test_browser import (
        CHROMIUM,
        CHROMIUM_ARGS,
        free_port,
        wait_for_idle,
        wait_until_healthy,
    )

    data_dir = tmp_path / "data"
    store = Store(data_dir)
    build_demo(store, today=TODAY)
    store.close()
    first_port, second_port = free_port(), free_port()
    first = start_app(data_dir, first_port)
    second = None
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            page = browser.new_page()
            url = f"http://127.0.0.1:{first_port}"
            wait_until_healthy(url, first)
            page.goto(url)
            wait_for_idle(page)
            assert page.get_by_text("Demo sign-in").is_visible()

            refused = livetrack_command(data_dir, "snapshot")
            assert refused.returncode == 1
            assert "while the app is running" in refused.stderr
            assert "Traceback" not in refused.stderr
            backed_up = livetrack_command(data_dir, "backup", tmp_path / "backup")
            assert backed_up.returncode == 0, backed_up.stderr
            assert verify_backup(tmp_path / "backup") == {}

            second = start_app(data_dir, second_port)
            url = f"http://127.0.0.1:{second_port}"
            wait_until_healthy(url, second)
            page.goto(url)
            wait_for_idle(page)
            assert page.get_by_text(
                "LiveTrack cannot open its data just now"
            ).is_visible()
            assert not page.get_by_text("Traceback").count()
            browser.close()
    finally:
        for app in (first, second):
            if app is not None:
                app.terminate()
                app.wait(timeout=30)
    reopened = Store(data_dir)
    assert reopened.value("select count(*) from schools") == 1
    reopened.close()
