"""uvicorn's HTTP protocol (httptools), with a deadline for every request to arrive.

uvicorn closes a keep-alive connection that stays idle after a response, but a connection that
opens and never sends a request, or sends one a byte at a time ("slowloris"), is kept for ever:
about 21,000 of them used up the server's file handles. Here every request must arrive whole
(request line, headers and body) within :data:`REQUEST_TIMEOUT` seconds of the connection
opening or of the previous response, or the connection is closed.

The server also marks each request's scope with :data:`SERVER_HEADERS`: uvicorn itself then
adds the security headers to every response it sends (see :func:`explainer.web.server.config`),
including its own ``400 Bad Request`` for a malformed request and ``503`` over the concurrency
limit, which never reach the application; :class:`~explainer.web.guard.Guard` then leaves them
out so that they are not sent twice.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from explainer.errors import InputError
from explainer.web.guard import SERVER_HEADERS


def _seconds(name: str, default: float) -> float:
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.1 <= value <= 3600:
        raise InputError(f"{name} must be a number of seconds from 0.1 to 3600, got '{text}'")
    return value


REQUEST_TIMEOUT_ENV = "EXPLAINER_REQUEST_TIMEOUT"
REQUEST_TIMEOUT = _seconds(REQUEST_TIMEOUT_ENV, 10.0)
"""Seconds a request may take to arrive whole (``EXPLAINER_REQUEST_TIMEOUT``, default 10)."""


LIMIT_CONCURRENCY_ENV = "EXPLAINER_LIMIT_CONCURRENCY"


def _count(name: str, default: int) -> int:
    text = os.environ.get(name)
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= 100_000:
        raise InputError(f"{name} must be a whole number from 1 to 100000, got '{text}'")
    return int(text)


LIMIT_CONCURRENCY = _count(LIMIT_CONCURRENCY_ENV, 256)
"""Connections and requests a worker takes at once (``EXPLAINER_LIMIT_CONCURRENCY``, default
256); uvicorn answers 503 over it."""
SPARE_CONNECTIONS = 64
"""Connections over the limit still accepted (to be told 503); beyond them they are dropped."""


class DeadlineProtocol(HttpToolsProtocol):
    """HttpToolsProtocol that closes a connection whose request does not arrive in time."""

    request_timeout = REQUEST_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        if self._deadline is None:
            self._deadline = self.loop.call_later(self.request_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        limit = self.limit_concurrency
        if limit is not None and len(self.connections) > limit + SPARE_CONNECTIONS:
            # Far over the limit: drop it now rather than spend a file handle on it.
            transport.abort()
            return
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope[SERVER_HEADERS] = True  # type: ignore[literal-required]
        self._arm()  # the next request on a kept-alive connection

    def on_message_complete(self) -> None:
        self._disarm()  # the request is in; answering it has no deadline here
        super().on_message_complete()
