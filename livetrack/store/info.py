"""What a database holds, in counts: for `livetrack info` and the app's footer."""

from livetrack.scope import Scope
from livetrack.store.connection import Store
from livetrack.store.snapshots import count_snapshot_statuses
from livetrack.store.statuses import status_totals


def count_holdings(store: Store, academic_year: str) -> dict:
    """Schools, pupils on roll, classes, subjects, live statuses and snapshots."""
    schools, pupils, classes, subjects = store.rows(
        """
        select (select count(*) from schools),
               (select count(*) from pupils where left_on is null),
               (select count(*) from classes c
                 where exists (select 1 from pupils p
                               where p.class_id = c.id and p.left_on is null)),
               (select count(*) from subjects)
        """
    )[0]
    everything = Scope.everything()
    return {
        "schools": schools,
        "pupils": pupils,
        "classes": classes,
        "subjects": subjects,
        "statuses": status_totals(store, everything, academic_year),
        "snapshots": len(count_snapshot_statuses(store, everything)),
    }
