"""The storage layer: the only code that speaks SQL."""

from __future__ import annotations

from pathlib import Path

from contest.config import Settings
from contest.storage.accounts import Duplicate
from contest.storage.banks import UploadGone
from contest.storage.postgres import DatabaseUnavailable, PostgresStorage
from contest.storage.sqlite import SQLiteStorage
from contest.storage.stores import Storage


class UnsupportedDatabase(ValueError):
    pass


def open_storage(url: str, *, sqlite_synchronous: str = "FULL", postgres_pool_size: int = 8) -> Storage:
    """Storage for a ``CONTEST_DATABASE_URL``: ``sqlite:///path`` or
    ``postgresql://user@host:port/db`` (``postgres://`` too);
    ``sqlite_synchronous`` is ``CONTEST_SQLITE_SYNCHRONOUS`` (ValueError when
    not FULL or NORMAL), ``postgres_pool_size`` ``CONTEST_POSTGRES_POOL_SIZE``.
    Raises UnsupportedDatabase for any other URL."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if not path:
            raise UnsupportedDatabase("sqlite:/// needs a file path, e.g. sqlite:///contest.db")
        return SQLiteStorage(Path(path), synchronous=sqlite_synchronous)
    if url.startswith(("postgres://", "postgresql://")):
        return PostgresStorage(url, pool_size=postgres_pool_size)
    raise UnsupportedDatabase(
        f"Unknown database URL {url!r}: use sqlite:///path/to/file.db or postgresql://user@host:port/database."
    )


def configured_storage(settings: Settings) -> Storage:
    """Storage as the settings describe it (:func:`open_storage`)."""
    return open_storage(
        settings.database_url,
        sqlite_synchronous=settings.sqlite_synchronous,
        postgres_pool_size=settings.postgres_pool_size,
    )


__all__ = [
    "DatabaseUnavailable",
    "Duplicate",
    "PostgresStorage",
    "SQLiteStorage",
    "Storage",
    "UnsupportedDatabase",
    "UploadGone",
    "configured_storage",
    "open_storage",
]
