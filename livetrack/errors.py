"""The errors LiveTrack raises, each written for the person who reads it.

LiveTrackError             anything LiveTrack can explain in plain words
├── DatabaseInUse          another process holds the database
├── NotAllowed             outside the person's scope
├── InvalidChange          a status change that breaks the policy's rules
├── TrackingNotStarted     live tracking has not begun this year
├── SnapshotExists         a snapshot is already taken for that half-term
├── InvalidInput           a form or command value that is not valid
└── ImportRejected         a file with problems; nothing was written
"""


class LiveTrackError(Exception):
    """A problem with a message fit to show a teacher or a school office."""


class DatabaseInUse(LiveTrackError):
    """The database file is open in another process (usually the running app)."""


class NotAllowed(LiveTrackError):
    """The person's scope does not cover what they asked for."""


class InvalidChange(LiveTrackError):
    """A status change that the tracking policy does not allow."""


class TrackingNotStarted(LiveTrackError):
    """Statuses cannot change before live tracking starts for the year."""


class SnapshotExists(LiveTrackError):
    """A snapshot for that school and half-term is already on disk."""


class InvalidInput(LiveTrackError):
    """A value typed into a form or a command that LiveTrack cannot accept."""


class ImportRejected(LiveTrackError):
    """A file that failed validation; `problems` lists every reason, by line."""

    def __init__(self, message: str, problems: list[str]):
        super().__init__(message)
        self.problems = problems
