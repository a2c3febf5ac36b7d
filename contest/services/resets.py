"""A forgotten password: a code by SMS to the account's phone, or a link by
email, then a new password that ends every session and token of the account
(:meth:`Accounts.set_password <contest.services.accounts.Accounts.set_password>`).

Asking answers the same whether or not an account has that phone or email: a
row is stored either way (so the limit per phone and network counts the same),
but only an existing account is sent anything (only those rows count in the
phone's total, :mod:`contest.services.codes`), and no code matches a row made
for no account. An emailed link carries a token signed with itsdangerous (dated,
``CONTEST_RESET_LINK_TTL_SECONDS``) holding nothing personal: the account's
id, a random nonce whose HMAC is the row's code (so it works once, and a
newer link ends it), and the account's :func:`binding
<contest.domain.codes.binding>` (its email and password hash), so a changed
password or email ends every link sent before. The token is base64 JSON
that anyone can read, and it ends up in access logs: hence no email in it.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from contest.config import Settings
from contest.domain.codes import Purpose, binding, mask_email, read_phone_and_code
from contest.domain.publication import mask_phone
from contest.domain.registration import normalize_phone, password_error
from contest.errors import Invalid
from contest.services.accounts import Accounts
from contest.services.codes import Codes, Unavailable
from contest.services.signups import sms_text
from contest.storage import Storage

RESET_SMS = "Ma dat lai mat khau Hoi thi truc tuyen: {code}. Het han sau {minutes} phut. Khong dua ma cho ai."
RESET_SUBJECT = "Đặt lại mật khẩu Hội thi trực tuyến"
RESET_EMAIL = (
    "Chào bạn,\n\nAi đó (có thể là bạn) vừa yêu cầu đặt lại mật khẩu tài khoản Hội thi trực tuyến gắn với email "
    "này. Mở liên kết sau để đặt mật khẩu mới (dùng một lần, hết hạn sau {minutes} phút):\n\n{link}\n\n"
    "Nếu bạn không yêu cầu, hãy bỏ qua thư này; mật khẩu của bạn không đổi."
)
BAD_LINK = "Liên kết đặt lại mật khẩu không đúng, đã dùng hoặc đã hết hạn. Vui lòng yêu cầu liên kết mới."
LOGIN_NEEDED = "Nhập số điện thoại di động hoặc email của tài khoản."


@dataclass(frozen=True, slots=True)
class Sent:
    """Where a reset was sent, as the page may say it: ``channel`` ``phone``
    or ``email``, ``to`` masked, ``phone`` the normalised number to carry to
    the next step (empty for email)."""

    channel: str
    to: str
    phone: str = ""


class Resets:
    def __init__(self, storage: Storage, accounts: Accounts, codes: Codes, settings: Settings) -> None:
        self._storage = storage
        self._accounts = accounts
        self._codes = codes
        self._settings = settings
        self._links = URLSafeTimedSerializer(settings.secret_key, salt="contest.password-reset")
        self._key = settings.secret_key.encode()

    @property
    def by_email(self) -> bool:
        """Whether links can be emailed (an email sender and ``CONTEST_PUBLIC_URL``)."""
        return self._codes.email is not None and bool(self._settings.public_url)

    async def request(self, login: object, *, client: str) -> Sent:
        """Send a code to a phone or a link to an email, if an account has
        it; the answer is the same if none has. :class:`Invalid` (``login``)
        for neither a phone nor an email, TooManyRequests past a send limit,
        ``Unavailable`` (409) without the sender it needs, ``SendFailed`` (503)."""
        text = login.strip() if isinstance(login, str) else ""
        phone = normalize_phone(text)
        if phone is not None:
            sms = self._codes.need_sms()
            found = await self._storage.accounts.for_login(phone)
            code = await self._codes.issue(
                Purpose.RESET,
                phone,
                client=client,
                payload=str(found[0].id) if found else "",
                usable=bool(found),
                sent=bool(found),
            )
            if found:
                await sms.send_sms(phone, sms_text(RESET_SMS.format(code=code, minutes=self._codes.minutes)))
            return Sent("phone", mask_phone(phone), phone)
        if "@" in text and len(text) <= 254 and text.isprintable():
            email = text.lower()
            if self._codes.email is None or not self._settings.public_url:
                raise Unavailable(
                    "Trang web chưa được cấu hình để gửi email. Vui lòng đặt lại mật khẩu bằng số điện thoại."
                )
            found = await self._storage.accounts.for_login(email)
            nonce = await self._codes.issue(
                Purpose.RESET_LINK,
                email,
                client=client,
                payload=str(found[0].id) if found else "",
                usable=bool(found),
                sent=bool(found),
            )
            if found:
                bound = await self._binding(found[0].id)
                token = self._links.dumps({"u": found[0].id, "n": nonce, "b": bound[1] if bound else ""})
                link = f"{self._settings.public_url.rstrip('/')}/password-reset/link?token={token}"
                minutes = max(1, self._settings.reset_link_ttl_seconds // 60)
                await self._codes.email.send_email(email, RESET_SUBJECT, RESET_EMAIL.format(minutes=minutes, link=link))
            return Sent("email", mask_email(email))
        raise Invalid({"login": LOGIN_NEEDED})

    async def _check_password(self, user_id: int, password: object) -> None:
        """:class:`Invalid` (``password``) before a code is spent on a password that cannot be set."""
        account = await self._storage.accounts.get(user_id)
        if (message := password_error(password, phone=account.phone if account else None)) is not None:
            raise Invalid({"password": message})

    async def confirm_code(self, phone: object, code: object, password: object) -> None:
        """Set ``password`` with the code sent to ``phone``; every session and
        token of the account ends. :class:`Invalid` naming ``phone``, ``code``
        (how many tries are left) or ``password``."""
        normal_phone, normal_code, errors = read_phone_and_code(phone, code)
        if (message := password_error(password, phone=normal_phone)) is not None:
            errors["password"] = message
        if errors:
            raise Invalid(errors)
        assert normal_phone is not None and normal_code is not None
        user_id = int(await self._codes.use(Purpose.RESET, normal_phone, normal_code))
        await self._accounts.set_password(user_id, password)

    async def _binding(self, user_id: int) -> tuple[str, str] | None:
        """The account's email and its :func:`~contest.domain.codes.binding` now (None: no account or email)."""
        account = await self._storage.accounts.get(user_id)
        password_hash = await self._storage.accounts.password_hash(user_id)
        if account is None or not account.email or password_hash is None:
            return None
        return account.email, binding(self._key, user_id=user_id, email=account.email, password_hash=password_hash)

    async def _claim(self, token: object) -> tuple[int, str, str]:
        """The account id, email and nonce of a link that can still work:
        signed, not expired, the account's email and password unchanged
        since it was sent; else :class:`Invalid` (``token``)."""
        try:
            data = self._links.loads(str(token or ""), max_age=self._settings.reset_link_ttl_seconds)
        except BadSignature:
            raise Invalid({"token": BAD_LINK}) from None
        if not isinstance(data, dict) or not {"u", "n", "b"} <= data.keys() or not isinstance(data["u"], int):
            raise Invalid({"token": BAD_LINK})
        bound = await self._binding(data["u"])
        if bound is None or not hmac.compare_digest(bound[1], str(data["b"])):
            raise Invalid({"token": BAD_LINK})
        return data["u"], bound[0], str(data["n"])

    async def check_link(self, token: object) -> None:
        """:class:`Invalid` (``token``) unless the link can still work: its
        signature holds, it has not expired, been used or replaced by a newer
        link or code, and the account's email and password are unchanged."""
        _, email, nonce = await self._claim(token)
        if not await self._codes.live(Purpose.RESET_LINK, email, nonce):
            raise Invalid({"token": BAD_LINK})

    async def confirm_link(self, token: object, password: object) -> None:
        """Set ``password`` with an emailed link (once, while
        :meth:`check_link` holds); every session and token of the account
        ends. :class:`Invalid` naming ``token`` or ``password``."""
        user_id, email, nonce = await self._claim(token)
        await self._check_password(user_id, password)
        if int(await self._codes.use(Purpose.RESET_LINK, email, nonce, field="token")) != user_id:
            raise Invalid({"token": BAD_LINK})
        await self._accounts.set_password(user_id, password)
