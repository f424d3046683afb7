"""Load test: 20 teachers press Save at the same moment while 10 leaders load pages.

One real `streamlit run` server on 127.0.0.1, one Chromium driven by
Playwright with a browser context per person (30 sessions of the real app).
Every teacher signs in through the demo sign-in, opens Record on their own
class, changes two maths statuses in the grid and chooses the evidence; then
all twenty press Save together while the leaders click between their pages.
Afterwards the server is stopped and the database read: every change must be
there, and no session may have shown an error.

    python -m bench.load [--teachers 20] [--leaders 10] [--out FILE]

Bounded: it stops by itself after DEADLINE_SECONDS whatever happens.
"""

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from playwright.async_api import Page, async_playwright
from playwright.async_api import TimeoutError as PlaywrightTimeout

from bench.datasets import ACADEMIC_YEAR, SEED, TODAY
from livetrack.demo import build_demo
from livetrack.paths import DATA_DIR_VARIABLE
from livetrack.scope import Scope
from livetrack.store import Store
from livetrack.store.schools import load_school_names
from livetrack.store.statuses import load_class_statuses
from livetrack.ui.context import TODAY_VARIABLE

PROJECT = Path(__file__).resolve().parents[1]
APP = PROJECT / "app.py"
SCREENSHOTS = PROJECT / "screenshots"  # where a failed step is pictured (ignored)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
]  # fmt: skip
SCHOOLS = 2  # 28 classes, so every teacher has a class of their own
CELLS_PER_TEACHER = 2
SUBJECT = "Maths"
DEADLINE_SECONDS = 900
STEP_TIMEOUT_MS = 120_000
SAVE_TIMEOUT_MS = int(os.environ.get("LIVETRACK_LOAD_SAVE_MS", 300_000))
CELL_ATTEMPTS = 4
PREPARING_AT_ONCE = 4  # sessions signing in together: two cores, thirty tabs
LEADER_PAGES = ["Trends", "Overview"]  # in every leader's menu, titled as named
THINK_MS = 2_000  # a leader reads each page a moment before the next click
LEADER_ROLES = ["headteacher", "slt", "senco", "subject_lead", "trust_leader"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
HEADER_PX = ROW_PX = 35
PUPIL_COLUMN_PX, STATUS_COLUMN_PX = 180, 110
LABELS = {"Above": "▲ Above", "On": "● On", "Below": "▼ Below"}
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


@dataclass
class Teacher:
    staff_id: int
    label: str  # as the demo sign-in lists them
    class_id: int
    cells: list[dict]  # row in the maths grid, pupil, subject, new status


@dataclass
class Outcome:
    teachers: int
    leaders: int
    save_seconds: list[float] = field(default_factory=list)
    server_save_ms: list[float] = field(default_factory=list)  # as the server logs
    leader_load_seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pressed: list[int] = field(default_factory=list)  # staff who pressed Save
    missing_changes: int = 0
    expected_changes: int = 0
    server_peak_rss_bytes: int | None = None
    saving_seconds: float = 0.0  # from the first Save pressed to the last Saved
    server_cpu_seconds: float = 0.0  # the server's CPU time over those seconds
    seconds: float = 0.0

    def summary(self) -> dict:
        return {
            **asdict(self),
            "save_p50_s": _percentile(self.save_seconds, 0.5),
            "save_p95_s": _percentile(self.save_seconds, 0.95),
            "server_save_p95_ms": _percentile(self.server_save_ms, 0.95),
            "leader_load_p50_s": _percentile(self.leader_load_seconds, 0.5),
            "leader_load_p95_s": _percentile(self.leader_load_seconds, 0.95),
            "ok": not self.errors and not self.missing_changes,
        }


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    if share == 0.5:
        return round(statistics.median(values), 3)
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))], 3)


# --- The plan: who saves what, read from the database before the server starts ---


