"""Journeys only a real browser shows, in Debian's Chromium driven by Playwright."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from livetrack.demo import build_demo
from livetrack.paths import DATA_DIR_VARIABLE
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.schools import load_classes
from livetrack.store.statuses import load_class_statuses
from livetrack.ui.context import TODAY_VARIABLE
from tests.conftest import ACADEMIC_YEAR, TODAY

pytestmark = pytest.mark.browser

APP = Path(__file__).resolve().parents[1] / "app.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
HEADER_PX, ROW_PX = 35, 35
PUPIL_COLUMN_PX, STATUS_COLUMN_PX = 180, 110
SERVER_START_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "the app exited while starting"
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("the app did not answer its health check")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A demo data folder, and the first Reception pupil not yet Below in maths."""
    data_dir = tmp_path_factory.mktemp("browser-demo")
    store = Store(data_dir)
    build_demo(store, today=TODAY)
    first_class = load_classes(store, Scope.everything(), 1).iloc[0]
    maths = load_class_statuses(
        store, Scope.everything(), int(first_class["id"]), ACADEMIC_YEAR
    )
    maths = maths[maths["subject"] == "Maths"].reset_index(drop=True)
    row = int(maths.index[maths["status"] != "Below"][0])
    store.close()
    return data_dir, row


@pytest.fixture(scope="module")
def app_url(demo):
    data_dir, _ = demo
    port = free_port()
    environment = {
        **os.environ,
        DATA_DIR_VARIABLE: str(data_dir),
        TODAY_VARIABLE: TODAY.isoformat(),
    }
    process = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.headless", "true", "--server.port", str(port),
            "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    yield page
    page.close()


def wait_for_idle(page: Page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0"
    )


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_idle(page)


def maths_below_on_overview(page: Page, url: str) -> int:
    """The Below count in the Overview's maths row, read from its table."""
    page.goto(url)
    wait_for_idle(page)
    page.get_by_text("By subject as a table").click()
    row = page.locator('[data-testid="stTable"] tr').filter(
        has_text=re.compile(r"^\s*Maths")
    )
    below_cell = row.locator("td").nth(1).inner_text()
    return int(re.search(r"\((\d[\d,]*) of", below_cell).group(1).replace(",", ""))


def test_a_teachers_below_reaches_the_overview(page, app_url, demo):
    _, row = demo
    before = maths_below_on_overview(page, app_url)

    page.goto(f"{app_url}/record")
    wait_for_idle(page)
    choose(page, "Subjects", "Maths")
    grid = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    page.mouse.dblclick(
        grid["x"] + PUPIL_COLUMN_PX + STATUS_COLUMN_PX / 2,
        grid["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2,
    )
    page.get_by_role("option", name="▼ Below").click()
    wait_for_idle(page)
    assert page.get_by_text("1 change to save").is_visible()
    choose(page, "Evidence for these changes", "Quiz")
    page.get_by_role("button", name="Save changes").click()
    wait_for_idle(page)
    assert page.get_by_text("Saved 1 change.").is_visible()

    assert maths_below_on_overview(page, app_url) == before + 1
