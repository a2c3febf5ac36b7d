"""uvicorn's HTTP protocol (httptools, which ``uvicorn[standard]`` brings)
with the one limit it lacks: a header timeout.

uvicorn closes a connection idle *between* requests (``timeout_keep_alive``)
but waits for ever for the first request's header, or for a header sent a
byte at a time, so idle and slow clients can hold every file descriptor of a
``contest serve`` reached without nginx. Here a client must send a request's
whole header within ``CONTEST_HEADER_TIMEOUT_SECONDS`` of connecting or of
starting the request, else the connection is closed. nginx in front
(deploy/nginx.conf, ``client_header_timeout``) remains the real defence: it
holds such clients for about 1 KB each, never reaching the app."""

from __future__ import annotations

import asyncio
import functools

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from contest.config import Settings


@functools.cache
def _header_timeout() -> int:
    """The setting, read once per worker process (uvicorn builds this class
    itself, so the value cannot be passed in)."""
    return Settings.from_env().header_timeout_seconds


class HeaderTimeout(HttpToolsProtocol):
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._header_timer is None:  # the next request on a kept-alive connection
            self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._header_timer = self.loop.call_later(_header_timeout(), self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()
