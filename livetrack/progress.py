"""Progress of long work (the demo, a snapshot, an import), told as it goes."""

from collections.abc import Callable

Progress = Callable[[float, str], None]
"""Called with the fraction done (0 to 1) and what is happening now."""


def silent(fraction: float, message: str) -> None:
    """A Progress that tells nobody."""
