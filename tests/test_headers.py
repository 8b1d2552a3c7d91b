"""Security headers of the ASGI entry serve.py (ui/headers.py); the browser test is tests/e2e/test_privacy_e2e.py."""

from __future__ import annotations

import asyncio

from ui.headers import SecurityHeaders, frame_ancestors, security_headers


def test_frame_ancestors_take_only_self_none_and_https_origins():
    assert frame_ancestors("") == "'self'"
    assert frame_ancestors("'self' https://kylat.example.fi") == "'self' https://kylat.example.fi"
    assert frame_ancestors("* http://x.fi javascript:alert(1) 'unsafe-inline'; https://ok.fi") == "https://ok.fi"
    assert frame_ancestors("*; script-src *") == "'self'"  # no other directive can slip in
    assert frame_ancestors("'none'") == "'none'"


def test_only_self_framing_adds_the_old_header_too():
    assert security_headers("")["x-frame-options"] == "SAMEORIGIN"
    assert "x-frame-options" not in security_headers("https://kylat.example.fi")
    assert security_headers("")["x-content-type-options"] == "nosniff"


def test_the_middleware_adds_headers_and_keeps_the_apps_own():
    sent = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain"), (b"referrer-policy", b"no-referrer")]})
        await send({"type": "http.response.body", "body": b"ok"})

    async def send(message):
        sent.append(message)

    asyncio.run(SecurityHeaders(app, security_headers(""))({"type": "http"}, None, send))
    headers = dict(sent[0]["headers"])
    assert headers[b"content-security-policy"] == b"frame-ancestors 'self'"
    assert headers[b"referrer-policy"] == b"no-referrer"  # the app's own value stays
    assert sent[1]["body"] == b"ok"
