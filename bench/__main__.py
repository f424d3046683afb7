"""python -m bench: LiveTrack measured at one school and at 40- and 100-school trusts.

Each size runs in processes of its own (bench/run.py), so that each peak
memory is that size's alone; this one gathers them, prints one table per size,
checks the targets on the 40-school trust and writes everything as JSON.
Exits 1 when any page raised, so CI's smoke run catches a page that breaks.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import streamlit

from bench.datasets import SIZES
from bench.report import check_targets, render

BENCH_ROOT = Path(__file__).resolve().parent
RESULTS = BENCH_ROOT / "results"
TARGET_SIZE = "trust40"
PANDAS_REPEAT = 2  # it reads 4.5 million rows at trust40, 11 million at trust100


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.smoke:
        arguments.sizes, arguments.repeat = "school", 1
    sizes = [name.strip() for name in arguments.sizes.split(",")]
    unknown = [name for name in sizes if name not in SIZES]
    if unknown:
        print(f"Unknown size {', '.join(unknown)}: choose from {', '.join(SIZES)}.")
        return 2
    report = {"machine": machine(), "repeat": arguments.repeat,
              "pandas_repeat": arguments.pandas_repeat, "sizes": {}}  # fmt: skip
    for name in sizes:
        print(f"Measuring {name} ({arguments.repeat} runs each)…", flush=True)
        report["sizes"][name] = measure(name, arguments)
        print(render(name, report["sizes"][name]), flush=True)
    report["machine"]["load_after"] = os.getloadavg()
    if TARGET_SIZE in report["sizes"]:
        report["targets"] = check_targets(report["sizes"][TARGET_SIZE])
        print(render_targets(report["targets"]))
    out = Path(arguments.out or RESULTS / f"{datetime.now(UTC):%Y-%m-%dT%H%M}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"Written to {out}")
    return 1 if page_errors(report) else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    option = parser.add_argument
    option(
        "--sizes",
        default="school,trust40,trust100",
        help=f"comma-separated, from {', '.join(SIZES)}",
    )
    option("--repeat", type=int, default=5, help="runs of each measurement (default 5)")
    option(
        "--pandas-repeat",
        type=int,
        default=PANDAS_REPEAT,
        help="runs of the pandas peer, which reads every snapshot each time "
        f"(default {PANDAS_REPEAT})",
    )
    option("--out", help="the JSON file (default bench/results/<when>.json)")
    option("--pages", nargs="*", help="only these page paths")
    option("--no-pandas", action="store_true", help="skip the pandas peer")
    option(
        "--smoke",
        action="store_true",
        help="one school, one run: fails if any page raises",
    )
    return parser  # fmt: skip


def measure(size: str, arguments) -> dict:
    """Both parts of one size, each in a fresh Python."""
    parts = ["app"] if arguments.no_pandas or arguments.smoke else ["app", "pandas"]
    result = {}
    for part in parts:
        repeat = arguments.pandas_repeat if part == "pandas" else arguments.repeat
        result[part] = run_part(size, part, repeat, arguments.pages)
    return result


def run_part(size: str, part: str, repeat: int, only: list | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="livetrack-bench-") as folder:
        out, log = Path(folder) / "result.json", Path(folder) / "log.txt"
        command = [
            sys.executable, "-m", "bench.run", "--size", size, "--part", part,
            "--repeat", str(repeat), "--out", str(out),
            *(["--pages", *only] if only else []),
        ]  # fmt: skip
        started = time.perf_counter()
        with log.open("w") as stderr:
            finished = subprocess.run(command, stderr=stderr, cwd=BENCH_ROOT.parent)
        if finished.returncode != 0 or not out.exists():
            print(log.read_text()[-4000:], file=sys.stderr)
            return {"failed": f"exit status {finished.returncode}"}
        result = json.loads(out.read_text())
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    return result


def machine() -> dict:
    """What the figures were measured on, and how busy it was when they started."""
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
    }


def render_targets(targets: list[dict]) -> str:
    lines = [f"Targets on {TARGET_SIZE}:"]
    for target in targets:
        mark = "met   " if target["met"] else "MISSED"
        lines.append(f"  {mark} {target['target']}: {target['measured']}")
    return "\n".join(lines)


def page_errors(report: dict) -> list[str]:
    errors = []
    for name, size in report["sizes"].items():
        app = size.get("app", {})
        if "failed" in app:
            errors.append(f"{name}: the run failed")
        for page in app.get("pages", []):
            errors += [f"{name} {page['page']}: {e}" for e in page["errors"]]
    for error in errors:
        print(f"ERROR {error}", file=sys.stderr)
    return errors


if __name__ == "__main__":
    sys.exit(main())
