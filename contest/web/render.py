"""Rendering pages: one Jinja environment, Vietnamese first.

Times are shown in Asia/Ho_Chi_Minh as dd/mm/yyyy HH:MM. Text is translated
by looking the Vietnamese string up in ``locale/<lang>.json``; a string with no
translation shows in Vietnamese. Autoescaping is on for every template, so
question text from an uploaded bank is always shown as text.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from contest.domain import phases
from contest.domain.durations import DURATION_UNITS, Duration, format_duration
from contest.domain.models import Round
from contest.domain.name_lists import grouped
from contest.domain.permissions import Capability, can
from contest.errors import Message
from contest.resources import resource_dir
from contest.web.auth import CONSOLE_CAPABILITY, csrf_token, session_user

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
LANGUAGES = ("vi", "en")
STATIC_DIR = Path(__file__).parent / "static"
LOCALE_DIR = Path(__file__).parent / "locale"


@cache
def catalog(lang: str) -> dict[str, str]:
    if lang == "vi":
        return {}
    data: dict[str, str] = json.loads((LOCALE_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    return data


def translate(lang: str, text: str, **values: Any) -> str:
    """``text`` in ``lang`` (as it is when the catalog has no entry), with
    ``values`` filled in; a :class:`~contest.errors.Message` is looked up by
    its template and filled with its own values, each
    :class:`~contest.domain.durations.Duration` in ``lang``'s words."""
    if isinstance(text, Message) and not values:
        values = text.values
        text = text.template
    translated = catalog(lang).get(text, text)
    if not values:
        return translated
    return translated.format(**{k: v.said(lang) if isinstance(v, Duration) else v for k, v in values.items()})


def local(moment: datetime) -> datetime:
    return moment.astimezone(TIMEZONE)


def format_datetime(moment: datetime | None) -> str:
    return "" if moment is None else local(moment).strftime("%d/%m/%Y %H:%M")


def format_date(moment: datetime | None) -> str:
    return "" if moment is None else local(moment).strftime("%d/%m/%Y")


def format_time(moment: datetime | None) -> str:
    return "" if moment is None else local(moment).strftime("%H:%M:%S")


@jinja2.pass_context
def _duration_filter(context: jinja2.runtime.Context, ms: int | None) -> str:
    return format_duration(ms, context["lang"])


def phase_label(round_: Round, now: datetime) -> str:
    """The round's phase at ``now`` as people read it (in Vietnamese; the
    template translates it)."""
    return phases.LABELS[phases.effective(round_, now)]


SEPARATORS = {"vi": {ord(","): ".", ord("."): ","}, "en": {}}
"""How each language writes thousands and decimals: 30.038 and 2,5 in
Vietnamese (TCVN, as Vietnamese text writes them), 30,038 and 2.5 in English."""


def format_number(value: float, lang: str = "vi", places: int = 0) -> str:
    """A number as the language writes it (:data:`SEPARATORS`), rounded to
    ``places`` decimals: ``format_number(2.5, places=1)`` is "2,5"."""
    text = f"{value:,}" if isinstance(value, int) and not places else f"{value:,.{places}f}"
    return text.translate(SEPARATORS[lang])


@jinja2.pass_context
def _number_filter(context: jinja2.runtime.Context, value: float, places: int = 0) -> str:
    return format_number(value, context["lang"], places)


_HYPHENATED = re.compile(r"\S{0,20}\w-\w\S{0,20}")


def keep_whole(text: str) -> Markup:
    """Text (escaped) with each short token joined by a hyphen ("52-NQ/TW",
    "COVID-19", "43/2011/NĐ-CP") kept on one line: browsers would otherwise
    break after the hyphen. The characters stay as written, for search and
    copying."""
    parts, last = [], 0
    for token in _HYPHENATED.finditer(text):
        parts += [escape(text[last : token.start()]), Markup('<span class="nowrap">%s</span>') % token.group(0)]
        last = token.end()
    return Markup("").join([*parts, escape(text[last:])])


@cache
def static_version(name: str) -> str:
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    """A URL that changes when the file does, so it can be cached for a year."""
    return f"/static/{name}?v={static_version(name)}"


def request_language(request: Request) -> str:
    lang = request.cookies.get("lang", "vi")
    return lang if lang in LANGUAGES else "vi"


_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
"""CommonMark with tables; raw HTML is shown as text and links other than
http(s), mailto and relative ones are dropped (markdown-it's own check)."""


def markdown(text: str) -> Markup:
    """A contest's rules (thể lệ), written by organisers in Markdown, as safe
    HTML: nothing they type becomes markup but Markdown's own."""
    return Markup(_MARKDOWN.render(text))  # noqa: S704 - html disabled: every tag typed is escaped


class Renderer:
    def __init__(self, *, templates: Path | None = None) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates or resource_dir("templates"))),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            datetime=format_datetime,
            date=format_date,
            time=format_time,
            duration=_duration_filter,
            number=_number_filter,
            phase=phase_label,
            whole=keep_whole,
            markdown=markdown,
            grouped_areas=lambda areas: grouped((a, a.name) for a in areas),
        )
        self.env.globals.update(
            static_url=static_url,
            duration_units=DURATION_UNITS,
            can=can,
            Capability=Capability,
            CONSOLE_CAPABILITY=CONSOLE_CAPABILITY,
        )

    def page(self, request: Request, name: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
        lang = request_language(request)

        def _(text: str, **values: Any) -> str:
            return translate(lang, text, **values)

        html = self.env.get_template(name).render(
            request=request,
            user=session_user(request),
            csrf_token=csrf_token(request) if "session" in request.scope else "",
            lang=lang,
            _=_,
            **context,
        )
        return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})
