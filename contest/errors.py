"""Typed errors: each carries an HTTP status, a stable code for API clients and
a message in Vietnamese. Domain and services raise them; one handler in the web
layer renders them as a page or as JSON. Nothing else turns errors into
responses."""

from __future__ import annotations

from collections.abc import Mapping

from contest.domain.durations import Duration


class Message(str):
    """A Vietnamese message made from ``template`` (``str.format`` fields)
    and ``values``. It is the plain text wherever text goes (the JSON API,
    logs); a page in another language translates the template and fills in
    the same values, each :class:`~contest.domain.durations.Duration` in that
    language's words (``contest.web.render.translate``), so one catalog entry
    serves every value and every configured limit."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Message:
        text = super().__new__(cls, template.format(**values))
        text.template = template
        text.values = values
        return text


class ContestError(Exception):
    status = 400
    code = "bad_request"
    message = "Yêu cầu không hợp lệ."

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        if code:
            self.code = code


class BadRequest(ContestError):
    pass


class Unauthorized(ContestError):
    status = 401
    code = "unauthorized"
    message = "Bạn cần đăng nhập."


class Forbidden(ContestError):
    status = 403
    code = "forbidden"
    message = "Bạn không có quyền thực hiện thao tác này."


class NotFound(ContestError):
    status = 404
    code = "not_found"
    message = "Không tìm thấy trang hoặc dữ liệu yêu cầu."


class Conflict(ContestError):
    status = 409
    code = "conflict"
    message = "Thao tác không thực hiện được ở trạng thái hiện tại."


class PayloadTooLarge(ContestError):
    status = 413
    code = "payload_too_large"
    message = "Dữ liệu gửi lên quá lớn."


class RequestTimeout(ContestError):
    """A request body that did not arrive in time (``web/security.BodyLimit``)."""

    status = 408
    code = "request_timeout"
    message = "Dữ liệu gửi lên quá chậm. Vui lòng kiểm tra kết nối mạng và thử lại."


class Invalid(ContestError):
    """Input that failed validation; ``errors`` maps each field to its message."""

    status = 422
    code = "invalid"
    message = "Dữ liệu chưa hợp lệ, vui lòng kiểm tra lại."

    def __init__(self, errors: Mapping[str, str], message: str | None = None) -> None:
        super().__init__(message)
        self.errors = dict(errors)


class TooManyRequests(ContestError):
    status = 429
    code = "too_many_requests"
    message = "Bạn thao tác quá nhiều lần. Vui lòng thử lại sau {wait}."

    def __init__(self, message: str | None = None, *, retry_after: int = 60) -> None:
        """``message`` says ``{wait}`` where the wait goes: ``retry_after``
        seconds (the Retry-After header's) in words, "1 giờ", "10 phút"
        (:func:`~contest.domain.durations.format_duration`), kept as a
        :class:`Message` so a page in English says it in English words."""
        super().__init__(Message(message or self.message, wait=Duration(retry_after * 1000)))
        self.retry_after = retry_after
