"""Security headers on every response, for the ASGI entry ``serve.py`` (``st.App`` with this middleware).

Streamlit's own configuration has no option for response headers (checked in Streamlit 1.67: the
``server.*`` options cover CORS, XSRF, allowed hosts, upload size and TLS, nothing like CSP or
frame-ancestors). Its public ``st.App`` accepts Starlette middleware, which is what ``serve.py`` uses.

Headers set (a reverse proxy may set them too, or more; see README "Security"):

- ``Content-Security-Policy: frame-ancestors <ALYKYLA_FRAME_ANCESTORS or 'self'>``: which sites may show the
  app in a frame (the seminar screen may be embedded in the project's own site: list it there);
- ``X-Frame-Options: SAMEORIGIN`` when only the app itself may frame it (older browsers);
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: strict-origin-when-cross-origin``,
  ``Permissions-Policy`` denying camera, microphone, geolocation and payment.

HSTS belongs to whoever terminates TLS (the reverse proxy), so it is not set here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_SOURCE = re.compile(r"^(?:'self'|'none'|https://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~/-]*)?)$")


def frame_ancestors(configured: str | None = None) -> str:
    """The ``frame-ancestors`` sources: env ``ALYKYLA_FRAME_ANCESTORS`` (space separated ``'self'``,
    ``'none'`` or https origins), else ``'self'``; anything else in it is left out."""
    text = configured if configured is not None else os.environ.get("ALYKYLA_FRAME_ANCESTORS", "")
    sources = [s for s in text.split() if _SOURCE.match(s)]
    return " ".join(sources) or "'self'"


def security_headers(ancestors: str | None = None) -> dict[str, str]:
    """The headers ``SecurityHeaders`` adds (names in lower case)."""
    sources = frame_ancestors(ancestors)
    headers = {
        "content-security-policy": f"frame-ancestors {sources}",
        "x-content-type-options": "nosniff",
        "referrer-policy": "strict-origin-when-cross-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }
    if sources == "'self'":
        headers["x-frame-options"] = "SAMEORIGIN"
    return headers


class SecurityHeaders:
    """ASGI middleware: ``security_headers()`` on every HTTP response (a header the app already set is kept)."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str] | None = None) -> None:
        self.app = app
        self.headers = [(k.encode("latin-1"), v.encode("latin-1"))
                        for k, v in (headers or security_headers()).items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
