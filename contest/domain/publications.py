"""What a contest publishes besides the quiz: announcements and documents
for download. The rules for what may be published are here; the console
shows their messages beside the field.

A document is accepted only when its content is what its name says (the
first bytes of a PDF, an Office file or an image), so a file renamed to look
like a PDF is refused, and it is served back as an attachment with the type
checked here, never one the uploader's browser claimed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contest.domain.text import read_text
from contest.errors import Invalid

TITLE_LIMIT = 200
BODY_LIMIT = 10_000

KINDS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
"""Each extension a document may have: its media type and the bytes its
content starts with."""


@dataclass(frozen=True, slots=True)
class CheckedDocument:
    title: str
    filename: str
    """The name it is downloaded under: the uploaded name's last part, its
    extension lower case."""
    media_type: str


def _text(raw: object, *, field: str, label: str, limit: int, required: bool) -> str:
    text = read_text(raw, field=field)
    if required and not text:
        raise Invalid({field: f"Hãy nhập {label.lower()}."})
    if len(text) > limit:
        raise Invalid({field: f"{label} dài quá {limit} ký tự."})
    return text


def check_announcement(title: object, body: object) -> tuple[str, str]:
    """The title (required, at most :data:`TITLE_LIMIT` characters) and body
    (at most :data:`BODY_LIMIT`) of an announcement, trimmed; Invalid naming
    the field otherwise."""
    return (
        _text(title, field="title", label="Tiêu đề", limit=TITLE_LIMIT, required=True),
        _text(body, field="body", label="Nội dung", limit=BODY_LIMIT, required=False),
    )


def check_document(title: object, filename: str, data: bytes, *, limit: int) -> CheckedDocument:
    """A document to publish: a title (the file's name when left empty), a
    file of one of :data:`KINDS` whose content matches its extension, not
    empty and at most ``limit`` bytes. Invalid naming ``doc_title`` or ``file``
    (a file name with a control character included: :func:`read_text`)."""
    name = read_text(re.split(r"[\\/]", filename)[-1], field="file", one_line=True)
    stem, dot, extension = name.rpartition(".")
    kind = extension.lower()
    if not name:
        raise Invalid({"file": "Hãy chọn tệp tài liệu."})
    if not dot or kind not in KINDS:
        raise Invalid({"file": "Chỉ nhận tệp PDF, Word (.docx, .doc), Excel (.xlsx) hoặc ảnh (.png, .jpg)."})
    if not data:
        raise Invalid({"file": "Tệp rỗng."})
    if len(data) > limit:
        raise Invalid({"file": f"Tệp lớn hơn giới hạn {limit // (1024 * 1024)} MB."})
    media_type, starts = KINDS[kind]
    if not data.startswith(starts):
        raise Invalid({"file": "Nội dung tệp không đúng loại mà tên tệp ghi."})
    title_text = _text(title, field="doc_title", label="Tên tài liệu", limit=TITLE_LIMIT, required=False)
    return CheckedDocument(title=title_text or stem.strip() or name, filename=f"{stem}.{kind}", media_type=media_type)
