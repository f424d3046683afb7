"""The benchmark's tables, and its targets checked against the 40-school trust."""

from livetrack.access import ADMIN, TEACHER

GB = 1024**3
LEADER_PAGE_SECONDS = 1.0
RECORD_PAGE_SECONDS = 0.3
SAVE_SECONDS = 0.1
SNAPSHOT_SECONDS = 5.0
PEAK_MEMORY_BYTES = 2 * GB
QUERY_OVERHEAD_FACTOR = 2
DUCKDB_SPEED_UP = 5


def ms(seconds) -> str:
    return "–" if seconds is None else f"{1000 * seconds:,.0f}"


COLUMNS = """cold: a new session opening the page, caches cleared (median; then p95);
cpu: the CPU time of that cold run; warm: the same session running it again;
sql: SQL time inside the cold run; raw: its queries run again straight in DuckDB;
n: queries per cold run; bound: 2 x raw + floor. All in milliseconds."""


def render(name: str, size: dict) -> str:
    app = size.get("app", {})
    if "failed" in app:
        return f"{name}: the run failed ({app['failed']})"
    held = app["holdings"]
    lines = [
        "",
        f"== {name}: {held['schools']} schools, {held['pupils']:,} pupils, "
        f"{held['snapshot_files']:,} snapshot files · peak memory "
        f"{app['peak_rss_bytes'] / GB:.2f} GB",
        f"floor (bare page): {ms(app['floor']['median_s'])} ms median",
        COLUMNS,
        "",
        _row("page", "role", "cold", "p95", "cpu", "warm", "sql", "raw", "n", "bound"),
    ]
    floor = app["floor"]["median_s"]
    for page in app["pages"]:
        lines.append(_page_row(page, floor))
    lines += ["", *_operations(app), *_history(app, size.get("pandas", {}))]
    steps = app.get("peak_rss_bytes_after", {})
    lines.append("peak memory after each step: " + ", ".join(
        f"{step} {peak / GB:.2f} GB" for step, peak in steps.items()
    ))  # fmt: skip
    return "\n".join(lines)


def _row(*cells) -> str:
    page, role, *numbers = cells
    return f"{page:<34} {role:<13}" + "".join(f"{cell:>8}" for cell in numbers)


def _page_row(page: dict, floor: float) -> str:
    bound = QUERY_OVERHEAD_FACTOR * page["raw_sql_s"] + floor
    failed = "  ERROR" if page["errors"] else ""
    return _row(
        page["page"].removeprefix("pages/"), page["role"],
        ms(page["cold"]["median_s"]), ms(page["cold"]["p95_s"]),
        ms(page.get("cold_cpu_median_s")), ms(page["warm"]["median_s"]),
        ms(page["cold_sql_median_s"]),
        ms(page["raw_sql_s"]), str(page["queries_per_cold_run"]), ms(bound),
    ) + failed  # fmt: skip


def _operations(app: dict) -> list[str]:
    save, snapshot = app["save"], app["snapshot"]
    roster = app["roster_import"]
    check = app.get("snapshot_file_check")
    checked = [] if check is None else [
        f"snapshot files checked before history is read ({check['files']:,}): "
        f"first in a process {check['first_s']:.2f} s, then {ms(check['again_s'])} ms"
    ]  # fmt: skip
    return [
        *checked,
        f"save {save['cells']} cells: {ms(save['median_s'])} ms median, "
        f"{ms(save['p95_s'])} ms p95 ({save['saved']}/{save['expected']} written)",
        f"trust snapshot ({snapshot['schools']} schools, {snapshot['rows']:,} rows): "
        f"{snapshot['median_s']:.2f} s median",
        f"import {roster['pupils']:,}-pupil roster: new {ms(roster['new']['median_s'])}"
        f" ms, unchanged {ms(roster['unchanged']['median_s'])} ms",
    ]


