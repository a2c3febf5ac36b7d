"""The storage layer: the only code that speaks SQL."""

from __future__ import annotations

from pathlib import Path

from contest.storage.accounts import Duplicate
from contest.storage.sqlite import SQLiteStorage

Storage = SQLiteStorage
"""The interface services use. The PostgreSQL backend will implement the same
methods; until it lands, the SQLite class is the interface."""


class UnsupportedDatabase(ValueError):
    pass


def open_storage(url: str, *, sqlite_synchronous: str = "FULL") -> Storage:
    """Storage for a ``CONTEST_DATABASE_URL``; ``sqlite_synchronous`` is
    ``CONTEST_SQLITE_SYNCHRONOUS`` (ValueError when not FULL or NORMAL)."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if not path:
            raise UnsupportedDatabase("sqlite:/// needs a file path, e.g. sqlite:///contest.db")
        return SQLiteStorage(Path(path), synchronous=sqlite_synchronous)
    if url.startswith(("postgres://", "postgresql://")):
        raise UnsupportedDatabase("The PostgreSQL backend is not available yet; use sqlite:///path/to/file.db.")
    raise UnsupportedDatabase(f"Unknown database URL {url!r}: use sqlite:///path/to/file.db.")


__all__ = ["Duplicate", "Storage", "UnsupportedDatabase", "open_storage"]
