"""Importers: files a school exports in, checked rows or a list of problems out.

An importer never writes part of a file: it checks the whole file first and
raises ImportRejected listing every problem, or writes all of it in one
transaction, with the audit event that says who imported which file.
Each kind (pupils, ctf, attendance, behaviour) reads, plans (what will
change, for a preview) and applies in three steps, and import_<kind> runs
all three.
"""

from livetrack.importers.pupils import (
    RosterPlan,
    RosterSummary,
    apply_roster,
    import_pupils,
    plan_roster,
)
from livetrack.importers.roster import Roster, read_roster

__all__ = [
    "Roster",
    "RosterPlan",
    "RosterSummary",
    "apply_roster",
    "import_pupils",
    "plan_roster",
    "read_roster",
]
