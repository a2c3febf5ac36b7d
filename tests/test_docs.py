"""Documentation that must not drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

from contest.config import Settings
from contest.web.render import catalog

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for name, _default, _help in Settings.documented():
        assert f"`{name}`" in text, name


def test_every_template_string_has_an_english_translation() -> None:
    english = catalog("en")
    missing = set()
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found = re.findall(r"""_\(\s*(["'])(.*?)\1""", text)
        found += [("", m) for m in re.findall(r"""field\("\w+", "([^"]+)\"""", text)]
        found += [("", m) for m in re.findall(r'''hint="([^"]+)"''', text)]
        missing |= {s for _, s in found if s not in english}
    assert not missing, sorted(missing)


def test_readme_quick_start_has_exactly_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:sh|bash)?\n(.*?)```", section, re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci
