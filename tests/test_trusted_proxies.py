"""Which addresses' X-Forwarded-* headers `contest serve` believes
(CONTEST_TRUSTED_PROXIES): nobody's by default, and a typo is refused at
start rather than silently trusting nothing. tests/e2e/test_nginx.py shows
the headers believed from nginx and ignored from anyone else."""

from __future__ import annotations

from pathlib import Path

import pytest

from contest.cli import main
from contest.config import Settings


def test_trusted_proxies_are_networks_and_none_by_default() -> None:
    assert Settings().proxies() == []
    assert Settings(trusted_proxies=" 10.0.0.5, 10.0.1.0/24 ,").proxies() == ["10.0.0.5/32", "10.0.1.0/24"]
    assert Settings(trusted_proxies="::1").proxies() == ["::1/128"]


def test_serve_refuses_a_trusted_proxy_that_is_no_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CONTEST_DATABASE_URL", f"sqlite:///{tmp_path / 'contest.db'}")
    monkeypatch.setenv("CONTEST_SECRET_KEY", "k" * 48)
    monkeypatch.setenv("CONTEST_TRUSTED_PROXIES", "127.0.0.1, nginx.local")
    assert main(["serve"]) == 1
    assert "CONTEST_TRUSTED_PROXIES: 'nginx.local' is not an address or network" in capsys.readouterr().err
    assert not (tmp_path / "contest.db").exists()  # refused before touching the database