def plan(store: Store, teachers: int, leaders: int) -> tuple[list[Teacher], list]:
    """Twenty teachers with a class each and two maths cells to change; ten leaders."""
    schools = load_school_names(store)
    people = store.rows(
        "select s.id, s.display_name, s.role, s.school_id, min(c.class_id)"
        " from staff s left join staff_classes c on c.staff_id = s.id"
        " where s.active group by all order by s.school_id nulls first, s.id"
    )
    labels = [_label(role, name, schools.get(school)) for _, name, role, school, _
              in people]  # fmt: skip
    unique = {label for label in labels if labels.count(label) == 1}
    chosen = [
        Teacher(staff_id, label, class_id, _cells(store, class_id))
        for (staff_id, _, role, _, class_id), label in zip(people, labels)
        if role == "teacher" and class_id is not None and label in unique
    ][:teachers]
    watchers = [
        label
        for (_, _, role, _, _), label in zip(people, labels)
        if role in LEADER_ROLES and label in unique
    ][:leaders]
    return chosen, watchers


def _label(role: str, name: str, school: str | None) -> str:
    from livetrack.domain import ROLE_NAMES

    return f"{ROLE_NAMES[role]} · {name} · {school or 'the trust'}"


def _cells(store: Store, class_id: int) -> list[dict]:
    statuses = load_class_statuses(store, Scope.everything(), class_id, ACADEMIC_YEAR)
    maths = statuses[statuses["subject"] == SUBJECT].reset_index(drop=True)
    return [
        {"row": row, "pupil_id": int(cell.pupil_id),
         "subject_id": int(cell.subject_id),
         "status": "Above" if cell.status == "Below" else "Below"}
        for row, cell in maths.head(CELLS_PER_TEACHER).iterrows()
    ]  # fmt: skip


# --- The server ---


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(data_dir: Path, port: int, log) -> subprocess.Popen:
    environment = {**os.environ, DATA_DIR_VARIABLE: str(data_dir),
                   TODAY_VARIABLE: TODAY.isoformat()}  # fmt: skip
    return subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.headless", "true", "--server.address", "127.0.0.1",
            "--server.port", str(port), "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
        ],
        env=environment, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT,
    )  # fmt: skip


