import subprocess
import sys

from livetrack.store import Store
from livetrack.store.migrations import MIGRATIONS


def test_migrations_run_once_and_reopen_cleanly(tmp_path):
    Store(tmp_path).close()
    reopened = Store(tmp_path)
    assert reopened.value("select count(*) from schema_migrations") == len(MIGRATIONS)
    reopened.close()


def test_a_second_process_is_told_in_plain_words(store):
    opener = (
        "import sys\n"
        "from livetrack.errors import DatabaseInUse\n"
        "from livetrack.store import Store\n"
        "try:\n"
        f"    Store({str(store.data_dir)!r})\n"
        "except DatabaseInUse as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", opener], capture_output=True, text=True
    )
    assert "in use by another program" in result.stdout
    assert result.stderr == ""


def test_a_failed_transaction_writes_nothing(store, school):
    before = store.value("select count(*) from pupils")
    try:
        with store.transaction() as cursor:
            cursor.execute("update pupils set year_group = 5")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert store.value("select count(*) from pupils where year_group = 5") == 0
    assert store.value("select count(*) from pupils") == before
