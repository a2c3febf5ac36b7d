"""The entry point uvicorn imports in each worker process: everything comes
from the environment, so every worker builds the same app."""

from __future__ import annotations

from typing import Any

from contest.config import Settings
from contest.services.container import Services
from contest.storage import configured_storage
from contest.web.app import create_app


def create() -> Any:
    settings = Settings.from_env()
    return create_app(
        Services.build(configured_storage(settings), settings)
    )
