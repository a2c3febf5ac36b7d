"""PDFs (fpdf2) in Vietnamese, in DejaVu Sans, which the package ships
(``static/fonts``, its licence beside it): a winner's certificate, with a QR
code (segno) drawn as filled squares linking to the public verification page,
and a round's sign-off record."""

from __future__ import annotations

import segno
from fpdf import FPDF

from contest.services.certificates import Certificate
from contest.services.records import SignOff
from contest.web.render import STATIC_DIR

FONTS = STATIC_DIR / "fonts"
QR_MODULE_MM = 1.2
"""One QR module's side on paper: about 40 mm for a verification address."""


def qr_modules(url: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code for ``url`` as rows of dark (True) and light modules, with
    no quiet zone: what :func:`certificate` draws."""
    return tuple(tuple(bool(m) for m in row) for row in segno.make(url, error="m", micro=False).matrix)


def _document(title: str, orientation: str) -> FPDF:
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_creator("Hội thi trực tuyến")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    return pdf


def certificate(cert: Certificate, *, url: str) -> bytes:
    """The certificate of ``cert`` on one A4 landscape page, with the QR
    code of ``url`` (its verification page) and the address printed under it."""
    pdf = _document(f"Giấy chứng nhận · {cert.name}", "L")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_draw_color(150, 20, 20)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    width = 277 - 20

    def line(text: str, size: int, *, bold: bool = False, gap: float = 4) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.set_x(20)
        pdf.multi_cell(width, size * 0.5, text, align="C")
        pdf.ln(gap)

    pdf.set_y(22)
    line("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True, gap=1)
    line("Độc lập - Tự do - Hạnh phúc", 12, gap=8)
    line(cert.contest.upper(), 14, bold=True, gap=6)
    line("GIẤY CHỨNG NHẬN", 30, bold=True, gap=6)
    line("Ban Tổ chức chứng nhận", 14, gap=2)
    line(cert.name, 24, bold=True, gap=2)
    if cert.unit or cert.area:
        line(" · ".join(p for p in (cert.unit, cert.area) if p), 12, gap=4)
    line(f"đạt {cert.prize} {cert.round}", 16, bold=True, gap=2)
    line(f"Xếp hạng {cert.rank} với {cert.score} điểm.", 12, gap=2)

    modules = qr_modules(url)
    left, top = 20.0, 200 - 16 - len(modules) * QR_MODULE_MM
    pdf.set_fill_color(0, 0, 0)
    for y, row in enumerate(modules):
        for x, dark in enumerate(row):
            if dark:
                pdf.rect(left + x * QR_MODULE_MM, top + y * QR_MODULE_MM, QR_MODULE_MM, QR_MODULE_MM, style="F")
    pdf.set_font("DejaVu", "", 8)
    pdf.set_xy(left, 200 - 14)
    pdf.cell(120, 4, f"Kiểm tra: {url}")
    return bytes(pdf.output())


def sign_off(record: SignOff, lines: list[tuple[str, str]]) -> bytes:
    """The sign-off record as A4 portrait pages: ``lines`` are (kind, text)
    with kind ``h`` (a heading), ``b`` (bold) or ``p`` (a paragraph), as
    the printable page lists them; signature lines for the committee at the end."""
    pdf = _document(f"Biên bản · {record.round.title}", "P")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    sizes = {"h": 13, "b": 11, "p": 10}
    for kind, text in lines:
        pdf.set_font("DejaVu", "" if kind == "p" else "B", sizes[kind])
        if kind == "h":
            pdf.ln(3)
        pdf.multi_cell(0, sizes[kind] * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font("DejaVu", "B", 11)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.cell(half, 6, "THƯ KÝ", align="C")
    pdf.cell(half, 6, "TRƯỞNG BAN GIÁM KHẢO", align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
