"""What a contest publishes: its public page of announcements, documents,
prizes and contact (``/contests/{slug}/news``), each document's download,
and the console page where organisers publish and remove them
(``/organiser/publications…``, whose bodies may be as large as an upload);
a round previewed as its participants will see it."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contest.domain.banks.common import fold
from contest.domain.contests import PRIZE_LABELS
from contest.domain.models import Contest, User
from contest.domain.permissions import Capability
from contest.domain.publications import KINDS
from contest.errors import Invalid, PayloadTooLarge
from contest.web.auth import check_csrf
from contest.web.console_participants import ID_LIMIT
from contest.web.organiser import optional_number, services, staff_page
from contest.web.pages import read_form, redirect, render

DOWNLOAD_POLICY = "default-src 'none'; sandbox"
"""A downloaded document runs nothing and loads nothing, even if a browser
were to show it instead of saving it."""

contests_page = staff_page(Capability.MANAGE_CONTESTS)


async def news(request: Request) -> Response:
    """A contest's announcements (newest first, dated), documents for
    download, prize structure and how to reach its committee."""
    s = services(request)
    contest = await s.catalog.contest_by_slug(request.path_params["slug"])
    published = await s.publications.of(contest)
    return render(request, "public/news.html", published=published, prize_labels=PRIZE_LABELS, kinds=KINDS)


def _ascii_name(filename: str) -> str:
    """The file name without diacritics or quotes, for browsers that do not
    read ``filename*`` (``Thể lệ.pdf`` → ``the-le.pdf``)."""
    stem, _, extension = filename.rpartition(".")
    return "-".join(fold(stem).split()) + "." + extension if fold(stem) else "tai-lieu." + extension


async def download(request: Request) -> Response:
    """The document as an attachment under its own name, with the media type
    checked when it was published; a document of another contest is 404."""
    s = services(request)
    contest = await s.catalog.contest_by_slug(request.path_params["slug"])
    document, data = await s.publications.download(contest, request.path_params["document_id"])
    disposition = (
        f"attachment; filename=\"{_ascii_name(document.filename)}\"; filename*=UTF-8''{quote(document.filename)}"
    )
    return Response(
        data,
        media_type=document.media_type,
        headers={
            "content-disposition": disposition,
            "content-security-policy": DOWNLOAD_POLICY,
            "cache-control": "no-cache",
        },
    )


async def _console(
    request: Request,
    user: User,
    contest: Contest,
    *,
    status: int = 200,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, object] | None = None,
) -> Response:
    s = services(request)
    listing = await s.catalog.contests(s.clock.now())
    return render(
        request,
        "organiser/publications.html",
        status,
        contests=listing.open + listing.upcoming + listing.past,
        published=await s.publications.of(contest),
        errors=dict(errors or {}),
        values=dict(values or {}),
        limit_mb=s.settings.max_upload_bytes // (1024 * 1024),
    )


@contests_page
async def console(request: Request, user: User) -> Response:
    """``?contest=``: the contest chosen (the current one by default)."""
    s = services(request)
    contest_id = optional_number(
        request.query_params.get("contest"), field="contest", label="Cuộc thi", maximum=ID_LIMIT
    )
    contest = await (s.catalog.contest(contest_id) if contest_id is not None else s.catalog.current(s.clock.now()))
    return await _console(request, user, contest)


def _back(contest_id: int) -> Response:
    return redirect(f"/organiser/publications?contest={contest_id}")


@staff_page(Capability.MANAGE_ROUNDS)
async def preview(request: Request, user: User) -> Response:
    """A round as a participant would see it, drawn afresh and stored nowhere."""
    round_, questions = await services(request).previews.round(user, request.path_params["round_id"])
    return render(request, "organiser/round_preview.html", round=round_, questions=questions)


@contests_page
async def announce(request: Request, user: User) -> Response:
    s = services(request)
    contest = await s.catalog.contest(request.path_params["contest_id"])
    form = await read_form(request)
    try:
        await s.publications.announce(user, contest.id, title=form.get("title"), body=form.get("body"))
    except Invalid as exc:
        values = {"title": form.get("title"), "body": form.get("body")}
        return await _console(request, user, contest, status=exc.status, errors=exc.errors, values=values)
    return _back(contest.id)


@contests_page
async def add_document(request: Request, user: User) -> Response:
    s = services(request)
    contest = await s.catalog.contest(request.path_params["contest_id"])
    limit = s.settings.max_upload_bytes
    async with request.form(max_files=1, max_fields=10, max_part_size=limit) as form:
        check_csrf(request, form.get("csrf_token", ""))
        file = form.get("file")
        title = form.get("doc_title")
        filename = (file.filename or "") if isinstance(file, UploadFile) else ""
        data = await file.read(limit + 1) if isinstance(file, UploadFile) else b""
    try:
        await s.publications.add_document(user, contest.id, title=title, filename=filename, data=data)
    except (Invalid, PayloadTooLarge) as exc:
        errors = exc.errors if isinstance(exc, Invalid) else {"file": exc.message}
        return await _console(request, user, contest, status=exc.status, errors=errors, values={"doc_title": title})
    return _back(contest.id)


@contests_page
async def remove_announcement(request: Request, user: User) -> Response:
    s = services(request)
    await read_form(request)
    contest_id: int = request.path_params["contest_id"]
    await s.publications.remove_announcement(user, contest_id, request.path_params["item_id"])
    return _back(contest_id)


@contests_page
async def remove_document(request: Request, user: User) -> Response:
    s = services(request)
    await read_form(request)
    contest_id: int = request.path_params["contest_id"]
    await s.publications.remove_document(user, contest_id, request.path_params["item_id"])
    return _back(contest_id)


routes = [
    Route("/contests/{slug:slug}/news", news, methods=["GET"]),
    Route("/contests/{slug:slug}/documents/{document_id:id}", download, methods=["GET"]),
    Route("/organiser/publications", console, methods=["GET"]),
    Route("/organiser/rounds/{round_id:id}/preview", preview, methods=["GET"]),
    Route("/organiser/publications/{contest_id:id}/announcements", announce, methods=["POST"]),
    Route("/organiser/publications/{contest_id:id}/documents", add_document, methods=["POST"]),
    Route(
        "/organiser/publications/{contest_id:id}/announcements/{item_id:id}/delete",
        remove_announcement,
        methods=["POST"],
    ),
    Route("/organiser/publications/{contest_id:id}/documents/{item_id:id}/delete", remove_document, methods=["POST"]),
]
