"""The command line, run as a school's IT person would: exit codes and plain words."""

import json
import subprocess
import sys

import pytest

from livetrack.cli import main
from tests.conftest import SAMPLES, needs_samples


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


# Imports


def run_in(data_dir, *arguments: str) -> subprocess.CompletedProcess:
    return run("--data-dir", str(data_dir), *arguments)


@needs_samples
def test_the_sample_school_imports_whole_from_the_command_line(tmp_path):
    data = tmp_path / "data"

    pupils = run_in(data, "import", "pupils", str(SAMPLES / "pupils_arbor.csv"))
    info = json.loads(run_in(data, "info", "--json").stdout)
    attendance = run_in(data, "import", "attendance",
                        str(SAMPLES / "attendance_autumn1.csv"))  # fmt: skip
    behaviour = run_in(data, "import", "behaviour",
                       str(SAMPLES / "behaviour_autumn1.csv"))  # fmt: skip
    again = run_in(data, "import", "behaviour",
                   str(SAMPLES / "behaviour_autumn1.csv"))  # fmt: skip
    ctf = run_in(data, "import", "ctf", str(SAMPLES / "ctf_25.xml"))

    assert [r.returncode for r in (pupils, attendance, behaviour, again, ctf)] == [
        0
    ] * 5
    assert (info["pupils"], info["classes"]) == (70, 14)
    assert "70 attendance rows for 70 pupils" in attendance.stderr
    assert "117 incidents, 117 added" in behaviour.stderr
    assert "117 incidents, 0 added, 117 already in LiveTrack" in again.stderr
    assert "20 pupils in the CTF" in ctf.stderr
    assert "Traceback" not in "".join(r.stderr for r in (pupils, attendance, ctf))


@needs_samples
def test_a_dry_run_of_each_kind_writes_nothing(tmp_path):
    data = tmp_path / "data"
    run_in(data, "import", "pupils", str(SAMPLES / "pupils_arbor.csv"))
    for kind, name in [
        ("attendance", "attendance_autumn1.csv"),
        ("behaviour", "behaviour_autumn1.csv"),
        ("ctf", "ctf_25.xml"),
    ]:
        result = run_in(data, "import", kind, str(SAMPLES / name), "--dry-run")
        assert result.returncode == 0, result.stderr
        assert "Checked (nothing was changed)" in result.stderr
    assert main(["--data-dir", str(data), "info", "--json"]) == 0


def test_a_rejected_file_exits_1_with_one_line_per_problem(tmp_path, capsys):
    data = tmp_path / "data"
    roster = tmp_path / "pupils.csv"
    roster.write_text("UPN,Forename,Surname,DOB,Year,Class\r\n"
                      "B801200005001,Amy,Smith,01/09/2017,3,3K\r\n")  # fmt: skip
    assert main(["--data-dir", str(data), "import", "pupils", str(roster)]) == 0
    bad = tmp_path / "attendance.csv"
    bad.write_text(
        "UPN,From,To,Possible,Present\r\n"
        "B801200005001,03/09/2026,23/10/2026,76,80\r\n"
        "A801200005001,03/09/2026,23/10/2026,76,70\r\n"
    )
    capsys.readouterr()

    assert main(["--data-dir", str(data), "import", "attendance", str(bad)]) == 1

    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("The attendance file was not imported: 2 problems")
    assert lines[1].startswith("Line 2: 80 present and 0 absent sessions")
    assert lines[2].startswith('Line 3: the UPN "A801200005001" fails its check')
    assert len(lines) == 3


@needs_samples
def test_a_column_named_on_the_command_line_is_remembered(tmp_path, capsys):
    data = tmp_path / "data"
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(
        (SAMPLES / "pupils_arbor.csv").read_text().replace("UPN,", "Pupil Ref,", 1)
    )
    argv = ["--data-dir", str(data), "import", "pupils", str(renamed)]

    assert main(argv) == 1
    assert 'with --column "DETAIL=HEADER"' in capsys.readouterr().err
    assert main([*argv, "--column", "UPN=Pupil Ref"]) == 0
    assert main(argv) == 0
    assert "0 pupils added" in capsys.readouterr().err


def test_a_bad_column_answer_is_explained(tmp_path, capsys):
    argv = ["--data-dir", str(tmp_path), "import", "behaviour", "x.csv"]
    assert main([*argv, "--column", "shoe size=Shoes"]) == 1
    assert "the details are: UPN, category" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["ctf", "attendance", "behaviour"])
def test_anything_but_pupils_needs_pupils_first(tmp_path, kind, capsys):
    assert main(["--data-dir", str(tmp_path), "import", kind, "file"]) == 1
    assert "import pupils FILE" in capsys.readouterr().err


def test_a_file_that_cannot_be_opened_is_one_line_not_a_traceback(tmp_path):
    result = run_in(tmp_path / "data", "import", "pupils", str(tmp_path / "no.csv"))

    assert result.returncode == 1
    assert "could not be opened" in result.stderr
    assert "Traceback" not in result.stderr
