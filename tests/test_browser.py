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
from playwright.sync_api import Page, expect, sync_playwright

from livetrack.demo import build_demo
from livetrack.filters import Filters
from livetrack.paths import DATA_DIR_VARIABLE
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.figures import live_source, roll_up_pupils
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
# What the journeys looked like, for a person to look at (not committed).
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
SCREENSHOTS.mkdir(exist_ok=True)
# What the tests need to know of the demo, read before the app holds its lock.
DEMO_FACTS: dict = {}


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
    """A demo data folder, the first class's teacher, and a pupil not Below in maths."""
    data_dir = tmp_path_factory.mktemp("browser-demo")
    store = Store(data_dir)
    build_demo(store, today=TODAY)
    first_class = int(load_classes(store, Scope.everything(), 1).iloc[0]["id"])
    maths = load_class_statuses(store, Scope.everything(), first_class, ACADEMIC_YEAR)
    maths = maths[maths["subject"] == "Maths"].reset_index(drop=True)
    row = int(maths.index[maths["status"] != "Below"][0])
    teacher = store.value(
        "select s.display_name from staff s join staff_classes c on c.staff_id = s.id"
        " where c.class_id = ?",
        [first_class],
    )
    DEMO_FACTS["headteacher"] = store.value(
        "select display_name from staff where role = 'headteacher'"
    )
    DEMO_FACTS["below_at_96"] = len(
        roll_up_pupils(
            store, Scope.everything(), live_source(Scope.everything(), ACADEMIC_YEAR),
            Filters(attendance_band=("96_plus",)), status="Below",
        )
    )  # fmt: skip
    store.close()
    return data_dir, teacher, row


@pytest.fixture(scope="module")
def app_url(demo):
    data_dir, _, _ = demo
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


def sign_in_as(page: Page, url: str, name: str) -> None:
    """Sign in through the demo sign-in, as the demo person with this name."""
    page.goto(url)
    wait_for_idle(page)
    page.get_by_role("combobox", name="Sign in as").click()
    page.get_by_role("option", name=re.compile(re.escape(name))).click()
    wait_for_idle(page)
    page.get_by_role("button", name="Sign in", exact=True).click()
    wait_for_idle(page)


def open_from_menu(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    wait_for_idle(page)


def maths_below_on_overview(page: Page) -> int:
    """The Below count in the Overview's maths row, read from its table."""
    open_from_menu(page, "Overview")
    page.get_by_text("By subject as a table").click()
    row = page.locator('[data-testid="stTable"] tr').filter(
        has_text=re.compile(r"^\s*Maths")
    )
    below_cell = row.locator("td").nth(1).inner_text()
    return int(re.search(r"\((\d[\d,]*) of", below_cell).group(1).replace(",", ""))


def test_a_teachers_below_reaches_the_overview(page, app_url, demo):
    _, teacher, row = demo
    sign_in_as(page, app_url, teacher)
    # A teacher's menu opens with their own work, then the figures.
    sections = page.get_by_test_id("stNavSectionHeader").all_inner_texts()
    assert sections == ["Recording", "Figures", "Pupils"]
    before = maths_below_on_overview(page)

    open_from_menu(page, "Record")
    choose(page, "Subjects", "Maths")
    grid = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    page.mouse.dblclick(
        grid["x"] + PUPIL_COLUMN_PX + STATUS_COLUMN_PX / 2,
        grid["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2,
    )
    page.get_by_role("option", name="▼ Below").click()
    wait_for_idle(page)
    expect(page.get_by_text("1 change to save")).to_be_visible(timeout=30_000)
    choose(page, "Evidence for these changes", "Quiz")
    page.get_by_role("button", name="Save changes").click()
    wait_for_idle(page)
    expect(page.get_by_text("Saved 1 change.")).to_be_visible(timeout=30_000)

    page.screenshot(path=str(SCREENSHOTS / "record-saved.png"), full_page=True)
    assert maths_below_on_overview(page) == before + 1


def test_a_bar_of_the_triangulation_opens_its_pupils(page, app_url, demo):
    sign_in_as(page, app_url, DEMO_FACTS["headteacher"])
    open_from_menu(page, "Triangulation")

    # The first bar of the first trace: Below, for pupils at 96% and above.
    bar = page.locator(".js-plotly-plot .barlayer .trace").first.locator("path").first
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_idle(page)

    page.screenshot(path=str(SCREENSHOTS / "triangulation-click.png"))
    summary = page.get_by_text(re.compile(r"\d+ pupils in the group “96% and above”"))
    assert summary.inner_text().startswith(f"{DEMO_FACTS['below_at_96']} pupils")
