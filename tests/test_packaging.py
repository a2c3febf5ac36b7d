"""A non-editable install carries everything the server needs at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_templates_static_files_migrations_and_the_bank(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "contest/_data/templates/base.html",
        "contest/_data/templates/participant/attempt.html",
        "contest/_data/templates/organiser/bank.html",
        "contest/_data/questions/01-khai-niem.toml",
        "contest/_data/questions/ngan-hang-cau-hoi.xlsx",
        "contest/web/static/app.css",
        "contest/web/static/attempt.js",
        "contest/web/locale/en.json",
        "contest/storage/migrations/sqlite/0001_initial.sql",
    ):
        assert expected in names, expected
    assert not any(n.startswith(("tests/", "bench/")) for n in names)
