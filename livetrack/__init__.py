"""LiveTrack: live progress tracking for English schools."""

__version__ = "0.1.0"
