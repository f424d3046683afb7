"""The command line, run as a school's IT person would: exit codes and plain words."""

import json
import subprocess
import sys

import pytest

from livetrack.cli import main


def run(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "livetrack", *arguments], capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("cli-demo")
    assert main(["--data-dir", str(data_dir), "demo"]) == 0
    return data_dir


def test_demo_says_how_long_it_took(tmp_path):
    result = run("--data-dir", str(tmp_path), "demo", "--seed", "7")
    assert result.returncode == 0
    assert "100%" in result.stderr
    assert "Built 1 demo school(s) in" in result.stderr


def test_demo_refuses_a_folder_that_holds_data(demo_dir, capsys):
    assert main(["--data-dir", str(demo_dir), "demo"]) == 1
    assert "already holds a LiveTrack database" in capsys.readouterr().err


def test_info_json_counts_what_the_demo_holds(demo_dir, capsys):
    assert main(["--data-dir", str(demo_dir), "info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["schools"] == 1
    assert 390 <= info["pupils"] <= 450
    assert info["classes"] == 14
    assert info["subjects"] == 12
    assert set(info["statuses"]) == {"Above", "On", "Below"}
    assert sum(info["statuses"].values()) > info["pupils"] * 8
    assert info["snapshots"] >= 1


def test_info_in_words(demo_dir, capsys):
    assert main(["--data-dir", str(demo_dir), "info"]) == 0
    out = capsys.readouterr().out
    assert "in 14 classes" in out and "Below" in out


def test_info_on_an_empty_folder_says_what_to_do(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "info"]) == 1
    assert "python -m livetrack demo" in capsys.readouterr().err


def test_snapshot_twice_is_refused_then_replaced(demo_dir, capsys):
    assert main(["--data-dir", str(demo_dir), "snapshot"]) == 0
    assert main(["--data-dir", str(demo_dir), "snapshot"]) == 1
    assert "already been taken" in capsys.readouterr().err
    assert main(["--data-dir", str(demo_dir), "snapshot", "--replace"]) == 0
