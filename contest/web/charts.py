"""Charts drawn on the server as SVG: horizontal bars for named things (areas,
units), columns for a series (days, scores, minutes). Each scales to its
box (a viewBox, width 100 %), names itself (``<title>`` and ``<desc>``,
``role="img"``), and sits beside a table holding the same figures, which is
what screen readers and anyone wanting exact numbers read. No script, no
inline style (the page's Content-Security-Policy allows neither): colours are
presentation attributes. Every text goes in through ``Markup.format``, which
escapes it."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from contest.web.render import format_number

WIDTH = 340
"""The drawing's width: a phone's column (about 310 px at 360 px) shows its 13-unit labels at about 12 px."""
BAR = 22
GAP = 8
COLUMN_HEIGHT = 180
AXIS = 20
INK = "#1f5f99"
MUTED = "#5b6470"

_FRAME = Markup(
    '<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{key}-t {key}-d"'
    ' xmlns="http://www.w3.org/2000/svg"><title id="{key}-t">{title}</title><desc id="{key}-d">{desc}</desc>'
)
_LABEL = Markup('<text x="{x}" y="{y}" font-size="13" fill="{fill}">{text}</text>')
_BAR = Markup('<rect x="0" y="{y}" width="{width}" height="{height}" fill="{fill}"/>')
_COLUMN = Markup('<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{height}" fill="{fill}"/>')
_AXIS = Markup('<line x1="40" y1="{y}" x2="{x}" y2="{y}" stroke="{stroke}"/>')
_TICK = Markup('<text x="{x:.1f}" y="{y}" font-size="12" text-anchor="{anchor}" fill="{fill}">{text}</text>')


def _frame(key: str, title: str, desc: str, height: int, body: list[Markup]) -> Markup:
    head = _FRAME.format(width=WIDTH, height=height, key=key, title=title, desc=desc)
    return head + Markup("").join(body) + Markup("</svg>")


def bars(
    key: str, *, title: str, desc: str, rows: Sequence[tuple[str, int]], blank: str = "", lang: str = "vi"
) -> Markup:
    """One horizontal bar per (label, value), the label (``blank`` for an
    empty one) above its bar and the value at its end (written as ``lang``
    writes numbers), so long Vietnamese names never need a wide chart."""
    top = max((v for _, v in rows), default=0) or 1
    body: list[Markup] = []
    y = 0
    for label, value in rows:
        length = round((WIDTH - 60) * value / top)
        body.append(_LABEL.format(x=0, y=y + 14, fill=MUTED, text=label or blank))
        body.append(_BAR.format(y=y + 18, width=max(length, 1), height=BAR - 8, fill=INK))
        body.append(_LABEL.format(x=length + 6, y=y + 30, fill="#000", text=format_number(value, lang)))
        y += BAR + GAP + 12
    return _frame(key, title, desc, max(y, BAR), body)


def columns(key: str, *, title: str, desc: str, rows: Sequence[tuple[str, int]], lang: str = "vi") -> Markup:
    """One column per (label, value) in order, as a histogram or a day-by-day
    series: the tallest's value on the axis, the first, middle and last
    labels under it."""
    top = max((v for _, v in rows), default=0) or 1
    count = max(len(rows), 1)
    step = (WIDTH - 40) / count
    body = [
        _AXIS.format(y=COLUMN_HEIGHT, x=WIDTH, stroke=MUTED),
        _LABEL.format(x=0, y=12, fill=MUTED, text=format_number(top, lang)),
    ]
    shown = {0, count // 2, count - 1}
    for i, (label, value) in enumerate(rows):
        height = round((COLUMN_HEIGHT - 10) * value / top)
        x = 40 + i * step
        width = max(step - 1, 1)
        body.append(_COLUMN.format(x=x, y=COLUMN_HEIGHT - height, width=width, height=height, fill=INK))
        if i in shown:
            anchor = "start" if i == 0 else "end" if i == count - 1 else "middle"
            where = x if i == 0 else x + width if i == count - 1 else x + width / 2
            body.append(_TICK.format(x=where, y=COLUMN_HEIGHT + 15, anchor=anchor, fill=MUTED, text=label))
    return _frame(key, title, desc, COLUMN_HEIGHT + AXIS, body)
