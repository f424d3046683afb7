"""Every page of app.py run through AppTest, timed cold and warm, with its SQL.

A cold run is a new session opening the page with every st.cache_data cache
cleared; a warm run is the same session running the page again, the way a
click on a filter does. Beside each wall-clock time, the CPU time the process
spent (all its threads, DuckDB's included): on a busy shared machine the wall
clock waits for cores the CPU time does not count. The store's tracer totals
the SQL a run waits for, and each query the cold run needed is then run again
directly in DuckDB.
"""

import ast
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from livetrack import access
from livetrack.store import Store
from livetrack.ui.auth import DEMO_PERSON

PROJECT = Path(__file__).resolve().parents[1]
APP = str(PROJECT / "app.py")
PAGE_TIMEOUT_SECONDS = 300
# Who opens each page: the widest leader first, so leader pages are measured
# at trust scale; then a headteacher's one school; then whoever else may.
VIEWERS = [access.TRUST_LEADER, access.HEADTEACHER]
OTHER_ROLES = [access.TEACHER, access.ADMIN, *access.CAPABILITIES]
PAGE_FAILED = "Something went wrong on this page"
BARE_PAGE = "import streamlit as st\nst.title('Floor')\nst.write('A bare page.')\n"


@dataclass(frozen=True)
class Page:
    section: str
    path: str
    title: str
    needs: str


def registered_pages() -> list[Page]:
    """The PAGES of app.py as they stand, read from its source, not run."""
    tree = ast.parse(Path(APP).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "PAGES":
            return [_page(row) for row in node.value.elts]
    raise LookupError("app.py declares no PAGES")


def _page(row: ast.Tuple) -> Page:
    section, path, title, _icon, needs = row.elts
    capability = (
        getattr(access, needs.id) if isinstance(needs, ast.Name) else needs.value
    )
    return Page(section.value, path.value, title.value, capability)


def roles_for(page: Page) -> list[str]:
    """The roles that open this page in the benchmark."""
    viewers = [role for role in VIEWERS if page.needs in access.CAPABILITIES[role]]
    if viewers:
        return viewers
    others = (r for r in OTHER_ROLES if page.needs in access.CAPABILITIES[r])
    return [next(others)]


def demo_person(store: Store, role: str) -> int | None:
    """The first demo person with this role, in Seabridge (school 1) if it has one."""
    return store.value(
        "select min(id) from staff where role = ? and coalesce(school_id, 1) = 1",
        [role],
    )


@dataclass
class Trace:
    """The read queries a run waited for, with their seconds."""

    queries: list[tuple[str, list, float]] = field(default_factory=list)

    def __call__(self, sql: str, params, seconds: float) -> None:
        self.queries.append((sql, params, seconds))

    def seconds(self) -> float:
        return sum(seconds for _, _, seconds in self.queries)


@dataclass
class PageTiming:
    page: str
    title: str
    role: str
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    cold_cpu: list[float] = field(default_factory=list)
    cold_sql: list[float] = field(default_factory=list)
    warm_sql: list[float] = field(default_factory=list)
    queries: int = 0
    raw_sql: float = 0.0
    slowest_query: dict | None = None
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "page": self.page, "title": self.title, "role": self.role,
            "cold": spread(self.cold), "warm": spread(self.warm),
            "cold_cpu_median_s": median(self.cold_cpu),
            "cold_sql_median_s": median(self.cold_sql),
            "warm_sql_median_s": median(self.warm_sql),
            "queries_per_cold_run": self.queries,
            "raw_sql_s": round(self.raw_sql, 4),
            "slowest_query": self.slowest_query,
            "errors": self.errors,
        }  # fmt: skip


def time_page(store: Store, page: Page, role: str, repeat: int) -> PageTiming:
    """Open a page `repeat` times cold, then rerun it `repeat` times warm."""
    timing = PageTiming(page.path, page.title, role)
    person = demo_person(store, role)
    if person is None:
        timing.errors.append(f"the demo has no {role}")
        return timing
    trace = Trace()
    store.tracer = trace
    try:
        _timed_run(_signed_in(person, page), timing)  # imports and compiles, untimed
        for _ in range(repeat):
            app = _signed_in(person, page)
            st.cache_data.clear()
            trace.queries.clear()
            cpu = time.process_time()
            timing.cold.append(_timed_run(app, timing))
            timing.cold_cpu.append(time.process_time() - cpu)
            timing.cold_sql.append(trace.seconds())
        timing.queries = len(trace.queries)
        cold_queries = list(trace.queries)
        for _ in range(repeat):
            trace.queries.clear()
            timing.warm.append(_timed_run(app, timing))
            timing.warm_sql.append(trace.seconds())
    finally:
        store.tracer = None
    timing.raw_sql, timing.slowest_query = replay(store, cold_queries)
    return timing


def _signed_in(person: int, page: Page) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=PAGE_TIMEOUT_SECONDS)
    app.session_state[DEMO_PERSON] = person
    app.run()
    app.switch_page(page.path)
    return app


def _timed_run(app: AppTest, timing: PageTiming) -> float:
    started = time.perf_counter()
    app.run()
    seconds = time.perf_counter() - started
    if app.exception:
        timing.errors.append(str(app.exception[0].message)[:500])
    # The router catches a failing page and says so in plain words instead.
    timing.errors += [e.value for e in app.error if e.value.startswith(PAGE_FAILED)]
    return seconds


def replay(store: Store, queries: list, rounds: int = 3) -> tuple[float, dict | None]:
    """The queries run straight on a cursor, best of `rounds`; and the slowest one."""
    best = []
    for sql, params, _ in queries:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            with store.cursor() as cursor:
                cursor.execute(sql, params).df()
            times.append(time.perf_counter() - started)
        best.append(min(times))
    if not best:
        return 0.0, None
    slowest = max(range(len(best)), key=best.__getitem__)
    sql = " ".join(queries[slowest][0].split())
    return sum(best), {"seconds": round(best[slowest], 4), "sql": sql[:600]}


def time_floor(repeat: int) -> dict:
    """A bare Streamlit page through AppTest: what any page costs before its work."""
    runs = []
    for _ in range(repeat):
        app = AppTest.from_string(BARE_PAGE)
        app.run()
        started = time.perf_counter()
        app.run()
        runs.append(time.perf_counter() - started)
    return spread(runs)


def spread(runs: list[float]) -> dict:
    """Median and 95th percentile of some seconds, with how many runs."""
    if not runs:
        return {"median_s": None, "p95_s": None, "runs": 0}
    ordered = sorted(runs)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_s": round(statistics.median(ordered), 4),
            "p95_s": round(p95, 4), "runs": len(runs)}  # fmt: skip


def median(runs: list[float]) -> float | None:
    return round(statistics.median(runs), 4) if runs else None
