"""Who may use the page: this PC's browser, holding this start's token.

- The server listens on 127.0.0.1 only (ledger.web.server).
- Every URL starts with a random token made at each start (`/<token>/...`): a request
  without it, or with another, gets 403. The token is in the path, not in a cookie, so no
  other program on this PC (cookies for 127.0.0.1 go to every port) ever receives it.
- The Host header must name this server (a web site that rebinds its DNS name to
  127.0.0.1 is refused), and a POST must come from this server's own page: its Origin
  (or Referer) is this server and it carries the page's CSRF token.
- Files are served only from the chosen ledger's folder (`inside`); a folder the page reads or
  writes (汇总各处报表) is that folder or one inside it, with no link leading out (`folder_inside`, `link_out`).
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ledger.core.i18n import register, text

register(
    {
        "web.forbidden": {
            "zh-Hans": "拒绝访问:请使用启动“ledger app”时给出的完整地址(含令牌)。",
            "zh-Hant": "拒絕存取:請使用啟動「ledger app」時給出的完整網址(含權杖)。",
            "en": "Forbidden: use the full address (with its token) that “ledger app” gave when it started.",
        },
        "web.csrf_refused": {
            "zh-Hans": "请求被拒绝:它不是从本页面发出的。请刷新页面后再按按钮。",
            "zh-Hant": "請求被拒絕:它不是從本頁面發出的。請重新整理頁面後再按按鈕。",
            "en": "Request refused: it did not come from this page. Reload the page and press the button again.",
        },
    }
)

CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"


@dataclass
class Keys:
    """The secrets of one start: the URL token and the CSRF token of its pages."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    hosts: set[str] = field(default_factory=set)  # "127.0.0.1:8765", "localhost:8765"

    def allow_port(self, port: int) -> None:
        self.hosts |= {f"127.0.0.1:{port}", f"localhost:{port}"}

    @property
    def prefix(self) -> str:
        return "/" + self.token

    def csrf_ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(value.encode(), self.csrf.encode())


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def same_origin(scope: Scope, hosts: set[str]) -> bool:
    """A POST's Origin (or, lacking it, its Referer) must be this server."""
    origin = _header(scope, b"origin") or _header(scope, b"referer")
    if not origin or origin == "null":
        return False
    parts = urlsplit(origin)
    return parts.scheme == "http" and parts.netloc in hosts


class Guard:
    """ASGI middleware: Host, token prefix and (for POST) origin checks before any route runs."""

    def __init__(self, app: ASGIApp, keys: Keys, lang: Callable[[], str]) -> None:
        self.app = app
        self.keys = keys
        self.lang = lang

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        prefix = self.keys.prefix
        token_ok = path == prefix or path.startswith(prefix + "/")
        host_ok = (_header(scope, b"host") or "") in self.keys.hosts
        if not (token_ok and host_ok):
            await self._refuse("web.forbidden", scope, receive, send)
            return
        if scope.get("method") not in ("GET", "HEAD") and not same_origin(scope, self.keys.hosts):
            await self._refuse("web.csrf_refused", scope, receive, send)
            return
        await self.app(scope, receive, with_headers(send))

    async def _refuse(self, code: str, scope: Scope, receive: Receive, send: Send) -> None:
        response = PlainTextResponse(text(code, self.lang()), status_code=403, headers=SECURITY_HEADERS)
        await response(scope, receive, send)


def with_headers(send: Send) -> Send:
    """`send` adding SECURITY_HEADERS to the response's start (unless a route set them itself)."""
    extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {k for k, _ in message.get("headers", [])}
            message = {**message, "headers": [*message.get("headers", []), *(h for h in extra if h[0] not in present)]}
        await send(message)

    return sending


async def csrf_checked(request: Request, keys: Keys) -> dict[str, str] | None:
    """The POSTed form when its CSRF token (header or form field) is this page's; else None."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    if keys.csrf_ok(request.headers.get(CSRF_HEADER)) or keys.csrf_ok(values.get(CSRF_FIELD)):
        return values
    return None


def inside(folder: Path, relative: str) -> Path | None:
    """`relative` resolved inside `folder` (symlinks followed), or None when it leads out of it."""
    if not relative or "\x00" in relative:
        return None
    base = folder.resolve()
    candidate = (base / relative).resolve()
    if candidate == base or not candidate.is_relative_to(base):
        return None
    return candidate


def folder_inside(folder: Path, typed: str) -> Path | None:
    """A folder typed in the page (absolute, or relative to `folder`), resolved: `folder` itself or one inside it."""
    if "\x00" in typed:
        return None
    base = folder.resolve()
    candidate = Path(typed).expanduser() if typed else base
    candidate = (candidate if candidate.is_absolute() else base / candidate).resolve()
    if candidate != base and not candidate.is_relative_to(base):
        return None
    return candidate


def link_out(folder: Path, base: Path) -> Path | None:
    """The first symbolic link under `folder` leading outside `base` (hidden folders, never read, are skipped)."""
    base = base.resolve()
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in (*dirs, *files):
            entry = Path(root) / name
            if entry.is_symlink() and not entry.resolve().is_relative_to(base):
                return entry
    return None


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
