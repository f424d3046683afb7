"""One size, one part, in a process of its own, so its peak memory is its own.

`python -m bench.run --size trust40 --part app --repeat 5 --out FILE` is what
`python -m bench` starts for each size: the part "app" is everything the app
does (pages, queries, saves, snapshot, import, DuckDB history); the part
"pandas" is the plain pandas peer, which holds every snapshot in memory.
"""

import argparse
import json
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench import history, pages, writes
from bench.datasets import SIZES, TODAY, cached_data, working_copy
from livetrack.store import Store

QUIET_LOGGERS = ["streamlit", "livetrack"]


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    _quieten()
    size = SIZES[arguments.size]
    cached = cached_data(size)
    with tempfile.TemporaryDirectory(prefix=f"livetrack-bench-{size.name}-") as work:
        data_dir = working_copy(cached, Path(work))
        run = PARTS[arguments.part]
        started = time.perf_counter()
        result = run(data_dir, Path(work), arguments.repeat, arguments.pages)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["peak_rss_bytes"] = peak_rss_bytes()
    Path(arguments.out).write_text(json.dumps(result, indent=2, default=str))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--size", choices=SIZES, required=True)
    parser.add_argument("--part", choices=["app", "pandas"], required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", nargs="*", help="only these page paths")
    parser.add_argument("--out", required=True)
    return parser


def _quieten() -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    from streamlit import logger

    logger.set_log_level("error")


def run_app(data_dir: Path, work_dir: Path, repeat: int, only: list | None) -> dict:
    """Every measurement of the app itself, on a working copy of the size's data."""
    from livetrack.paths import DATA_DIR_VARIABLE
    from livetrack.ui.context import TODAY_VARIABLE, open_store

    os.environ[DATA_DIR_VARIABLE] = str(data_dir)
    os.environ[TODAY_VARIABLE] = TODAY.isoformat()
    store = open_store(str(data_dir))
    result = {"holdings": holdings(store), "floor": pages.time_floor(repeat)}
    # First, before any page has read history: a server's first start checks
    # every snapshot file whole, once; later reads only look at the folders.
    result["snapshot_file_check"] = writes.time_snapshot_check(store)
    steps = {
        "pages": lambda: [
            pages.time_page(store, page, role, repeat).summary()
            for page in pages.registered_pages()
            if not only or page.path in only
            for role in pages.roles_for(page)
        ],
        "save": lambda: writes.time_saves(store, repeat),
        "snapshot": lambda: writes.time_trust_snapshot(store, min(repeat, 3)),
        "roster_import": lambda: writes.time_roster_import(work_dir, min(repeat, 3)),
        "history_duckdb": lambda: history.time_duckdb(store, repeat),
    }
    # The high-water mark only rises: read after each step, it says which step
    # first took memory to its peak.
    result["peak_rss_bytes_after"] = {}
    for name, step in steps.items():
        result[name] = step()
        result["peak_rss_bytes_after"][name] = peak_rss_bytes()
    return result


def run_pandas(data_dir: Path, work_dir: Path, repeat: int, only) -> dict:
    """The plain pandas peer of the history figures, alone in its process."""
    runs = repeat
    result = {"history_pandas": history.time_pandas(data_dir / "snapshots", runs)}
    store = Store(data_dir)
    result["history_agree"] = history.figures_agree(store)
    store.close()
    return result


def holdings(store) -> dict:
    """What the size holds, to print beside its figures."""
    count = store.value
    return {
        "schools": count("select count(*) from schools"),
        "pupils": count("select count(*) from pupils where left_on is null"),
        "status_changes": count("select count(*) from status_changes"),
        "snapshot_files": sum(1 for _ in store.snapshots_dir.glob("school=*/*/*/*")),
    }


def peak_rss_bytes() -> int:
    """This process's resident memory high-water mark (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


PARTS = {"app": run_app, "pandas": run_pandas}

if __name__ == "__main__":
    sys.exit(main())