def wait_until_healthy(url: str, server: subprocess.Popen, seconds: int = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the app exited while starting")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("the app did not answer its health check")


def stop(server: subprocess.Popen) -> None:
    """Ask the server to stop; make it if it has not within half a minute."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    """A running process's CPU time so far (user and system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def logged_save_ms(log: str) -> list[float]:
    """Each save's time in the database, as the server's log line gives it."""
    found = re.findall(r"saved \d+ status changes in (\d+) ms", log)
    return [float(ms) for ms in found]


def peak_rss_bytes(pid: int) -> int | None:
    """A running process's resident memory high-water mark, from /proc."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) * 1024 if found else None


# --- The sessions ---


async def wait_for_idle(page: Page) -> None:
    await page.wait_for_timeout(300)
    await page.wait_for_selector(IDLE, timeout=STEP_TIMEOUT_MS)
    await page.wait_for_function(
        "document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=STEP_TIMEOUT_MS,
    )


async def sign_in(page: Page, url: str, label: str) -> None:
    await page.goto(url, timeout=STEP_TIMEOUT_MS)
    await wait_for_idle(page)
    box = page.get_by_role("combobox", name="Sign in as")
    await box.click()
    await box.type(label.split(" · ")[1])
    await page.get_by_role("option", name=label, exact=True).click()
    await wait_for_idle(page)
    await page.get_by_role("button", name="Sign in", exact=True).click()
    await wait_for_idle(page)


async def choose(page: Page, label: str, option: str) -> None:
    """Pick a selectbox option by typing it, as a keyboard user would."""
    box = page.get_by_role("combobox", name=label)
    await box.click()
    await box.fill(option)
    try:
        await page.get_by_role("option", name=option, exact=True).click(timeout=30_000)
    except PlaywrightTimeout:  # the list is slow to draw: the first match is it
        await page.keyboard.press("Enter")
    await wait_for_idle(page)


async def open_from_menu(page: Page, title: str) -> None:
    await page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    await wait_for_idle(page)


async def prepare_teacher(page: Page, url: str, teacher: Teacher) -> None:
    """Signed in, on Record with the maths grid, two cells changed, evidence chosen."""
    try:
        await _prepare_teacher(page, url, teacher)
    except Exception:
        SCREENSHOTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / f"load-{teacher.staff_id}.png"))
        raise


async def _prepare_teacher(page: Page, url: str, teacher: Teacher) -> None:
    await sign_in(page, url, teacher.label)
    await open_from_menu(page, "Record")
    await choose(page, "Subjects", SUBJECT)
    for changes, cell in enumerate(teacher.cells, start=1):
        await set_cell(page, cell["row"], LABELS[cell["status"]], changes)
    await choose(page, "Evidence for these changes", "Quiz")


async def set_cell(page: Page, row: int, label: str, changes: int) -> None:
    """Select a maths cell, open its editor and pick the status, until the page
    counts the change. A double-click that lands while the grid redraws only
    selects the cell, so each try closes any editor, clicks, and presses Enter."""
    option = page.get_by_role("option", name=label)
    counted = page.get_by_text(f"{changes} change{'s' if changes > 1 else ''} to save")
    for _ in range(CELL_ATTEMPTS):
        await wait_for_idle(page)
        grid = await page.locator('[data-testid="stDataFrame"]').first.bounding_box()
        if grid is None:  # redrawn between the two calls
            continue
        await page.keyboard.press("Escape")
        await page.mouse.click(
            grid["x"] + PUPIL_COLUMN_PX + STATUS_COLUMN_PX / 2,
            grid["y"] + HEADER_PX + ROW_PX * row + ROW_PX / 2,
        )
        await page.wait_for_timeout(300)
        await page.keyboard.press("Enter")
        try:
            await option.click(timeout=15_000)
            await wait_for_idle(page)
            await counted.wait_for(timeout=30_000)
            return
        except PlaywrightTimeout:
            await page.keyboard.press("Escape")
            await page.wait_for_timeout(1_000)
    raise PlaywrightTimeout(
        f"the grid did not take a change after {CELL_ATTEMPTS} tries"
    )


async def press_save(page: Page, teacher: Teacher, outcome: Outcome) -> None:
    started = time.perf_counter()
    outcome.pressed.append(teacher.staff_id)
    await page.get_by_role("button", name="Save changes").click()
    try:
        await page.get_by_text(f"Saved {len(teacher.cells)} changes.").wait_for(
            timeout=SAVE_TIMEOUT_MS
        )
    except PlaywrightTimeout:
        outcome.errors.append(f"Teacher: no Saved message in {SAVE_TIMEOUT_MS} ms")
        SCREENSHOTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / f"save-{teacher.staff_id}.png"))
        return
    outcome.save_seconds.append(time.perf_counter() - started)
    await check_for_errors(page, teacher.label, outcome)


async def keep_loading(page: Page, label: str, saving, outcome: Outcome) -> None:
    """A leader moves between two pages of their menu until every save has
    finished, each time waiting for the page asked for to be drawn whole."""
    menu = page.get_by_test_id("stSidebarNav")
    titles = [
        title for title in LEADER_PAGES
        if await menu.get_by_text(title, exact=True).count()
    ]  # fmt: skip
    turn = 0
    while not saving.done() or turn == 0:
        title = titles[turn % len(titles)]
        started = time.perf_counter()
        try:
            await open_from_menu(page, title)
            await page.get_by_role("heading", name=title, level=1).wait_for(
                timeout=STEP_TIMEOUT_MS
            )
            await wait_for_idle(page)
        except PlaywrightTimeout:
            outcome.errors.append(f"{label.split(' · ')[0]}: {title} did not finish")
            return
        outcome.leader_load_seconds.append(time.perf_counter() - started)
        await check_for_errors(page, label, outcome)
        await page.wait_for_timeout(THINK_MS)
        turn += 1


async def check_for_errors(page: Page, who: str, outcome: Outcome) -> None:
    shown = await page.locator(ERRORS).all_inner_texts()
    outcome.errors += [f"{who.split(' · ')[0]}: {text[:200]}" for text in shown]


async def run_sessions(
    url: str, server_pid: int, teachers, leaders, outcome: Outcome
) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        gate = asyncio.Semaphore(PREPARING_AT_ONCE)

        async def opened(label: str, prepare) -> Page | None:
            """A session made ready, or None (and an error) if it could not be."""
            context = await browser.new_context(
                viewport={"width": 1400, "height": 1400}
            )
            page = await context.new_page()
            async with gate:
                try:
                    await prepare(page)
                except Exception as stuck:  # noqa: BLE001 - reported, not hidden
                    outcome.errors.append(f"{label.split(' · ')[0]} not ready: {stuck}")
                    return None
            return page

        teacher_pages = await asyncio.gather(*(
            opened(t.label, lambda page, t=t: prepare_teacher(page, url, t))
            for t in teachers
        ))  # fmt: skip
        leader_pages = await asyncio.gather(*(
            opened(label, lambda page, label=label: sign_in(page, url, label))
            for label in leaders
        ))  # fmt: skip
        started, cpu_before = time.perf_counter(), cpu_seconds(server_pid)
        saving = asyncio.gather(*(
            press_save(page, teacher, outcome)
            for page, teacher in zip(teacher_pages, teachers) if page
        ))  # fmt: skip
        loading = asyncio.gather(*(
            keep_loading(page, label, saving, outcome)
            for page, label in zip(leader_pages, leaders) if page
        ))  # fmt: skip
        await saving
        outcome.saving_seconds = round(time.perf_counter() - started, 1)
        outcome.server_cpu_seconds = round(cpu_seconds(server_pid) - cpu_before, 1)
        await loading
        await browser.close()


def count_missing(store: Store, teachers: list[Teacher]) -> int:
    """The planned changes that are not each cell's latest, by its teacher."""
    missing = 0
    for teacher in teachers:
        for cell in teacher.cells:
            latest = store.rows(
                "select status, changed_by from status_changes"
                " where pupil_id = ? and subject_id = ? and academic_year = ?"
                " order by id desc limit 1",
                [cell["pupil_id"], cell["subject_id"], ACADEMIC_YEAR],
            )
            missing += latest != [(cell["status"], teacher.staff_id)]
    return missing


def run_load_test(teachers: int = 20, leaders: int = 10) -> dict:
    """The whole test on a fresh demo; returns its figures, errors and verdict."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="livetrack-load-") as folder:
        data_dir = Path(folder) / "data"
        store = Store(data_dir)
        build_demo(store, schools=SCHOOLS, seed=SEED, today=TODAY)
        chosen, watchers = plan(store, teachers, leaders)
        store.close()
        outcome = Outcome(len(chosen), len(watchers))
        outcome.expected_changes = sum(len(t.cells) for t in chosen)
        port, log_path = free_port(), Path(folder) / "server.log"
        with log_path.open("w") as log:
            server = start_server(data_dir, port, log)
            try:
                url = f"http://127.0.0.1:{port}"
                wait_until_healthy(url, server)
                asyncio.run(asyncio.wait_for(
                    run_sessions(url, server.pid, chosen, watchers, outcome),
                    DEADLINE_SECONDS,
                ))  # fmt: skip
            except TimeoutError as stopped:
                outcome.errors.append(f"stopped: {stopped!r}")
            finally:
                outcome.server_peak_rss_bytes = peak_rss_bytes(server.pid)
                stop(server)
        server_log = log_path.read_text()
        if "Traceback" in server_log:
            outcome.errors.append("the server logged a traceback")
        outcome.server_save_ms = logged_save_ms(server_log)
        store = Store(data_dir)
        pressed = [t for t in chosen if t.staff_id in outcome.pressed]
        outcome.missing_changes = count_missing(store, pressed)
        store.close()
    outcome.seconds = round(time.perf_counter() - started, 1)
    return outcome.summary()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--teachers", type=int, default=20)
    parser.add_argument("--leaders", type=int, default=10)
    parser.add_argument("--out", help="write the figures as JSON here too")
    arguments = parser.parse_args(argv)
    result = run_load_test(arguments.teachers, arguments.leaders)
    print(
        f"{result['teachers']} teachers saved {result['expected_changes']} changes at "
        f"once while {result['leaders']} leaders loaded pages: save p50 "
        f"{result['save_p50_s']} s, p95 {result['save_p95_s']} s; leader page p50 "
        f"{result['leader_load_p50_s']} s, p95 {result['leader_load_p95_s']} s; "
        f"in the database each save took p95 {result['server_save_p95_ms']} ms; "
        f"the server used {result['server_cpu_seconds']} s of CPU in the "
        f"{result['saving_seconds']} s of saving; "
        f"{result['missing_changes']} changes missing; "
        f"{len(result['errors'])} errors; server peak memory "
        f"{(result['server_peak_rss_bytes'] or 0) / 1024**3:.2f} GB"
    )
    for error in result["errors"]:
        print(f"  {error}")
    if arguments.out:
        Path(arguments.out).write_text(json.dumps(result, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
