"""Many people at once: 20 teachers save at the same moment while 10 leaders load.

Not run by default (it drives thirty sessions of the real server for a few
minutes): `python -m pytest -m load`. Marked browser too, so a run that
leaves out the browser tests leaves this out as well.
"""

import pytest

from bench.load import run_load_test

pytestmark = [pytest.mark.load, pytest.mark.browser]


def test_a_whole_staff_saving_at_once_loses_nothing():
    result = run_load_test(teachers=20, leaders=10)

    print(f"save p95 {result['save_p95_s']} s over {result['teachers']} teachers")
    assert result["teachers"] == 20 and result["leaders"] == 10
    assert result["errors"] == []
    assert len(result["save_seconds"]) == 20
    assert result["missing_changes"] == 0
    assert result["expected_changes"] == 40
