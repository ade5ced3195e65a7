"""The dashboard's guard: it holds credentials that can change production.

- Host: every request must name the loopback address and port the server listens on
  (a DNS-rebinding page would send its own host name).
- Session: the launch URL carries a random token; ``/login`` exchanges it for an HttpOnly,
  SameSite=Strict cookie. Anything else without that cookie is refused.
- CSRF: every POST carries the session's CSRF token in the form (``csrf``) and, when the
  browser sends one, an ``Origin`` equal to ours.
- Headers: a strict Content-Security-Policy (scripts, styles and images from this server
  only, no inline code), no caching, no referrer, no framing.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "zonke_session"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form POSTs
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

log = logging.getLogger("zonke.dashboard")


@dataclass
class Session:
    csrf: str
    flashes: list[tuple[str, str]] = field(default_factory=list)


class Guard:
    """Sessions and the launch token of one dashboard process."""

    def __init__(self, host: str, port: int, token: str | None = None) -> None:
        self.host, self.port = host, port
        self.token = token or secrets.token_urlsafe(32)
        self.sessions: dict[str, Session] = {}

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def launch_url(self) -> str:
        return f"{self.origin}/login?token={self.token}"

    def allowed_host(self, value: str) -> bool:
        return value == f"{self.host}:{self.port}"

    def session(self, request: Request) -> Session | None:
        sid = request.cookies.get(COOKIE, "")
        return self.sessions.get(sid) if sid else None

    def login(self, given: str) -> str | None:
        """A new session id when ``given`` is the launch token, else None."""
        if not given or not secrets.compare_digest(given.encode(), self.token.encode()):
            return None
        sid = secrets.token_urlsafe(32)
        self.sessions[sid] = Session(csrf=secrets.token_urlsafe(32))
        return sid


def _refuse(status: int, text: str) -> Response:
    return PlainTextResponse(text, status_code=status, headers=SECURITY_HEADERS)


class GuardMiddleware:
    """Pure ASGI middleware, so it can read the form body once and hand it on intact."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app, self.guard = app, guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request = Request(scope)
        status_box = {"status": 0}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box["status"] = message["status"]
                headers = list(message.get("headers", []))
                present = {k.decode().lower() for k, _ in headers}
                for k, v in SECURITY_HEADERS.items():
                    if k.lower() not in present:
                        headers.append((k.encode(), v.encode()))
                message["headers"] = headers
            await send(message)

        response = await self._check(request, scope)
        try:
            if response is not None:
                await response(scope, receive, send_with_headers)
                return
            if scope["method"] == "POST":
                body, receive = await _buffer(receive)
                if not self._csrf_ok(request, body):
                    await _refuse(403, "refused: missing or wrong CSRF token; reload the page")(
                        scope, receive, send_with_headers
                    )
                    return
            await self.app(scope, receive, send_with_headers)
        finally:
            # Method, path and status only: never the query string (the launch token) or a body.
            log.info(
                "%s %s %s %.0fms",
                scope["method"],
                scope["path"],
                status_box["status"],
                (time.perf_counter() - started) * 1000,
            )

    async def _check(self, request: Request, scope: Scope) -> Response | None:
        if not self.guard.allowed_host(request.headers.get("host", "")):
            return _refuse(421, "refused: this dashboard answers only to its own loopback address")
        path = scope["path"]
        if path == "/login":
            sid = self.guard.login(request.query_params.get("token", ""))
            if sid is None:
                return _refuse(
                    401, "refused: the link's token is wrong; use the URL `zonke dashboard` printed"
                )
            redirect = RedirectResponse("/", status_code=303)
            redirect.set_cookie(COOKIE, sid, httponly=True, samesite="strict", path="/")
            return redirect
        if path.startswith("/static/"):
            return None
        if self.guard.session(request) is None:
            return _refuse(401, "refused: no session; open the URL `zonke dashboard` printed")
        if scope["method"] not in ("GET", "HEAD", "POST"):
            return _refuse(405, "method not allowed")
        return None

    def _csrf_ok(self, request: Request, body: bytes) -> bool:
        session = self.guard.session(request)
        origin = request.headers.get("origin")
        if session is None or (origin is not None and origin != self.guard.origin):
            return False
        ctype = request.headers.get("content-type", "")
        if not ctype.startswith("application/x-www-form-urlencoded"):
            return False
        given = parse_qs(body.decode("utf-8", "replace")).get("csrf", [""])[0]
        return secrets.compare_digest(given.encode(), session.csrf.encode())


async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