def _history(app: dict, pandas: dict) -> list[str]:
    lines = ["", f"{'history figure':<40}{'duckdb':>10}{'pandas':>10}{'x':>7}"]
    peer = pandas.get("history_pandas", {})
    for name, timing in app["history_duckdb"].items():
        theirs = peer.get(name, {}).get("median_s")
        ratio = f"{theirs / timing['median_s']:.0f}" if theirs else "–"
        lines.append(f"{name:<40}{ms(timing['median_s']):>10}{ms(theirs):>10}"
                     f"{ratio:>7}")  # fmt: skip
    if "read_only" in peer:
        lines.append(f"{'(pandas: reading the files alone)':<40}{'':>10}"
                     f"{ms(peer['read_only']['median_s']):>10}")  # fmt: skip
    if "peak_rss_bytes" in pandas:
        lines.append(
            f"pandas peer's peak memory: {pandas['peak_rss_bytes'] / GB:.2f} GB"
        )
    if "history_agree" in pandas:
        lines.append(f"both ways give the same counts: {pandas['history_agree']}")
    return lines


def check_targets(size: dict) -> list[dict]:
    """Each target of issue 8, met or not, with what was measured."""
    app, pandas = size["app"], size.get("pandas", {})
    floor = app["floor"]["median_s"]
    targets = []
    for page in app["pages"]:
        cold = page["cold"]["median_s"]
        if page["role"] == TEACHER:
            targets.append(_target(f"{page['title']} under 300 ms", cold,
                                   cold < RECORD_PAGE_SECONDS))  # fmt: skip
        elif page["role"] != ADMIN:
            targets.append(_target(f"{page['title']} ({page['role']}) under 1 s",
                                   cold, cold < LEADER_PAGE_SECONDS))  # fmt: skip
        bound = QUERY_OVERHEAD_FACTOR * page["raw_sql_s"] + floor
        targets.append(_target(
            f"{page['title']} ({page['role']}) within 2 x raw SQL + floor "
            f"({ms(bound)} ms)", cold, cold <= bound,
        ))  # fmt: skip
    targets += [
        _target("save under 100 ms", app["save"]["median_s"],
                app["save"]["median_s"] < SAVE_SECONDS),
        _target("trust snapshot under 5 s", app["snapshot"]["median_s"],
                app["snapshot"]["median_s"] < SNAPSHOT_SECONDS),
        {"target": "peak memory under 2 GB",
         "measured": f"{app['peak_rss_bytes'] / GB:.2f} GB",
         "met": app["peak_rss_bytes"] < PEAK_MEMORY_BYTES},
    ]  # fmt: skip
    peer = pandas.get("history_pandas", {})
    for name, timing in app["history_duckdb"].items():
        if name in peer:
            ratio = peer[name]["median_s"] / timing["median_s"]
            targets.append({"target": f"{name}: DuckDB 5x faster than pandas",
                            "measured": f"{ratio:.1f}x",
                            "met": ratio >= DUCKDB_SPEED_UP})  # fmt: skip
    return targets


def _target(what: str, seconds: float, met: bool) -> dict:
    return {"target": what, "measured": f"{ms(seconds)} ms median (cold)", "met": met}


def markdown(name: str, size: dict) -> str:
    """One size's pages as a Markdown table, for the README's performance section."""
    app = size["app"]
    floor = app["floor"]["median_s"]
    lines = [
        f"**{name}** (floor {ms(floor)} ms; peak memory "
        f"{app['peak_rss_bytes'] / GB:.2f} GB)",
        "",
        "| page | role | cold median | cold p95 | cpu | warm | SQL | raw SQL "
        "| 2 x raw + floor |",
        "| --- | --- | --: | --: | --: | --: | --: | --: | --: |",
    ]
    for page in app["pages"]:
        bound = QUERY_OVERHEAD_FACTOR * page["raw_sql_s"] + floor
        lines.append(
            f"| {page['title']} | {page['role']} | {ms(page['cold']['median_s'])} "
            f"| {ms(page['cold']['p95_s'])} | {ms(page.get('cold_cpu_median_s'))} "
            f"| {ms(page['warm']['median_s'])} | {ms(page['cold_sql_median_s'])} "
            f"| {ms(page['raw_sql_s'])} | {ms(bound)} |"
        )
    return "\n".join(
        [*lines, "", *_operations(app), *_history(app, size.get("pandas", {}))]
    )


if __name__ == "__main__":  # python -m bench.report RESULTS.json: the tables
    import json
    import sys
    from pathlib import Path

    report = json.loads(Path(sys.argv[1]).read_text())
    for size_name, measured in report["sizes"].items():
        print(markdown(size_name, measured), "\n")
